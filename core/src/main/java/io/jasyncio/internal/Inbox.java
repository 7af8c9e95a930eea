package io.jasyncio.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one way work crosses threads into an event loop, and the loop's way of sleeping.
 *
 * <p>Other threads {@link #offer} work items into a lock-free queue; the loop thread
 * {@link #drainTo drains} it into its single-threaded ready queue once per iteration. The loop
 * sleeps in {@link Selector#select} (the same selector will dispatch I/O readiness), and an offer
 * wakes it only when it is actually about to block or blocked:
 *
 * <pre>
 *   loop:     armed = true;  if queue not empty: don't block;  select(timeout);  armed = false
 *   producer: queue.offer(r);  if armed and CAS(armed, true, false): selector.wakeup()
 * </pre>
 *
 * Either the loop sees the item when it re-checks the queue after arming, or the producer sees
 * {@code armed} and wakes it; the CAS makes the wake-up happen once per sleep however many threads
 * offer at the same time. {@code Selector.wakeup()} is a system call, so avoiding redundant ones
 * matters under cross-thread load.
 *
 * <p>Hops in flight: when the loop has handed work to another thread and expects its result
 * soon ({@link #expect}), it spins for a few microseconds on the queue before arming, and only
 * then sleeps. A short job's result then arrives without the producer's {@code wakeup()} system
 * call and without the loop thread being descheduled and woken again. The spin is bounded
 * ({@link #SPIN_NANOS}) and happens only while a result is expected, so an idle loop (nothing in
 * flight) sleeps at once, as before; so does a loop with as many hops in flight as cores
 * ({@link #SPARE_CORES_LIMIT}). When jobs are long, spinning would only add CPU: after
 * {@link #MAX_MISSES} spins in a row that ended empty the loop stops spinning, and tries again
 * only once every {@link #PROBE_EVERY} sleeps, until a spin catches a result again.
 */
public final class Inbox<E> {
    private static final VarHandle ARMED;

    static {
        try {
            ARMED = MethodHandles.lookup().findVarHandle(Inbox.class, "armed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * How long the loop spins for an expected offer before it sleeps in select: long enough
     * for a small file call's worker to finish (a few µs), short enough that a long job wastes
     * little (at most this much CPU per sleep).
     */
    public static final long SPIN_NANOS = 20_000;
    /**
     * The loop spins only while fewer hops than cores are in flight: then a core is left for the
     * spin. With more, the workers need every core, and a spinning loop would slow them down
     * (measured: 16 concurrent small-file tasks used ~40 % more CPU when the loop spun for them).
     */
    static final int SPARE_CORES_LIMIT = Runtime.getRuntime().availableProcessors();
    /** Empty spins in a row after which the loop stops spinning (jobs are long). */
    static final int MAX_MISSES = 3;
    /**
     * While spinning is off, one sleep in this many (a power of 2) still spins, to notice change.
     * Coprime with the executor's period (DefaultExecutor.PROBE_EVERY, 17): once both sides
     * have switched off, a probe can only succeed when both probe in the same hop (the worker
     * spinning for the job, the loop for its result), which then happens every 16 × 17 hops.
     */
    static final int PROBE_EVERY = 16;

    private final ConcurrentLinkedQueue<E> queue = new ConcurrentLinkedQueue<>();
    private final Selector selector;
    @SuppressWarnings("unused") // accessed through ARMED
    private volatile boolean armed;
    /** Offers announced by {@link #expect} and not yet {@link #arrived}; loop thread only. */
    private int expected;
    /** Spins in a row that ended without an offer, at most MAX_MISSES; loop thread only. */
    private int misses;
    /** Sleeps while spinning is off, to pick the probes; loop thread only. */
    private int skipped;
    private final long spinNanos;

    public Inbox(Selector selector) {
        this(selector, SPIN_NANOS);
    }

    /** With a spin of {@code spinNanos} for expected offers (0: never spin); for tests. */
    public Inbox(Selector selector, long spinNanos) {
        this.selector = selector;
        this.spinNanos = spinNanos;
    }

    public Selector selector() {
        return selector;
    }

    /** Hands {@code r} to the loop; safe from any thread. */
    public void offer(E r) {
        queue.offer(r);
        if (armed && ARMED.compareAndSet(this, true, false)) {
            selector.wakeup();
        }
    }

    /** Moves everything offered so far to {@code ready}, in offer order. Loop thread only. */
    public void drainTo(ArrayDeque<? super E> ready) {
        E r;
        while ((r = queue.poll()) != null) {
            ready.add(r);
        }
    }

    /**
     * The loop thread has handed work to another thread whose result comes back through this
     * inbox: until the matching {@link #arrived}, the loop spins briefly before it sleeps.
     */
    public void expect() {
        expected++;
    }

    /** The result announced by {@link #expect} arrived or will not come; loop thread only. */
    public void arrived() {
        expected--;
    }

    /** Offers expected and not yet arrived (see {@link #expect}); loop thread only. */
    public int expected() {
        return expected;
    }

    public boolean isEmpty() {
        return queue.isEmpty();
    }

    /**
     * Waits for I/O readiness, a cross-thread offer, or the timeout, whichever comes first.
     *
     * @param timeoutNanos 0 to poll without blocking, a negative value to wait without limit
     * @return the number of selection keys whose ready sets were updated
     */
    public int select(long timeoutNanos) throws IOException {
        return select(timeoutNanos, null);
    }

    /**
     * Like {@link #select(long)}, but hands each ready key to {@code onReady} (when not null)
     * instead of adding it to the selector's selected-key set: no iterator, no set churn.
     */
    public int select(long timeoutNanos, Consumer<SelectionKey> onReady) throws IOException {
        if (timeoutNanos == 0) {
            return onReady == null ? selector.selectNow() : selector.selectNow(onReady);
        }
        if (expected > 0 && expected < SPARE_CORES_LIMIT && shouldSpin()) {
            long spun = spinForOffer(timeoutNanos);
            if (spun < 0) {
                misses = 0;
                // The spin replaced the sleep; still poll I/O once, as the select would have.
                if (selector.keys().isEmpty()) return 0;
                return onReady == null ? selector.selectNow() : selector.selectNow(onReady);
            }
            if (misses < MAX_MISSES) misses++;
            if (timeoutNanos > 0) {
                // The spin used part of the wait; a spin as long as the timeout used all of it.
                timeoutNanos -= spun;
                if (timeoutNanos <= 0) return onReady == null ? selector.selectNow() : selector.selectNow(onReady);
            }
        }
        armed = true;
        try {
            if (!queue.isEmpty()) {
                return onReady == null ? selector.selectNow() : selector.selectNow(onReady);
            }
            if (timeoutNanos < 0) {
                return onReady == null ? selector.select() : selector.select(onReady);
            }
            // select(0) would mean "forever": round up so a sub-millisecond wait still sleeps.
            long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999));
            return onReady == null ? selector.select(millis) : selector.select(onReady, millis);
        } finally {
            armed = false;
        }
    }

    private boolean shouldSpin() {
        if (spinNanos <= 0) return false;
        return misses < MAX_MISSES || (++skipped & (PROBE_EVERY - 1)) == 0;
    }

    /**
     * Spins until the queue has an item (then -1) or the spin, at most the timeout, ends (then
     * the nanoseconds spent).
     */
    private long spinForOffer(long timeoutNanos) {
        long spin = timeoutNanos < 0 ? spinNanos : Math.min(spinNanos, timeoutNanos);
        long start = System.nanoTime();
        long spent;
        do {
            if (!queue.isEmpty()) return -1;
            Thread.onSpinWait();
            spent = System.nanoTime() - start;
        } while (spent < spin);
        return spent;
    }

    /** Spins in a row that found nothing (at most MAX_MISSES); for tests. */
    int misses() {
        return misses;
    }
}
