package io.jasyncio;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;

/**
 * Work that crosses between a loop and other threads: running a function in an executor,
 * wrapping a {@link CompletableFuture}, shutting the default executor down. Every result comes
 * back to the loop through {@link EventLoop#callSoonThreadsafe}, the one way in (DESIGN.md §2);
 * a result that arrives after the loop closed is dropped, as asyncio does.
 */
final class ThreadBridge {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");

    private ThreadBridge() {}

    /** {@link EventLoop#callSoonThreadsafe} that reports instead of failing when the loop is closed. */
    static boolean callSoonIfOpen(EventLoop loop, Runnable callback) {
        try {
            loop.callSoonThreadsafe(callback);
            return true;
        } catch (IllegalStateException closedLoop) {
            return false;
        }
    }

    /** See {@link EventLoop#runInExecutor}; {@code result} is a fresh future of {@code loop}. */
    static <T> void runInExecutor(EventLoop loop, Executor executor, Callable<T> fn, Future<T> result) {
        FutureTask<T> work = new FutureTask<>(fn) {
            @Override
            protected void done() {
                if (isCancelled()) return;
                ThreadBridge.callSoonIfOpen(loop, () -> {
                    if (result.done()) return;
                    if (state() == State.SUCCESS) {
                        result.setResult(resultNow());
                    } else {
                        result.setException(exceptionNow());
                    }
                });
            }
        };
        result.addDoneCallback(f -> {
            if (f.cancelled()) work.cancel(false);
        });
        executor.execute(work);
    }

    /** See {@link EventLoop#wrapFuture}; {@code f} is a fresh future of {@code loop}. */
    static <T> void wrap(EventLoop loop, CompletableFuture<T> cf, Future<T> f) {
        cf.whenComplete((value, error) -> ThreadBridge.callSoonIfOpen(loop, () -> {
            if (f.done()) return;
            if (error == null) {
                f.setResult(value);
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof CancellationException) f.cancel(cause.getMessage());
            else f.setException(cause);
        }));
        f.addDoneCallback(x -> {
            if (x.cancelled()) cf.cancel(false);
        });
    }

    /**
     * Joins the executor's threads on a helper thread, then completes {@code done} on the loop.
     * The loop joins the helper itself before completing {@code done} (it has nothing left to do
     * by then), so that no thread of ours is alive once {@code done} is.
     */
    static void shutdown(EventLoop loop, DefaultExecutor executor, Duration timeout, Future<Void> done) {
        Thread.ofPlatform().daemon().name("jasyncio-executor-shutdown").start(() -> {
            Thread helper = Thread.currentThread();
            try {
                if (!executor.shutdownAndJoin(timeout)) {
                    LOG.log(System.Logger.Level.WARNING, "The default executor did not finish joining its threads within {0}", timeout);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ThreadBridge.callSoonIfOpen(loop, () -> {
                joinUninterruptibly(helper);
                if (!done.done()) done.setResult(null);
            });
        });
    }

    /** See {@link Asyncio#runCoroutineThreadsafe(Coroutine, EventLoop)}: safe from any thread. */
    static <T> CompletableFuture<T> runCoroutine(Coroutine<T> coro, EventLoop loop) {
        if (coro == null) throw new NullPointerException("coro");
        if (loop == null) throw new NullPointerException("loop");
        CompletableFuture<T> cf = new CompletableFuture<>();
        loop.callSoonThreadsafe(() -> {
            if (cf.isDone()) return; // cancelled before it could start
            Task<T> task;
            try {
                task = loop.createTask(coro);
            } catch (Throwable t) {
                cf.completeExceptionally(t);
                throw t;
            }
            task.addDoneCallback(f -> {
                if (f.cancelled()) {
                    cf.cancel(false);
                } else if (f.exception() != null) {
                    cf.completeExceptionally(f.exception());
                } else {
                    cf.complete(f.result());
                }
            });
            cf.whenComplete((r, e) -> {
                if (cf.isCancelled()) ThreadBridge.callSoonIfOpen(loop, () -> task.cancel());
            });
        });
        return cf;
    }

    /** Joins a thread that is about to end; keeps an interrupt for later. */
    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
