package io.jasyncio.file;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

/**
 * How file work leaves the loop: one hop to the loop's default executor (platform threads) with
 * the calling task parked on a loop future meanwhile.
 *
 * <p>Why not the plain JDK call in the task: the JDK does not unmount a virtual thread for file
 * I/O, it blocks the carrier, and every task's carrier is the loop thread, so one slow read stops
 * the whole loop. Why the default executor and no pool of our own: {@link io.jasyncio.Runner}
 * (and so {@code Asyncio.run}) already shuts it down and joins its threads before the loop closes,
 * so no thread of ours outlives the loop, and one hand-off mechanism stays one (STYLE.md, 6).
 *
 * <p>Cancellation: the waiting task gets its {@link CancelledError} at once. What happens to the
 * work already handed over is the caller's choice: it runs to completion (the default: its effect
 * stays consistent, e.g. data read into a handle's buffer), or, for reads whose result nobody
 * will see, the worker thread is interrupted, which closes the channel it blocks in.
 */
final class Offload {
    private Offload() {}

    /**
     * The loop of the calling task. File calls suspend, so they need a task, not a callback and
     * not a foreign thread; the message says how to get there.
     */
    static EventLoop taskLoop(String what) {
        EventLoop loop;
        try {
            loop = Asyncio.getRunningLoop();
        } catch (IllegalStateException none) {
            throw new IllegalStateException(what + " suspends, so it must be called inside a task: no event loop runs in thread '"
                    + Thread.currentThread().getName() + "'; start the code with Asyncio.run(), or from another thread "
                    + "submit it to the loop with Asyncio.runCoroutineThreadsafe()");
        }
        if (loop.currentTask() == null) {
            throw new IllegalStateException(what + " suspends, so it must be called inside a task, not in a callback: "
                    + "start the code with Asyncio.createTask()");
        }
        return loop;
    }

    /** Runs {@code work} off the loop and returns its result; suspends the calling task only. */
    static <T> T call(EventLoop loop, Callable<T> work) throws IOException {
        return await(loop.runInExecutor(null, work));
    }

    /**
     * Like {@link #call} for work that only reads: if the task is cancelled meanwhile, the worker
     * is interrupted (a blocked {@code FileChannel} read then ends with
     * {@code ClosedByInterruptException}, discarded), so that a read of a FIFO nobody writes
     * cannot keep a thread after the loop closes.
     */
    static <T> T callInterruptibly(EventLoop loop, Callable<T> work) throws IOException {
        Interruptible<T> op = new Interruptible<>(work);
        Future<T> f = loop.runInExecutor(null, op);
        try {
            return await(f);
        } catch (CancelledError c) {
            op.interrupt();
            throw c;
        }
    }

    /**
     * Waits for {@code op} without cancelling it when the task is cancelled (asyncio's
     * {@code shield}): the work goes on and the caller decides what a cancellation means for it.
     * Checked exceptions come out unwrapped, as the JDK call threw them.
     */
    static <T> T await(Future<T> op) throws IOException {
        if (!op.done()) {
            Future<Void> waiter = op.getLoop().createFuture();
            op.addDoneCallback(x -> {
                if (!waiter.done()) waiter.setResult(null);
            });
            waiter.await();
        }
        try {
            return op.result();
        } catch (CompletionException e) {
            throw unwrap(e);
        }
    }

    /** The IOException inside {@code e}, or {@code e} itself as an unchecked exception. */
    static IOException unwrap(CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) return io;
        if (cause instanceof UncheckedIOException u) return u.getCause();
        throw e;
    }

    /**
     * Work whose worker thread may be interrupted while, and only while, it runs this work: the
     * executor clears a stale interrupt before its next task, and the monitor keeps the interrupt
     * from landing after {@link #call} returned.
     */
    private static final class Interruptible<T> implements Callable<T> {
        private final Callable<T> work;
        private Thread runner;
        private boolean interrupted;

        Interruptible(Callable<T> work) {
            this.work = work;
        }

        @Override
        public T call() throws Exception {
            synchronized (this) {
                if (interrupted) throw new java.nio.channels.ClosedByInterruptException();
                runner = Thread.currentThread();
            }
            try {
                return work.call();
            } finally {
                synchronized (this) {
                    runner = null;
                }
            }
        }

        synchronized void interrupt() {
            interrupted = true;
            if (runner != null) runner.interrupt();
        }
    }
}
