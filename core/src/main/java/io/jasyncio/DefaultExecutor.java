package io.jasyncio;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loop's default executor for {@link EventLoop#runInExecutor} and {@link Asyncio#toThread}:
 * platform threads, as many as asyncio's default (min(32, cpus + 4)), idle ones retired after 60 s.
 *
 * <p>It remembers its threads so that {@link #shutdownAndJoin} can join them, as asyncio's
 * {@code shutdown_default_executor()} does: a pool reports termination while its last workers
 * are still exiting, and "shut down" should mean no thread of ours is left running.
 *
 * <p>Hand-off to a spinning worker: a worker that has just finished a job spins for a few
 * microseconds ({@link #SPIN_NANOS}) for the next one before it goes back to the pool's queue,
 * where it would park. A job submitted meanwhile goes straight to it through {@link #handoff},
 * with no thread to wake. This is the common case of a task making one small blocking call
 * after another (small files): without it, every call pays a futex wake-up and a reschedule of a
 * parked worker. One worker at most spins at a time, only right after a job, so an idle
 * executor costs no CPU; nor does a worker spin while jobs wait in the queue or while the
 * other running jobs keep every core busy. When jobs come too far apart for the spin to catch them, spinning would
 * only add CPU: after {@link #MAX_MISSES} empty spins in a row workers stop spinning, and try
 * again once every {@link #PROBE_EVERY} jobs, until a spin catches a job again.
 */
final class DefaultExecutor {
    /** Bounded so that a worker wastes at most this much CPU after the last job of a burst. */
    static final long SPIN_NANOS = 20_000;
    static final int MAX_MISSES = 3;
    /** Coprime with the loop's probe period (Inbox.PROBE_EVERY, 16): see there why. */
    static final int PROBE_EVERY = 17;
    /** The value of {@link #handoff} while a worker spins for a job. */
    private static final Runnable SPINNING = () -> {};

    private final ThreadPoolExecutor pool;
    /**
     * null: no worker spins; {@link #SPINNING}: one does and takes a job offered by CAS; any other
     * value: the job handed to the spinning worker, which takes it and sets null.
     */
    private final AtomicReference<Runnable> handoff = new AtomicReference<>();
    /**
     * Jobs running now. A worker spins only when the other running jobs leave a core free for
     * it: with every core busy, a spin slows the others down (measured: 16 concurrent
     * small-file tasks used up to ~40 % more CPU when workers spun between their jobs).
     */
    private final AtomicInteger running = new AtomicInteger();
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private final long spinNanos;
    /**
     * Empty spins in a row (at most MAX_MISSES), and jobs finished while spinning was off. Written
     * by several workers without synchronization: a lost update only shifts when spinning turns
     * off or is probed again, never correctness.
     */
    private int misses, skipped;
    /** Threads started by the pool, pruned of dead ones as new ones start. Guarded by itself. */
    private final List<Thread> threads = new ArrayList<>();

    DefaultExecutor() {
        this(SPIN_NANOS);
    }

    /** With workers spinning {@code spinNanos} for the next job (0: never); for tests. */
    DefaultExecutor(long spinNanos) {
        this.spinNanos = spinNanos;
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
        pool = new ThreadPoolExecutor(max, max, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), tracking) {
            @Override
            public void execute(Runnable job) {
                if (job != null && !isShutdown() && handoff.get() == SPINNING && handoff.compareAndSet(SPINNING, job)) return;
                super.execute(job);
            }

            @Override
            protected void beforeExecute(Thread worker, Runnable job) {
                running.incrementAndGet();
            }

            @Override
            protected void afterExecute(Runnable done, Throwable t) {
                running.decrementAndGet();
                spinForJobs(this);
            }
        };
        pool.allowCoreThreadTimeOut(true);
    }

    /** Empty spins in a row, and jobs after which no worker spun; for tests. */
    int misses() {
        return misses;
    }

    int skipped() {
        return skipped;
    }

    /** Jobs whose worker went back to the pool (after any spin); for tests. */
    long completedJobs() {
        return pool.getCompletedTaskCount();
    }

    /** Whether a worker is spinning for a job right now; for tests. */
    boolean workerSpinning() {
        return handoff.get() == SPINNING;
    }

    Executor executor() {
        return pool;
    }

    /**
     * Runs jobs handed to this worker while they keep coming within the spin, then returns to the
     * pool (which parks the worker on its queue). Called on a worker right after a job.
     */
    private void spinForJobs(ThreadPoolExecutor owner) {
        if (spinNanos <= 0) return;
        if (misses >= MAX_MISSES && ++skipped % PROBE_EVERY != 0) return;
        // Queued jobs come first: spinning would only delay them.
        while (!owner.isShutdown() && owner.getQueue().isEmpty() && running.get() < CORES - 1
                && handoff.compareAndSet(null, SPINNING)) {
            Runnable job = awaitHandoff();
            if (job == null) {
                if (misses < MAX_MISSES) misses++;
                return;
            }
            // As the pool does before each job: a stale interrupt (from work cancelled with
            // interruption) must not hit the next job.
            if (!owner.isShutdown()) Thread.interrupted();
            running.incrementAndGet();
            try {
                job.run();
            } catch (Throwable e) {
                Thread me = Thread.currentThread();
                me.getUncaughtExceptionHandler().uncaughtException(me, e);
            } finally {
                running.decrementAndGet();
            }
            misses = 0;
        }
    }

    /**
     * The job handed over within the spin, or null (then no job can be handed any more). A
     * shutdown ends the spin: the pool waits for this worker.
     */
    private Runnable awaitHandoff() {
        long start = System.nanoTime();
        do {
            Runnable job = handoff.get();
            if (job != SPINNING) {
                handoff.set(null);
                return job;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() - start < spinNanos && !pool.isShutdown());
        if (handoff.compareAndSet(SPINNING, null)) return null;
        Runnable job = handoff.get(); // handed over at the last moment
        handoff.set(null);
        return job;
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
