package io.jasyncio.sync;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.LoopBinding;
import java.util.ArrayDeque;

/**
 * A mutual-exclusion lock for tasks: asyncio's {@code Lock}. It is not owned by a task (any task
 * may release it), not reentrant, and fair: tasks blocked in {@link #acquire()} get the lock in
 * the order they asked for it.
 *
 * <pre>{@code
 * Lock lock = new Lock();
 * try (var _ = lock.hold()) {   // asyncio: async with lock:
 *     balance += amount;             // other tasks cannot be here meanwhile
 * }
 * // or by hand
 * lock.acquire();
 * try {
 *     ...
 * } finally {
 *     lock.release();
 * }
 * }</pre>
 *
 * <p><b>Loop and threads.</b> Like every primitive of this package the lock is bound to the loop
 * of its first use; using it from another loop, or from a thread where no loop runs, fails with
 * an {@link IllegalStateException} that says which. It needs no synchronization of its own:
 * everything of a loop runs on that loop's thread. {@link #locked()} only reads and may be called
 * anywhere (from other threads the answer may be stale).
 *
 * <p><b>Cancellation.</b> A task cancelled while waiting leaves the queue and gets the
 * {@link CancelledError}. If it was cancelled just as the lock was handed to it, it passes the
 * hand-over on to the next waiter, so a cancellation never strands the lock.
 */
public final class Lock implements Held.Releasable {
    private final LoopBinding binding = new LoopBinding("Lock");
    /**
     * Futures of the tasks blocked in acquire(), oldest first; created on first contention. A
     * waiter stays here until its own task removes it, so that a future completed by release()
     * but not yet acted upon still keeps later arrivals from jumping the queue.
     */
    private ArrayDeque<Future<Void>> waiters;
    /**
     * Whether some task holds the lock. After a release() that woke a waiter it stays false until
     * that waiter runs and sets it; the woken future at the head of {@code waiters} keeps
     * newcomers out meanwhile.
     */
    private boolean locked;

    /** Creates an unlocked lock, bound to a loop at its first use. */
    public Lock() {}

    /** Whether the lock is held. Does not suspend, and does not bind the lock to a loop. */
    public boolean locked() {
        return locked;
    }

    /**
     * Acquires the lock, waiting first if it is held or other tasks are already waiting for it.
     * Suspending (only when it has to wait).
     *
     * @throws CancelledError        if the task is cancelled while waiting; the lock is not
     *                               acquired then
     * @throws IllegalStateException if called outside a task of the lock's loop
     */
    public void acquire() {
        EventLoop loop = binding.checkTask("acquire()");
        // Fair: take the lock at once only if nobody is queued. Waiters that are all cancelled
        // are leaving anyway; overtaking them is asyncio's optimization.
        if (!locked && allCancelled()) {
            locked = true;
            return;
        }
        if (waiters == null) waiters = new ArrayDeque<>();
        Future<Void> fut = loop.createFuture();
        waiters.add(fut);
        try {
            try {
                fut.await();
            } finally {
                waiters.remove(fut);
            }
        } catch (Throwable t) {
            // asyncio expects only CancelledError here; any failure must do the same: if the lock
            // was released to us (or is free), hand it to the next waiter instead of stranding it.
            if (!locked) wakeUpFirst();
            throw t;
        }
        locked = true;
    }

    /**
     * Acquires the lock like {@link #acquire()} and returns a {@link Held} whose
     * {@code close()} releases it, for try-with-resources. Suspending.
     *
     * @throws CancelledError if the task is cancelled while waiting (nothing is held then)
     */
    public Held hold() {
        acquire();
        return new Held(this);
    }

    /**
     * Releases the lock and lets the first waiting task (if any) take it. Does not suspend; may
     * be called from any task or callback of the lock's loop, not only by the task that acquired.
     *
     * @throws IllegalStateException if the lock is not held ("Lock is not acquired"), or if
     *                               called off the lock's loop
     */
    @Override
    public void release() {
        binding.check("release()");
        if (!locked) throw new IllegalStateException("Lock is not acquired: release() needs a preceding acquire()");
        locked = false;
        wakeUpFirst();
    }

    /**
     * Completes the first waiter unless it is already done: a done one has been woken (or
     * cancelled) and will either take the lock or call this again on its way out.
     */
    private void wakeUpFirst() {
        if (waiters == null) return;
        Future<Void> first = waiters.peekFirst();
        if (first != null && !first.done()) first.setResult(null);
    }

    private boolean allCancelled() {
        if (waiters == null) return true;
        for (Future<Void> w : waiters) {
            if (!w.cancelled()) return false;
        }
        return true;
    }

    @Override
    public String toString() {
        int n = waiters == null ? 0 : waiters.size();
        return "Lock[" + (locked ? "locked" : "unlocked") + (n > 0 ? ", waiters:" + n : "") + "]";
    }
}
