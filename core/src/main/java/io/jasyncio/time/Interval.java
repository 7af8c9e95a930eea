package io.jasyncio.time;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.TimerHandle;
import java.time.Duration;
import java.util.Objects;

/**
 * Ticks at a fixed period on the loop's clock: Tokio's {@code time::interval}. The first
 * {@link #tick()} returns at once; each later one suspends until the next tick is due. What
 * happens after a late tick is the {@link MissedTickPolicy}.
 *
 * <pre>{@code
 * Interval every = Interval.of(Duration.ofSeconds(1), MissedTickPolicy.SKIP);
 * while (true) {
 *     every.tick();             // suspends until the next whole second of the schedule
 *     reportMetrics();          // a slow report drops the ticks it overran
 * }
 * }</pre>
 *
 * <p>Unlike a loop of {@code sleep(period)}, the schedule does not drift by the time the work
 * takes. Works with virtual time (the loop's clock). A tick cancelled while waiting is not
 * consumed: the next {@code tick()} waits for the same deadline.
 *
 * <p>Bound to the loop it was created on; call {@code tick()} from a task of that loop.
 */
public final class Interval {
    /** Tokio's tolerance: a tick less late than this is on time (timers always fire a little late). */
    private static final double LATE = 0.005;

    private final EventLoop loop;
    private final double period;
    private final Duration periodDuration;
    private final MissedTickPolicy policy;
    /** Loop time of the next tick. */
    private double next;

    private Interval(EventLoop loop, double start, Duration period, MissedTickPolicy policy) {
        this.loop = loop;
        this.periodDuration = period;
        this.period = period.getSeconds() + period.getNano() / 1e9;
        this.policy = policy;
        this.next = start;
    }

    /** {@link #of(Duration, MissedTickPolicy) of(period, BURST)}, Tokio's default. Does not suspend. */
    public static Interval of(Duration period) {
        return of(period, MissedTickPolicy.BURST);
    }

    /**
     * An interval whose first tick is now, then one every {@code period}. Does not suspend; call
     * it on the thread of the loop it ticks on (a task or a callback).
     *
     * @throws IllegalArgumentException if {@code period} is zero or negative
     * @throws IllegalStateException    if no event loop runs in this thread
     */
    public static Interval of(Duration period, MissedTickPolicy policy) {
        checkPeriod(period);
        Objects.requireNonNull(policy, "policy");
        EventLoop loop = Asyncio.getRunningLoop();
        return new Interval(loop, loop.time(), period, policy);
    }

    /**
     * An interval whose first tick is at loop time {@code start} (seconds of
     * {@link EventLoop#time()}), then one every {@code period}. Does not suspend; call it on the
     * thread of the loop it ticks on.
     *
     * @throws IllegalArgumentException if {@code period} is zero or negative, or {@code start} is NaN
     * @throws IllegalStateException    if no event loop runs in this thread
     */
    public static Interval startingAt(double start, Duration period, MissedTickPolicy policy) {
        checkPeriod(period);
        Objects.requireNonNull(policy, "policy");
        if (Double.isNaN(start)) throw new IllegalArgumentException("start is NaN: give a loop time in seconds");
        return new Interval(Asyncio.getRunningLoop(), start, period, policy);
    }

    private static void checkPeriod(Duration period) {
        Objects.requireNonNull(period, "period");
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("Interval period must be positive, got " + period
                    + ": an interval ticks once per period, so a zero or negative one would tick without end");
        }
    }

    /** The period. */
    public Duration period() {
        return periodDuration;
    }

    /** The policy for late ticks. */
    public MissedTickPolicy policy() {
        return policy;
    }

    /**
     * Waits until the next tick is due and returns its scheduled time (loop seconds), which may
     * be earlier than now if the tick is late. Suspending (unless the tick is already due, which
     * returns without yielding, as Tokio's ready tick does).
     *
     * @throws CancelledError        if the task is cancelled while waiting; the tick is not consumed
     * @throws IllegalStateException if called outside a task of the interval's loop
     */
    public double tick() {
        if (Asyncio.getRunningLoop() != loop) {
            throw new IllegalStateException("Interval.tick() was called on another event loop than the interval's: "
                    + "create one interval per loop");
        }
        double due = next;
        if (loop.time() < due) {
            Future<Void> f = loop.createFuture();
            TimerHandle timer = loop.callAt(due, () -> {
                if (!f.done()) f.setResult(null);
            });
            try {
                f.await();
            } finally {
                timer.cancel();
            }
        }
        double now = loop.time();
        if (now > due + LATE) {
            next = switch (policy) {
                case BURST -> due + period;
                case DELAY -> now + period;
                // The next point of the original schedule after now.
                case SKIP -> due + period * (Math.floor((now - due) / period) + 1);
            };
        } else {
            next = due + period;
        }
        return due;
    }

    /** Makes the next tick due one period from now. Does not suspend. */
    public void reset() {
        next = loop.time() + period;
    }

    @Override
    public String toString() {
        return "Interval[period=" + periodDuration + ", " + policy + String.format(", next=%.3f]", next);
    }
}
