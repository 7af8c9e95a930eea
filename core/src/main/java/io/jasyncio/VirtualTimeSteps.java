package io.jasyncio;

import java.time.Duration;

/**
 * The test controls of {@link VirtualClock#runUntilIdle()} and {@link VirtualClock#advanceBy}.
 * Both work by yielding the calling task ({@code sleep(0)}) and looking at the loop between
 * yields: while the caller yields it is itself ready work, so the clock never jumps on its own
 * meanwhile, and the caller alone decides how far time moves.
 */
final class VirtualTimeSteps {
    private VirtualTimeSteps() {}

    /** Yields until no other callback or task step is ready and no timer is due at the current time. */
    static void runUntilIdle(EventLoop loop, String what) {
        loop.requireCurrentTask(what);
        do {
            Asyncio.sleep(Duration.ZERO);
        } while (loop.hasReadyWork() || (loop.hasTimers() && loop.firstTimerDeadline() <= loop.nowNanos()));
    }

    /** Moves time to each timer deadline up to {@code d} from now in turn, running what it wakes each time. */
    static void advanceBy(EventLoop loop, VirtualClock clock, Duration d, String what) {
        long target = Math.addExact(loop.nowNanos(), d.toNanos());
        runUntilIdle(loop, what);
        while (loop.hasTimers() && loop.firstTimerDeadline() <= target) {
            long next = Math.max(loop.firstTimerDeadline(), loop.nowNanos());
            clock.advance(Duration.ofNanos(next - loop.nowNanos()));
            runUntilIdle(loop, what);
        }
        if (target > loop.nowNanos()) clock.advance(Duration.ofNanos(target - loop.nowNanos()));
        runUntilIdle(loop, what);
    }
}
