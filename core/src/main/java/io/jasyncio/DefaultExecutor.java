package io.jasyncio;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A loop's default executor for {@link EventLoop#runInExecutor} and {@link Asyncio#toThread}:
 * platform threads, as many as asyncio's default (min(32, cpus + 4)), idle ones retired after 60 s.
 *
 * <p>It remembers its threads so that {@link #shutdownAndJoin} can join them, as asyncio's
 * {@code shutdown_default_executor()} does: a pool reports termination while its last workers
 * are still exiting, and "shut down" should mean no thread of ours is left running.
 */
final class DefaultExecutor {
    private final ThreadPoolExecutor pool;
    /** Threads started by the pool, pruned of dead ones as new ones start. Guarded by itself. */
    private final List<Thread> threads = new ArrayList<>();

    DefaultExecutor() {
        int max = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
        ThreadFactory base = Thread.ofPlatform().daemon().name("jasyncio-executor-", 0).factory();
        ThreadFactory tracking = r -> {
            Thread t = base.newThread(r);
            synchronized (threads) {
                threads.removeIf(old -> !old.isAlive());
                threads.add(t);
            }
            return t;
        };
        pool = new ThreadPoolExecutor(max, max, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), tracking);
        pool.allowCoreThreadTimeOut(true);
    }

    Executor executor() {
        return pool;
    }

    /** Stops accepting work; running and queued work goes on. Does not wait. */
    void shutdown() {
        pool.shutdown();
    }

    /**
     * Shuts down, waits for queued and running work and joins every thread, within
     * {@code timeout} (null: without limit, asyncio's {@code timeout=None}); past it, interrupts
     * the threads.
     *
     * @return true if everything finished in time
     */
    boolean shutdownAndJoin(Duration timeout) throws InterruptedException {
        // Long.MAX_VALUE nanoseconds (292 years) is "no limit" for awaitTermination and join.
        long limit = timeout == null ? Long.MAX_VALUE : Math.max(0, saturatedNanos(timeout));
        long start = System.nanoTime();
        pool.shutdown();
        if (!pool.awaitTermination(limit, TimeUnit.NANOSECONDS)) {
            pool.shutdownNow();
            return false;
        }
        List<Thread> snapshot;
        synchronized (threads) {
            snapshot = new ArrayList<>(threads);
        }
        for (Thread t : snapshot) {
            long left = limit - (System.nanoTime() - start);
            if (left <= 0 || !t.join(Duration.ofNanos(left))) return false;
        }
        return true;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return d.isNegative() ? 0 : Long.MAX_VALUE;
        }
    }
}
