package io.jasyncio;

import java.time.Duration;

/**
 * The loop clock's units: {@link System#nanoTime()} values (what timers store), the seconds of
 * {@link EventLoop#time()} (asyncio's float time, measured from {@link #ORIGIN}) and
 * {@link Duration}s. Deadlines are compared by difference, so every conversion saturates far
 * from {@code Long} overflow: {@code callAt(-inf)} is due at once and {@code callAt(+inf)} never,
 * as in asyncio.
 */
final class LoopTime {
    /** The instant {@link EventLoop#time()} counts from, shared by every loop of the JVM. */
    static final long ORIGIN = System.nanoTime();

    private LoopTime() {}

    static double toSeconds(long nanoTime) {
        return (nanoTime - ORIGIN) / 1e9;
    }

    /** A {@link EventLoop#time()} value as a deadline, clamped to 73 years either side of ORIGIN. */
    static long toNanoTime(double seconds) {
        double limit = Long.MAX_VALUE / 4;
        return ORIGIN + (long) Math.max(-limit, Math.min(limit, seconds * 1e9));
    }

    /** {@code d} in nanoseconds, saturated to a quarter of the {@code long} range. */
    static long saturatedNanos(Duration d) {
        if (d == null) throw new NullPointerException("delay");
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
        }
    }

    /** A delay in seconds (asyncio's float) as a Duration; NaN is refused, huge values saturate. */
    static Duration secondsToDuration(double delaySeconds) {
        if (Double.isNaN(delaySeconds)) throw new IllegalArgumentException("delay is NaN");
        return Duration.ofNanos((long) Math.min(Long.MAX_VALUE / 2.0, delaySeconds * 1e9));
    }
}
