package io.jasyncio.sync;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.LoopBinding;
import java.util.ArrayDeque;

/**
 * A readers-writer lock for tasks, as Tokio's {@code RwLock}: any number of readers at once, or
 * one writer alone. Fair and writer-preferring: tasks get the lock in the order they asked for
 * it, so a reader that arrives while a writer waits queues behind that writer instead of joining
 * the readers inside (a steady stream of readers cannot starve a writer). Consecutive readers at
 * the head of the line are let in together.
 *
 * <pre>{@code
 * RwLock lock = new RwLock();
 * try (var _ = lock.read()) {     // shared: other readers may be inside too
 *     render(config);
 * }
 * try (var _ = lock.write()) {    // exclusive
 *     config = reload();
 * }
 * }</pre>
 *
 * <p><b>Handing over.</b> A release grants the lock to the next waiter(s) at once (the counts
 * change when the waiter is woken, not when it runs), so nobody can slip in between. A task
 * cancelled after it was granted the lock but before it ran releases what it was granted, which
 * passes it on: a cancellation never strands the lock. A task cancelled while waiting leaves the
 * line, which may let the readers behind it in.
 *
 * <p><b>Loop and threads.</b> Bound to the loop of its first use like every primitive of this
 * package; use from another loop or a thread without loop fails with an
 * {@link IllegalStateException} that says which. Not reentrant, and not owned: any task of the
 * loop may release. The queries {@link #readers()} and {@link #writeLocked()} only read.
 */
public final class RwLock {
    private final LoopBinding binding = new LoopBinding("RwLock");
    /** Readers inside, counting those granted and not yet running. Never positive while {@code writer}. */
    private int readers;
    /** Whether a writer is inside (or was granted the lock and has not run yet). */
    private boolean writer;
    /**
     * Tasks waiting, oldest first. A grant removes the waiter it completes; a cancelled waiter
     * removes itself when its task runs, or a grant drops it first.
     */
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

    private record Waiter(Future<Void> future, boolean write) {}

    private final Held.Releasable readRelease = this::releaseRead;
    private final Held.Releasable writeRelease = this::releaseWrite;

    /** Creates an unlocked lock, bound to a loop at its first use. */
    public RwLock() {}

    /** The number of readers holding the lock. Does not bind or suspend. */
    public int readers() {
        return readers;
    }

    /** Whether a writer holds the lock. Does not bind or suspend. */
    public boolean writeLocked() {
        return writer;
    }

    /**
     * Acquires the lock for reading, waiting while a writer holds it or any task waits before.
     * Suspending (only when it has to wait).
     *
     * @throws CancelledError        if the task is cancelled while waiting; nothing is held then
     * @throws IllegalStateException if called outside a task of the lock's loop
     */
    public void acquireRead() {
        EventLoop loop = binding.checkTask("acquireRead()");
        if (!writer && waiters.isEmpty()) {
            readers++;
            return;
        }
        await(loop, false);
    }

    /**
     * Acquires the lock for writing, waiting while anyone holds it or any task waits before.
     * Suspending (only when it has to wait).
     *
     * @throws CancelledError        if the task is cancelled while waiting; nothing is held then
     * @throws IllegalStateException if called outside a task of the lock's loop
     */
    public void acquireWrite() {
        EventLoop loop = binding.checkTask("acquireWrite()");
        if (!writer && readers == 0 && waiters.isEmpty()) {
            writer = true;
            return;
        }
        await(loop, true);
    }

    /** {@link #acquireRead()}, returning a {@link Held} that releases on close. Suspending. */
    public Held read() {
        acquireRead();
        return new Held(readRelease);
    }

    /** {@link #acquireWrite()}, returning a {@link Held} that releases on close. Suspending. */
    public Held write() {
        acquireWrite();
        return new Held(writeRelease);
    }

    private void await(EventLoop loop, boolean write) {
        Waiter w = new Waiter(loop.createFuture(), write);
        waiters.add(w);
        try {
            w.future.await();
        } catch (Throwable t) {
            w.future.cancel(); // in case it is not done yet
            if (!waiters.remove(w) && !w.future.cancelled()) {
                // Granted just before the cancellation: give it back, which passes it on.
                if (write) writer = false;
                else readers--;
            }
            grant(); // also: leaving the line may let the readers behind us in
            throw t;
        }
    }

    /**
     * Releases a read hold. Does not suspend.
     *
     * @throws IllegalStateException if no reader holds the lock, or if called off its loop
     */
    public void releaseRead() {
        binding.check("releaseRead()");
        if (readers == 0) throw new IllegalStateException("RwLock is not read-locked: releaseRead() needs a preceding acquireRead()");
        readers--;
        grant();
    }

    /**
     * Releases the write hold. Does not suspend.
     *
     * @throws IllegalStateException if no writer holds the lock, or if called off its loop
     */
    public void releaseWrite() {
        binding.check("releaseWrite()");
        if (!writer) throw new IllegalStateException("RwLock is not write-locked: releaseWrite() needs a preceding acquireWrite()");
        writer = false;
        grant();
    }

    /** Lets in the waiters at the head of the line that can enter now: one writer, or a run of readers. */
    private void grant() {
        Waiter head;
        while ((head = waiters.peekFirst()) != null && !writer) {
            if (head.future.done()) {
                // Cancelled, its task not yet run to leave the line: it must not hold anyone up.
                waiters.pollFirst();
                continue;
            }
            if (head.write) {
                if (readers > 0) return;
                waiters.pollFirst();
                writer = true;
                head.future.setResult(null);
                return;
            }
            waiters.pollFirst();
            readers++;
            head.future.setResult(null);
        }
    }

    @Override
    public String toString() {
        String state = writer ? "write-locked" : readers > 0 ? "read-locked by " + readers : "unlocked";
        return "RwLock[" + state + (waiters.isEmpty() ? "" : ", waiters:" + waiters.size()) + "]";
    }
}
