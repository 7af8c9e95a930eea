package io.jasyncio.sync;

import io.jasyncio.CancelledError;

/**
 * A meeting point for a fixed number of tasks: each calls {@link #await()}, and all return once
 * the last one arrives. asyncio's {@code Barrier}; reusable for any number of rounds.
 *
 * <pre>{@code
 * Barrier barrier = new Barrier(3);
 * for (int i = 0; i < 3; i++) {
 *     Asyncio.createTask(() -> {
 *         prepare();
 *         int index = barrier.await();   // 0, 1 or 2: the order of arrival
 *         if (index == 0) log("all three are ready");
 *     });
 * }
 * }</pre>
 *
 * <p><b>States</b> (asyncio 3.11+): <em>filling</em> while tasks arrive; <em>draining</em> once
 * the last one arrived, until every task of the round has left {@code await()} (tasks arriving
 * meanwhile wait for the next round); <em>resetting</em> after {@link #reset()} while waiters are
 * still leaving (they get {@link BrokenBarrierError}); <em>broken</em> after {@link #abort()}
 * until {@code reset()}: every {@code await()} fails with {@code BrokenBarrierError}.
 *
 * <p>{@code Object.wait()} is final in Java, so asyncio's {@code wait()} is {@code await()} here,
 * as in {@link java.util.concurrent.CyclicBarrier} (see the name table in the
 * {@linkplain io.jasyncio.sync package documentation}); {@code barrier.wait()} still compiles,
 * and throws {@link IllegalMonitorStateException}. Built on a {@link Condition}; bound to the
 * loop of its first use (see {@link Lock} on loops and threads). The queries
 * {@link #parties()}, {@link #nWaiting()} and {@link #broken()} only read.
 */
public final class Barrier {
    private enum State { FILLING, DRAINING, RESETTING, BROKEN }

    private final LoopBinding binding = new LoopBinding("Barrier");
    /** Notified whenever the state changes; its lock guards one await() step at a time. */
    private final Condition cond = new Condition();
    private final int parties;
    private State state = State.FILLING;
    /** Tasks inside await() in this round (arrived and not yet left). */
    private int count;

    /**
     * A barrier for {@code parties} tasks.
     *
     * @throws IllegalArgumentException if {@code parties} is less than 1
     */
    public Barrier(int parties) {
        if (parties < 1) throw new IllegalArgumentException("Barrier parties must be >= 1, got " + parties);
        this.parties = parties;
    }

    /**
     * Waits until {@link #parties()} tasks have called {@code await()}, then returns this task's
     * arrival index, from 0 to {@code parties() - 1}: the number of tasks already waiting when it
     * arrived. (So, as in asyncio, indices repeat in a round in which a waiter was cancelled.)
     * If the barrier is draining the previous round, waits for that first. Suspending.
     *
     * @throws BrokenBarrierError    if the barrier is broken on arrival, or is aborted or reset
     *                               while this task waits
     * @throws CancelledError        if the task is cancelled while waiting; it leaves the round
     * @throws IllegalStateException if called outside a task of the barrier's loop
     */
    public int await() {
        binding.checkTask("await()");
        try (var _ = cond.hold()) {
            block();
            int index = count++;
            try {
                if (index + 1 == parties) {
                    // The last arrival releases everyone and starts draining the round.
                    state = State.DRAINING;
                    cond.notifyAllWaiters();
                } else {
                    cond.waitFor(() -> state != State.FILLING);
                    if (state == State.BROKEN || state == State.RESETTING) {
                        throw new BrokenBarrierError("Barrier aborted or reset while waiting");
                    }
                }
                return index;
            } finally {
                count--;
                leave();
            }
        }
    }

    /**
     * Returns the barrier to its initial, filling state. Tasks waiting in {@link #await()} get a
     * {@link BrokenBarrierError}; a broken barrier becomes usable again. Suspending (it takes the
     * barrier's internal lock).
     *
     * @throws IllegalStateException if called outside a task of the barrier's loop
     */
    public void reset() {
        binding.checkTask("reset()");
        try (var _ = cond.hold()) {
            if (count > 0) {
                // Waiters are still inside: they see RESETTING, fail, and the last one out
                // flips the state back to FILLING (leave()).
                if (state != State.RESETTING) state = State.RESETTING;
            } else {
                state = State.FILLING;
            }
            cond.notifyAllWaiters();
        }
    }

    /**
     * Breaks the barrier: tasks waiting in {@link #await()} and every later caller get a
     * {@link BrokenBarrierError}, until {@link #reset()}. For when a party cannot arrive (it
     * failed). Suspending (it takes the barrier's internal lock).
     *
     * @throws IllegalStateException if called outside a task of the barrier's loop
     */
    public void abort() {
        binding.checkTask("abort()");
        try (var _ = cond.hold()) {
            state = State.BROKEN;
            cond.notifyAllWaiters();
        }
    }

    /** The number of tasks needed to pass the barrier. */
    public int parties() {
        return parties;
    }

    /** The number of tasks waiting in the round that is filling; 0 while draining or resetting. */
    public int nWaiting() {
        return state == State.FILLING ? count : 0;
    }

    /** Whether the barrier is broken (by {@link #abort()}, until {@link #reset()}). */
    public boolean broken() {
        return state == State.BROKEN;
    }

    /** Waits while the previous round drains or a reset completes; fails if the barrier is broken. */
    private void block() {
        cond.waitFor(() -> state != State.DRAINING && state != State.RESETTING);
        if (state == State.BROKEN) throw new BrokenBarrierError("Barrier aborted");
    }

    /** The last task out of a draining or resetting round reopens the barrier for the next one. */
    private void leave() {
        if (count == 0) {
            if (state == State.RESETTING || state == State.DRAINING) state = State.FILLING;
            cond.notifyAllWaiters();
        }
    }

    @Override
    public String toString() {
        String s = state.name().toLowerCase();
        return "Barrier[" + s + (state == State.BROKEN ? "" : ", waiters:" + nWaiting() + "/" + parties) + "]";
    }
}
