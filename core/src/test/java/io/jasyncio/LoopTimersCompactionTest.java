package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When cancelled timers leave the loop's heap (asyncio's policy in {@code _run_once}): from the
 * top of the heap at every iteration, and all at once when more than a hundred are cancelled and
 * they are more than half the heap. Which callbacks run does not depend on it (a cancelled handle
 * never runs); the memory the loop holds does, so these tests look at the heap's size.
 */
@Timeout(30)
class LoopTimersCompactionTest {

    private static List<TimerHandle> schedule(EventLoop loop, int n, Duration delay) {
        List<TimerHandle> hs = new ArrayList<>();
        for (int i = 0; i < n; i++) hs.add(loop.callLater(delay, () -> {}));
        return hs;
    }

    /** Cancels hs[from, to). */
    private static void cancel(List<TimerHandle> hs, int from, int to) {
        for (int i = from; i < to; i++) hs.get(i).cancel();
    }

    /** Runs exactly one iteration of the loop (without moving virtual time: work is ready). */
    private static void oneIteration(EventLoop loop) {
        loop.callSoon(loop::stop);
        loop.runForever();
    }

    @Test
    void cancelledTimersBehindALiveOneStayUntilMoreThanAHundredAreCancelled() {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            schedule(loop, 50, Duration.ofSeconds(1));
            List<TimerHandle> later = schedule(loop, 101, Duration.ofSeconds(2));
            cancel(later, 0, 100);
            oneIteration(loop);
            assertEquals(151, loop.scheduler.timerCount(), "a hundred cancelled: only the top is cleaned, and it is live");
            later.get(100).cancel();
            oneIteration(loop);
            assertEquals(50, loop.scheduler.timerCount(), "101 cancelled of 151: all of them dropped");
        }
    }

    @Test
    void cancelledTimersAreDroppedAllAtOnceOnlyWhenTheyAreMoreThanHalfTheHeap() {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            List<TimerHandle> live = schedule(loop, 101, Duration.ofSeconds(1));
            List<TimerHandle> later = schedule(loop, 101, Duration.ofSeconds(2));
            cancel(later, 0, 101);
            oneIteration(loop);
            assertEquals(202, loop.scheduler.timerCount(), "exactly half the heap cancelled: kept");
            live.get(100).cancel();
            oneIteration(loop);
            assertEquals(100, loop.scheduler.timerCount(), "102 cancelled of 202: all of them dropped");
        }
    }

    @Test
    void cancelledTimersDroppedFromTheTopNoLongerCountTowardsCompaction() {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            List<TimerHandle> early = schedule(loop, 60, Duration.ofSeconds(1));
            List<TimerHandle> live = schedule(loop, 100, Duration.ofSeconds(2));
            cancel(early, 0, 60);
            oneIteration(loop);
            assertEquals(100, loop.scheduler.timerCount(), "the cancelled top of the heap is dropped");
            // 41 more cancelled behind the live top: 41 of 100 is not enough to compact, unless
            // the 60 dropped above were still counted.
            cancel(live, 1, 42);
            oneIteration(loop);
            assertEquals(100, loop.scheduler.timerCount());
        }
    }

    @Test
    void cancelledTimersFallingDueWithALiveOneNoLongerCountTowardsCompaction() {
        VirtualClock clock = new VirtualClock();
        try (EventLoop loop = new EventLoop(clock)) {
            int[] ran = {0};
            loop.callLater(Duration.ofSeconds(1), () -> ran[0]++);
            List<TimerHandle> due = schedule(loop, 60, Duration.ofSeconds(1));
            List<TimerHandle> live = schedule(loop, 100, Duration.ofSeconds(5));
            cancel(due, 0, 60);
            clock.advance(Duration.ofSeconds(1));
            oneIteration(loop);
            assertEquals(1, ran[0]);
            assertEquals(100, loop.scheduler.timerCount(), "the due ones left the heap, cancelled or not");
            cancel(live, 1, 42);
            oneIteration(loop);
            assertEquals(100, loop.scheduler.timerCount());
        }
    }

    @Test
    void aHeapOfOnlyCancelledTimersEmptiesAndTheLoopWaitsForNothing() {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            List<TimerHandle> hs = schedule(loop, 5, Duration.ofSeconds(1));
            cancel(hs, 0, 5);
            oneIteration(loop);
            assertEquals(0, loop.scheduler.timerCount());
            assertEquals(0.0, loop.time(), "no timer was left to jump to");
        }
    }
}
