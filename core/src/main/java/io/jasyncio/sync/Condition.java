package io.jasyncio.sync;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A condition variable: tasks hold its lock, wait until another task notifies them, and re-check
 * their condition. asyncio's {@code Condition}.
 *
 * <pre>{@code
 * Condition cond = new Condition();
 * List<String> items = new ArrayList<>();
 * // consumer
 * try (var _ = cond.hold()) {
 *     cond.waitFor(() -> !items.isEmpty());   // releases the lock while waiting
 *     process(items.removeFirst());
 * }
 * // producer
 * try (var _ = cond.hold()) {
 *     items.add("job");
 *     cond.notify(1);
 * }
 * }</pre>
 *
 * <p><b>Names.</b> asyncio's {@code wait()}, {@code notify()} and {@code notify_all()} are
 * {@link #await()}, {@link #notifyOne()} and {@link #notifyAllWaiters()} here, because Java's
 * {@code Object.wait/notify/notifyAll} are final: see the table in the
 * {@linkplain io.jasyncio.sync package documentation}. {@code cond.notify()} and
 * {@code cond.notifyAll()} with no argument still compile: they are the JDK's monitor methods and
 * throw {@link IllegalMonitorStateException}.
 *
 * <p><b>Semantics</b> (asyncio 3.13): waiting requires the lock and gives it up until the task is
 * notified; the lock is always re-acquired before {@code await()} returns or throws, even on
 * cancellation. A notified task that fails or is cancelled before it returns passes the
 * notification on to another waiter, so {@code await()} may return spuriously: re-check the
 * condition, or use {@link #waitFor}. Several conditions may share one {@link Lock}.
 *
 * <p>Bound to the loop of its first use (see {@link Lock} on loops and threads).
 */
public final class Condition implements Held.Releasable {
    private final LoopBinding binding = new LoopBinding("Condition");
    private final Lock lock;
    /** Futures of the tasks blocked in await(), oldest first; each removes its own. */
    private final ArrayDeque<Future<Void>> waiters = new ArrayDeque<>();

    /** Creates a condition with a lock of its own. */
    public Condition() {
        this(new Lock());
    }

    /** Creates a condition that uses {@code lock}, which other conditions may share. */
    public Condition(Lock lock) {
        this.lock = Objects.requireNonNull(lock, "lock");
    }

    /** The underlying lock. */
    public Lock lock() {
        return lock;
    }

    /** Whether the underlying lock is held. Does not suspend. */
    public boolean locked() {
        return lock.locked();
    }

    /** Acquires the underlying lock; see {@link Lock#acquire()}. Suspending. */
    public void acquire() {
        lock.acquire();
    }

    /** Releases the underlying lock; see {@link Lock#release()}. Does not suspend. */
    @Override
    public void release() {
        lock.release();
    }

    /**
     * Acquires the underlying lock and returns a {@link Held} that releases it, for
     * try-with-resources ({@code async with cond:}). Suspending.
     */
    public Held hold() {
        lock.acquire();
        return new Held(this);
    }

    /**
     * Releases the lock, waits until notified, then re-acquires the lock. The caller must hold
     * the lock. May return without a notification meant for this task (see the class comment),
     * so call it in a loop that re-checks the condition. Suspending.
     *
     * @throws CancelledError        if the task is cancelled while waiting; the lock is held again
     *                               when it is thrown
     * @throws IllegalStateException if the lock is not held, or if called outside a task of the
     *                               condition's loop
     */
    public void await() {
        EventLoop loop = binding.checkTask("await()");
        if (!lock.locked()) throw new IllegalStateException("cannot wait on un-acquired lock: acquire the condition first");
        Future<Void> fut = loop.createFuture();
        lock.release();
        try {
            try {
                waiters.add(fut);
                try {
                    fut.await();
                } finally {
                    waiters.remove(fut);
                }
            } finally {
                // The caller must hold the lock again whatever happened, even when cancelled
                // while re-acquiring: keep trying, and rethrow the last cancellation afterwards.
                CancelledError cancelled = null;
                while (true) {
                    try {
                        lock.acquire();
                        break;
                    } catch (CancelledError e) {
                        cancelled = e;
                    }
                }
                if (cancelled != null) throw cancelled;
            }
        } catch (Throwable t) {
            // We may have been notified before failing; hand that notification to another
            // waiter rather than lose it (a spurious wake-up is allowed, a lost one is not).
            wakeUp(1);
            throw t;
        }
    }

    /**
     * Waits until {@code predicate} is true: evaluates it, and while it is false calls
     * {@link #await()} and evaluates it again. The caller must hold the lock whenever the
     * predicate is false. Suspending.
     *
     * @throws CancelledError        if the task is cancelled while waiting; the lock is held
     * @throws IllegalStateException as {@link #await()}
     */
    public void waitFor(BooleanSupplier predicate) {
        Objects.requireNonNull(predicate, "predicate");
        binding.checkTask("waitFor()");
        while (!predicate.getAsBoolean()) {
            await();
        }
    }

    /**
     * Wakes up to {@code n} tasks waiting in {@link #await()} (fewer if fewer wait). The caller
     * must hold the lock; the woken tasks return only after it is released. Does not suspend.
     *
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws IllegalStateException    if the lock is not held, or if called off the loop
     */
    public void notify(int n) {
        binding.check("notify()");
        if (n < 0) throw new IllegalArgumentException("cannot notify a negative number of waiters: " + n);
        if (!lock.locked()) throw new IllegalStateException("cannot notify on un-acquired lock: acquire the condition first");
        wakeUp(n);
    }

    /** {@link #notify(int) notify(1)}: asyncio's {@code notify()}. Does not suspend. */
    public void notifyOne() {
        notify(1);
    }

    /**
     * Wakes every task waiting in {@link #await()}: asyncio's {@code notify_all()}. The caller
     * must hold the lock. Does not suspend.
     *
     * @throws IllegalStateException if the lock is not held, or if called off the loop
     */
    public void notifyAllWaiters() {
        notify(waiters.size());
    }

    /** Completes the first {@code n} waiters that are not done yet (done ones are already leaving). */
    private void wakeUp(int n) {
        int woken = 0;
        for (Future<Void> w : waiters) {
            if (woken >= n) break;
            if (!w.done()) {
                woken++;
                w.setResult(null);
            }
        }
    }

    @Override
    public String toString() {
        return "Condition[" + (lock.locked() ? "locked" : "unlocked") + (waiters.isEmpty() ? "" : ", waiters:" + waiters.size()) + "]";
    }
}
