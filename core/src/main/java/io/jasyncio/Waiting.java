package io.jasyncio;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;

/** The implementations behind {@link Asyncio#wait}, {@link Asyncio#waitFor} and {@link Asyncio#shield}. */
final class Waiting {
    private Waiting() {}

    /** asyncio 3.12's {@code wait} and {@code _wait}. Suspending. */
    static <F extends Future<?>> WaitResult<F> wait(Collection<? extends F> fs, Duration timeout, ReturnWhen returnWhen) {
        if (fs == null) throw new NullPointerException("fs");
        if (returnWhen == null) throw new NullPointerException("returnWhen");
        if (fs.isEmpty()) throw new IllegalArgumentException("Set of Tasks/Futures is empty.");
        EventLoop loop = Asyncio.getRunningLoop();
        Set<F> set = new LinkedHashSet<>(fs); // futures compare by identity: asyncio's set(fs)
        for (F f : set) {
            if (f == null) throw new NullPointerException("wait() got a null future");
            if (f.loop != loop) {
                throw new IllegalArgumentException("wait() got a future of another event loop than the running one: " + f);
            }
        }
        Future<Void> waiter = loop.createFuture();
        TimerHandle[] timeoutHandle = {null};
        if (timeout != null) {
            timeoutHandle[0] = loop.callLater(timeout, () -> releaseWaiter(waiter));
        }
        int[] counter = {set.size()};
        Consumer<Future<?>> onCompletion = f -> {
            counter[0]--;
            if (counter[0] <= 0
                    || returnWhen == ReturnWhen.FIRST_COMPLETED
                    || (returnWhen == ReturnWhen.FIRST_EXCEPTION && !f.cancelled() && f.exception() != null)) {
                if (timeoutHandle[0] != null) timeoutHandle[0].cancel();
                releaseWaiter(waiter);
            }
        };
        for (F f : set) f.addDoneCallback(onCompletion);
        try {
            waiter.await();
        } finally {
            if (timeoutHandle[0] != null) timeoutHandle[0].cancel();
            for (F f : set) f.removeDoneCallback(onCompletion);
        }
        Set<F> done = new LinkedHashSet<>();
        Set<F> pending = new LinkedHashSet<>();
        for (F f : set) (f.done() ? done : pending).add(f);
        return new WaitResult<>(done, pending);
    }

    private static void releaseWaiter(Future<Void> waiter) {
        if (!waiter.done()) waiter.setResult(null);
    }

    /**
     * asyncio 3.12's {@code wait_for} for a future: within a {@link Timeout} scope, except that a
     * timeout of zero or less never lets the awaitable run on — it is cancelled at once and waited
     * for. Suspending.
     */
    static <T> T waitFor(Future<T> fut, Duration timeout) {
        if (fut == null) throw new NullPointerException("fut");
        if (timeout != null && !timeout.isPositive()) {
            if (fut.done()) return fut.result();
            cancelAndWait(fut);
            try {
                return fut.result();
            } catch (CancelledError e) {
                throw new TimeoutError(e);
            }
        }
        try {
            return Timeout.after(timeout).call(fut::await);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("await() throws only unchecked exceptions", e);
        }
    }

    /**
     * asyncio 3.12's {@code wait_for} for a coroutine: it runs in the calling task within a
     * {@link Timeout} scope; with a timeout of zero or less it becomes a task that is cancelled
     * before its first step. Suspending.
     */
    static <T> T waitFor(Coroutine<T> coro, Duration timeout) throws Exception {
        if (coro == null) throw new NullPointerException("coro");
        if (timeout != null && !timeout.isPositive()) {
            Task<T> task = Asyncio.getRunningLoop().createTask(coro);
            if (!task.done()) {
                cancelAndWait(task);
            }
            if (task.cancelled()) {
                throw new TimeoutError(GatheringFuture.cancelledErrorOf(task));
            }
            // Finished at creation (an eager task): its own exception, as running it inline would give.
            Throwable e = task.exception();
            if (e == null) return task.result();
            if (e instanceof Exception ex) throw ex;
            throw (Error) e;
        }
        return Timeout.after(timeout).call(coro);
    }

    /**
     * Cancels {@code fut} and waits until it is done, without awaiting it directly so that this
     * wait stays cancellable on its own (asyncio's {@code _cancel_and_wait}). Suspending.
     */
    static void cancelAndWait(Future<?> fut) {
        EventLoop loop = Asyncio.getRunningLoop();
        Future<Void> waiter = loop.createFuture();
        Consumer<Future<?>> cb = f -> releaseWaiter(waiter);
        fut.addDoneCallback(cb);
        try {
            fut.cancel();
            waiter.await();
        } finally {
            fut.removeDoneCallback(cb);
        }
    }

    /** asyncio's {@code shield}. */
    static <T> Future<T> shield(Future<T> inner) {
        if (inner == null) throw new NullPointerException("inner");
        if (inner.done()) return inner; // nothing left to protect
        EventLoop loop = inner.loop;
        Future<T> outer = loop.createFuture();
        Consumer<Future<T>> innerDone = f -> {
            if (outer.cancelled()) {
                if (!f.cancelled()) f.exception(); // retrieved: whoever shielded it gave up on it
                return;
            }
            if (f.cancelled()) {
                outer.cancel();
            } else {
                Throwable exc = f.exception();
                if (exc != null) outer.setException(exc);
                else outer.setResult(f.result());
            }
        };
        inner.addDoneCallback(innerDone);
        outer.addDoneCallback(o -> {
            if (!inner.done()) inner.removeDoneCallback(innerDone);
        });
        return outer;
    }
}
