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

    private final ConcurrentLinkedQueue<E> queue = new ConcurrentLinkedQueue<>();
    private final Selector selector;
    @SuppressWarnings("unused") // accessed through ARMED
    private volatile boolean armed;

    public Inbox(Selector selector) {
        this.selector = selector;
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
}
