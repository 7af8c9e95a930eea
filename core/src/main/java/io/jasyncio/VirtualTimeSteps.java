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
        loop.current.requireTask(loop, what);
        do {
            Asyncio.sleep(Duration.ZERO);
        } while (loop.scheduler.hasReadyWork() || (loop.scheduler.hasTimers() && loop.scheduler.firstTimerDeadline() <= loop.scheduler.now()));
    }

    /** Moves time to each timer deadline up to {@code d} from now in turn, running what it wakes each time. */
    static void advanceBy(EventLoop loop, VirtualClock clock, Duration d, String what) {
        long target = Math.addExact(loop.scheduler.now(), d.toNanos());
        runUntilIdle(loop, what);
        while (loop.scheduler.hasTimers() && loop.scheduler.firstTimerDeadline() <= target) {
            long next = Math.max(loop.scheduler.firstTimerDeadline(), loop.scheduler.now());
            clock.advance(Duration.ofNanos(next - loop.scheduler.now()));
            runUntilIdle(loop, what);
        }
        if (target > loop.scheduler.now()) clock.advance(Duration.ofNanos(target - loop.scheduler.now()));
        runUntilIdle(loop, what);
    }
}
