package io.jasyncio.time;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.AsyncRunnable;
import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.RunOptions;
import io.jasyncio.Task;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Virtual time: the schedules below are exact, and cost no wall-clock time. */
@Timeout(30)
class IntervalTest {
    private static final Duration PERIOD = Duration.ofMillis(100);
    private static final double EPS = 1e-9;

    private static void run(AsyncRunnable body) {
        Asyncio.run(body, RunOptions.defaults().virtualTime(true));
    }

    /** Ticks at s, s+0.1, then the task is busy until s+0.45. Returns s. */
    private static double fallBehind(Interval iv) {
        EventLoop loop = Asyncio.getRunningLoop();
        double s = iv.tick();
        assertEquals(loop.time(), s, EPS, "the first tick is now");
        assertEquals(s + 0.1, iv.tick(), EPS);
        assertEquals(s + 0.1, loop.time(), EPS);
        Asyncio.sleep(Duration.ofMillis(350));
        return s;
    }

    @Test
    void burstFiresEveryMissedTickAtOnceUntilCaughtUp() {
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Interval iv = Interval.of(PERIOD);
            assertEquals(MissedTickPolicy.BURST, iv.policy());
            double s = fallBehind(iv);
            assertEquals(s + 0.2, iv.tick(), EPS);
            assertEquals(s + 0.3, iv.tick(), EPS);
            assertEquals(s + 0.4, iv.tick(), EPS);
            assertEquals(s + 0.45, loop.time(), EPS, "the missed ticks did not wait");
            assertEquals(s + 0.5, iv.tick(), EPS);
            assertEquals(s + 0.5, loop.time(), EPS);
        });
    }

    @Test
    void delayRestartsTheScheduleFromTheLateTick() {
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Interval iv = Interval.of(PERIOD, MissedTickPolicy.DELAY);
            double s = fallBehind(iv);
            assertEquals(s + 0.2, iv.tick(), EPS, "the late tick fires at once");
            assertEquals(s + 0.55, iv.tick(), EPS);
            assertEquals(s + 0.55, loop.time(), EPS);
            assertEquals(s + 0.65, iv.tick(), EPS);
        });
    }

    @Test
    void skipDropsTheMissedTicksAndStaysOnTheOriginalSchedule() {
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Interval iv = Interval.of(PERIOD, MissedTickPolicy.SKIP);
            double s = fallBehind(iv);
            assertEquals(s + 0.2, iv.tick(), EPS);
            assertEquals(s + 0.5, iv.tick(), EPS);
            assertEquals(s + 0.5, loop.time(), EPS);
            assertEquals(s + 0.6, iv.tick(), EPS);
        });
    }

    @Test
    void theWorkDoesNotMakeTheScheduleDrift() {
        run(() -> {
            Interval iv = Interval.of(PERIOD, MissedTickPolicy.DELAY);
            double s = iv.tick();
            for (int i = 1; i <= 10; i++) {
                assertEquals(s + 0.1 * i, iv.tick(), EPS);
                Asyncio.sleep(Duration.ofMillis(3)); // within the 5 ms tolerance: on time
            }
        });
    }

    @Test
    void aCancelledTickIsNotConsumedAndResetRestartsFromNow() {
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Interval iv = Interval.of(PERIOD);
            double s = iv.tick();
            Task<Double> waiting = Asyncio.createTask(iv::tick);
            Asyncio.sleep(Duration.ofMillis(10));
            waiting.cancel();
            assertThrows(CancelledError.class, waiting::await);
            assertEquals(s + 0.1, iv.tick(), EPS, "the same deadline");
            Asyncio.sleep(Duration.ofMillis(30));
            iv.reset();
            assertEquals(s + 0.23, iv.tick(), EPS);
            assertEquals(s + 0.23, loop.time(), EPS);
        });
    }

    @Test
    void zeroOrNegativePeriodsFailPrecisely() {
        run(() -> {
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> Interval.of(Duration.ZERO));
            assertEquals("Interval period must be positive, got PT0S: an interval ticks once per period, "
                    + "so a zero or negative one would tick without end", zero.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Interval.of(Duration.ofMillis(-1), MissedTickPolicy.SKIP));
            assertThrows(IllegalArgumentException.class, () -> Interval.startingAt(0, Duration.ofMillis(-5), MissedTickPolicy.DELAY));
            assertThrows(IllegalArgumentException.class, () -> Interval.startingAt(Double.NaN, PERIOD, MissedTickPolicy.DELAY));
        });
        IllegalStateException noLoop = assertThrows(IllegalStateException.class, () -> Interval.of(PERIOD));
        assertTrue(noLoop.getMessage().contains("no running event loop"), noLoop.getMessage());
    }
}
