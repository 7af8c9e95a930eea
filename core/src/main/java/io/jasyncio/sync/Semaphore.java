package io.jasyncio.sync;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.LoopBinding;
import java.util.ArrayDeque;

/**
 * A counter of permits for tasks: asyncio's {@code Semaphore}. {@link #acquire()} takes a permit,
 * waiting while there is none; {@link #release()} gives one back. Waiters are served first in,
 * first out. Use it to bound concurrency:
 *
 * <pre>{@code
 * Semaphore connections = new Semaphore(10);
 * try (var _ = connections.hold()) {      // asyncio: async with sem:
 *     fetch(url);                             // at most 10 tasks here at a time
 * }
 * }</pre>
 *
 * <p>A plain semaphore lets {@code release()} raise the count above its initial value; a
 * {@link BoundedSemaphore} refuses that. A task cancelled while waiting never takes a permit with
 * it: if the permit was already handed to it, it is returned and passed to the next waiter.
 *
 * <p>Bound to the loop of its first use (see {@link Lock} on loops and threads);
 * {@link #locked()} only reads and may be called anywhere.
 */
public sealed class Semaphore implements Held.Releasable permits BoundedSemaphore {
    /** "Semaphore" or "BoundedSemaphore", for messages. */
    private final String kind;
    private final LoopBinding binding;
    /**
     * Futures of the tasks blocked in acquire(), oldest first; created on first contention. Each
     * task removes its own. A completed future here stands for a permit already counted out of
     * {@code value} for that task.
     */
    private ArrayDeque<Future<Void>> waiters;
    /** Free permits, not counting those handed to woken waiters that have not run yet. */
    int value;

    /** A semaphore with one permit. */
    public Semaphore() {
        this(1);
    }

    /**
     * A semaphore with {@code permits} permits.
     *
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public Semaphore(int permits) {
        this(permits, "Semaphore");
    }

    Semaphore(int permits, String kind) {
        if (permits < 0) throw new IllegalArgumentException(kind + " initial value must be >= 0, got " + permits);
        this.value = permits;
        this.kind = kind;
        this.binding = new LoopBinding(kind);
    }

    /**
     * Whether {@link #acquire()} would have to wait: no permit is free, or other tasks are
     * queued and go first. Does not suspend, and does not bind the semaphore to a loop.
     */
    public boolean locked() {
        if (value == 0) return true;
        if (waiters != null) {
            for (Future<Void> w : waiters) {
                if (!w.cancelled()) return true;
            }
        }
        return false;
    }

    /**
     * Takes a permit, first waiting (in FIFO order) if none is free or other tasks wait already.
     * Suspending (only when it has to wait).
     *
     * @throws CancelledError        if the task is cancelled while waiting; no permit is taken
     * @throws IllegalStateException if called outside a task of the semaphore's loop
     */
    public void acquire() {
        EventLoop loop = binding.checkTask("acquire()");
        if (!locked()) {
            value--;
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
            // asyncio expects only CancelledError; any failure is treated alike. A completed,
            // uncancelled future means release() counted a permit out for us: give it back.
            if (fut.done() && !fut.cancelled()) value++;
            throw t;
        } finally {
            // Waiters that arrived while permits were free had to queue behind us (FIFO);
            // now that we are out of the queue, wake as many as there are permits.
            while (value > 0 && wakeUpNext()) {
                // each call hands out one permit
            }
        }
    }

    /**
     * Takes a permit like {@link #acquire()} and returns a {@link Held} whose {@code close()}
     * releases it, for try-with-resources. Suspending.
     *
     * @throws CancelledError if the task is cancelled while waiting (nothing is held then)
     */
    public Held hold() {
        acquire();
        return new Held(this);
    }

    /**
     * Returns a permit and wakes the first waiting task, if any. Does not suspend.
     *
     * @throws IllegalStateException if called off the semaphore's loop (and, for a
     *                               {@link BoundedSemaphore}, on over-release)
     */
    @Override
    public void release() {
        binding.check("release()");
        releasePermit();
    }

    final void releasePermit() {
        value++;
        wakeUpNext();
    }

    /** Hands a permit to the first waiter that is not done yet; false if there is none. */
    private boolean wakeUpNext() {
        if (waiters == null) return false;
        for (Future<Void> w : waiters) {
            if (!w.done()) {
                value--;
                w.setResult(null);
                return true;
            }
        }
        return false;
    }

    final LoopBinding binding() {
        return binding;
    }

    @Override
    public String toString() {
        int n = waiters == null ? 0 : waiters.size();
        return kind + "[" + (locked() ? "locked" : "unlocked, value:" + value) + (n > 0 ? ", waiters:" + n : "") + "]";
    }
}
