package io.jasyncio.time;

/**
 * What an {@link Interval} does when a tick is late (the task called {@link Interval#tick()}
 * more than 5 ms after the tick's time, because it was busy or the loop was): Tokio's
 * {@code MissedTickBehavior}. With a period of 10 ms, ticks due at 10, 20, 30, ... and a
 * task that gets back to {@code tick()} only at 35:
 *
 * <ul>
 *   <li>{@link #BURST}: the missed ticks (20, 30) fire at once, one per call, until the
 *       interval has caught up; then 40, 50, ...</li>
 *   <li>{@link #DELAY}: the late tick fires now and the schedule restarts from now: 45, 55, ...</li>
 *   <li>{@link #SKIP}: the late tick fires now and the missed ones are dropped; the next is the
 *       next multiple of the period on the original schedule: 40, 50, ...</li>
 * </ul>
 *
 * <pre>{@code
 * // A heartbeat must not come in bursts after a stall: SKIP keeps it on its 1 s grid.
 * Interval heartbeat = Interval.of(Duration.ofSeconds(1), MissedTickPolicy.SKIP);
 * while (true) {
 *     heartbeat.tick();
 *     peer.write(PING);
 * }
 * }</pre>
 */
public enum MissedTickPolicy {
    /** Fire every missed tick, as fast as the caller asks, until caught up (Tokio's default). */
    BURST,
    /** Restart the schedule from the late tick: the time between ticks is never below the period. */
    DELAY,
    /** Drop the missed ticks and stay on the original schedule. */
    SKIP
}
