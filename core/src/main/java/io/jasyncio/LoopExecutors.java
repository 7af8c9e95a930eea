package io.jasyncio;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A loop's hand-offs to other threads: its lazily created {@link DefaultExecutor}, and the
 * futures whose outcome comes from outside the loop ({@link EventLoop#runInExecutor},
 * {@link EventLoop#wrapFuture}, {@link EventLoop#shutdownDefaultExecutor}). Each such future is
 * reported to the loop's {@link VirtualClock}, if any, as real-time work in flight; the cross-thread
 * plumbing itself is {@link ThreadBridge}. Loop thread only.
 */
final class LoopExecutors {
    private DefaultExecutor defaultExecutor;
    /** Set by shutdownDefaultExecutor: later uses of the default executor fail, as in asyncio. */
    private boolean shutdownCalled;

    <T> Future<T> runInExecutor(EventLoop loop, Executor executor, Callable<T> fn) {
        if (executor == null) executor = defaultExecutor().executor();
        Future<T> result = external(loop);
        ThreadBridge.runInExecutor(loop, executor, fn, result);
        return result;
    }

    <T> Future<T> wrap(EventLoop loop, CompletableFuture<T> cf) {
        Future<T> f = external(loop);
        ThreadBridge.wrap(loop, cf, f);
        return f;
    }

    Future<Void> shutdownDefault(EventLoop loop, Duration timeout) {
        shutdownCalled = true;
        DefaultExecutor executor = defaultExecutor;
        if (executor == null) {
            Future<Void> done = loop.createFuture();
            done.setResult(null);
            return done;
        }
        defaultExecutor = null;
        Future<Void> done = external(loop);
        ThreadBridge.shutdown(loop, executor, timeout, done);
        return done;
    }

    /** At close: shut the default executor down without waiting for its threads. */
    void shutdownNow() {
        DefaultExecutor executor = defaultExecutor;
        if (executor != null) {
            defaultExecutor = null;
            executor.shutdown();
        }
    }

    private DefaultExecutor defaultExecutor() {
        if (shutdownCalled) {
            throw new IllegalStateException("Executor shutdown has been called");
        }
        if (defaultExecutor == null) defaultExecutor = new DefaultExecutor();
        return defaultExecutor;
    }

    /** A fresh future of {@code loop} completed from another thread: the virtual clock waits for it. */
    private static <T> Future<T> external(EventLoop loop) {
        Future<T> f = loop.createFuture();
        VirtualClock clock = loop.getVirtualClock();
        if (clock != null) clock.trackExternal(f);
        return f;
    }
}
