package io.jasyncio;

import java.util.AbstractQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The default executor's work queue: jobs in submission order (FIFO, as a
 * {@code LinkedBlockingQueue}), but a new job wakes the worker that went idle <em>last</em>.
 *
 * <p>Why: a task that makes file calls one after another hands one job at a time to the pool.
 * With {@code LinkedBlockingQueue} the idle workers wait on one condition in FIFO order, so each
 * job wakes the worker that has slept longest and the calls rotate through all the pool's
 * threads (6 on two cores), each one cold. Waking the most recently idle worker keeps such a
 * sequence on one warm thread; the others sleep and retire after the keep-alive. Measured with
 * 50,000 sequential {@code runInExecutor} hops, same JVM, alternating (bench/RESULTS-files.md,
 * "LIFO wake-up"): about 7 µs of CPU per hop against 10–46 µs, at load 17–21. Nothing spins.
 *
 * <p>Invariant (under {@link #lock}): while jobs are queued, no waiter that could take one is
 * left asleep without a signal on its way — {@link #offer} signals the newest waiter, a taker that
 * leaves jobs behind signals the next one, and a waiter interrupted after it was chosen passes
 * its signal on. Each waiter has its own condition, kept in {@link #waiters}, newest first.
 */
final class LifoWorkerQueue extends AbstractQueue<Runnable> implements BlockingQueue<Runnable> {
    /** Package-private for a test that must hold it to stage a race. */
    final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Runnable> jobs = new ArrayDeque<>();
    /** Idle workers' conditions, the most recently idle first. */
    private final ArrayDeque<Condition> waiters = new ArrayDeque<>();

    @Override
    public boolean offer(Runnable job) {
        Objects.requireNonNull(job, "job");
        lock.lock();
        try {
            jobs.addLast(job);
            signalNewest();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Lock held: wakes the most recently idle waiter, if any (it leaves {@link #waiters} now). */
    private void signalNewest() {
        Condition w = waiters.pollFirst();
        if (w != null) w.signal();
    }

    @Override
    public Runnable take() throws InterruptedException {
        return poll(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    @Override
    public Runnable poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            Condition me = null;
            while (jobs.isEmpty()) {
                if (nanos <= 0) return null;
                if (me == null) me = lock.newCondition();
                waiters.addFirst(me);
                try {
                    nanos = nanos == Long.MAX_VALUE ? awaitForever(me) : me.awaitNanos(nanos);
                } catch (InterruptedException e) {
                    // Chosen by offer() and interrupted before waking: the job must not wait for
                    // a later offer, so another waiter gets the signal.
                    if (!waiters.removeFirstOccurrence(me) && !jobs.isEmpty()) signalNewest();
                    throw e;
                }
                waiters.removeFirstOccurrence(me); // woken by a timeout or spuriously: still listed
            }
            Runnable job = jobs.pollFirst();
            if (!jobs.isEmpty()) signalNewest();
            return job;
        } finally {
            lock.unlock();
        }
    }

    private static long awaitForever(Condition c) throws InterruptedException {
        c.await();
        return Long.MAX_VALUE;
    }

    @Override
    public Runnable poll() {
        lock.lock();
        try {
            return jobs.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Runnable peek() {
        lock.lock();
        try {
            return jobs.peekFirst();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int size() {
        lock.lock();
        try {
            return jobs.size();
        } finally {
            lock.unlock();
        }
    }

    /** How many workers wait for a job now (tests). */
    int waiting() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }

    /** A snapshot: the pool iterates only to list what {@code shutdownNow} leaves behind. */
    @Override
    public Iterator<Runnable> iterator() {
        lock.lock();
        try {
            return new ArrayList<>(jobs).iterator();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean remove(Object o) {
        lock.lock();
        try {
            return jobs.remove(o);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void put(Runnable job) {
        offer(job);
    }

    @Override
    public boolean offer(Runnable job, long timeout, TimeUnit unit) {
        return offer(job);
    }

    @Override
    public int remainingCapacity() {
        return Integer.MAX_VALUE;
    }

    @Override
    public int drainTo(Collection<? super Runnable> c) {
        return drainTo(c, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(Collection<? super Runnable> c, int max) {
        Objects.requireNonNull(c, "c");
        lock.lock();
        try {
            int n = 0;
            while (n < max && !jobs.isEmpty()) {
                c.add(jobs.pollFirst());
                n++;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }
}
