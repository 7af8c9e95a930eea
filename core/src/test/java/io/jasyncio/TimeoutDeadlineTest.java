package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When a timeout scope's deadline fires, and when it must not: on virtual time, so each test lets
 * exactly the time it names pass, whatever the load on the machine.
 */
@org.junit.jupiter.api.Timeout(30)
class TimeoutDeadlineTest {

    private static final RunOptions VIRTUAL = RunOptions.defaults().virtualTime(true);

    private static double now() {
        return Asyncio.getRunningLoop().time();
    }

    @Test
    void aScopeExpiresAtItsDeadlineAndNotBefore() {
        Asyncio.run(() -> {
            double start = now();
            Timeout t = Asyncio.timeout(Duration.ofSeconds(2));
            double[] reached = new double[1];
            assertThrows(TimeoutError.class, () -> t.run(() -> {
                Asyncio.sleep(Duration.ofMillis(1999));
                reached[0] = now() - start; // still inside the scope 1 ms before the deadline
                Asyncio.sleep(Duration.ofHours(1));
            }));
            assertEquals(1.999, reached[0], 1e-9);
            assertEquals(2.0, now() - start, 1e-9);
        }, VIRTUAL);
    }

    @Test
    void aFinishedScopeNeverCancelsItsTaskAtItsOldDeadline() {
        Asyncio.run(() -> {
            Timeout t = Asyncio.timeout(Duration.ofSeconds(1));
            t.run(() -> Asyncio.sleep(Duration.ofMillis(10)));
            // Let time pass well beyond the finished scope's deadline: its timer must be gone.
            Asyncio.sleep(Duration.ofSeconds(5));
            assertFalse(t.expired());
            assertEquals("Timeout[finished]", t.toString());
            assertEquals(0, Asyncio.currentTask().cancelling());
        }, VIRTUAL);
    }

    @Test
    void aScopeLeftByAnExceptionNeverCancelsItsTaskAtItsOldDeadline() {
        Asyncio.run(() -> {
            Timeout t = Asyncio.timeout(Duration.ofSeconds(1));
            assertThrows(IllegalArgumentException.class, () -> t.run(() -> {
                throw new IllegalArgumentException("left early");
            }));
            Asyncio.sleep(Duration.ofSeconds(5));
            assertFalse(t.expired());
        }, VIRTUAL);
    }

    @Test
    void reschedulingToALaterDeadlineWithdrawsTheEarlierOne() {
        Asyncio.run(() -> {
            double start = now();
            Timeout t = Asyncio.timeout(Duration.ofSeconds(1));
            assertThrows(TimeoutError.class, () -> t.run(() -> {
                t.reschedule(start + 5);
                Asyncio.sleep(Duration.ofSeconds(3)); // passes the original deadline unharmed
                assertEquals(3.0, now() - start, 1e-9);
                Asyncio.sleep(Duration.ofHours(1));
            }));
            assertEquals(5.0, now() - start, 1e-9);
        }, VIRTUAL);
    }

    @Test
    void reschedulingToNoDeadlineWithdrawsTheEarlierOne() {
        Asyncio.run(() -> {
            Timeout t = Asyncio.timeout(Duration.ofSeconds(1));
            String value = t.call(() -> {
                t.removeDeadline();
                Asyncio.sleep(Duration.ofSeconds(3));
                return "done";
            });
            assertEquals("done", value);
            assertFalse(t.expired());
        }, VIRTUAL);
    }

    @Test
    void aDeadlineRescheduledToExactlyNowFiresBeforeWorkQueuedAfterIt() {
        // On virtual time the clock stands still, so "now" is exact: the deadline has been reached
        // and must fire at the next turn, before the task's own wake-up (gh-95051).
        Asyncio.run(() -> {
            Timeout t = Asyncio.timeout(Duration.ofHours(1));
            List<String> events = new ArrayList<>();
            assertThrows(TimeoutError.class, () -> t.run(() -> {
                t.reschedule(now());
                events.add("rescheduled");
                Asyncio.sleep(0);
                events.add("not reached");
            }));
            assertEquals(List.of("rescheduled"), events);
        }, VIRTUAL);
    }

    @Test
    void aNaNDeadlineIsRefusedAndLeavesTheScopeAsItWas() {
        Asyncio.run(() -> {
            IllegalArgumentException atCreation = assertThrows(IllegalArgumentException.class,
                    () -> Asyncio.timeoutAt(Double.NaN));
            assertEquals("when is NaN: give a loop time in seconds (loop.time() + delay)", atCreation.getMessage());

            double start = now();
            Timeout t = Asyncio.timeout(Duration.ofSeconds(2));
            assertThrows(TimeoutError.class, () -> t.run(() -> {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> t.reschedule(Double.NaN));
                assertEquals("when is NaN: give a loop time in seconds (loop.time() + delay)", e.getMessage());
                assertEquals(start + 2, t.when().orElseThrow(), 1e-9);
                Asyncio.sleep(Duration.ofHours(1));
            }));
            assertEquals(2.0, now() - start, 1e-9); // the original deadline still fired
        }, VIRTUAL);
    }

    @Test
    void aNullBodyIsRefusedBeforeTheScopeIsEntered() {
        Asyncio.run(() -> {
            Timeout t = Asyncio.timeout(Duration.ofSeconds(1));
            NullPointerException run = assertThrows(NullPointerException.class, () -> t.run((AsyncRunnable) null));
            assertEquals("body", run.getMessage());
            NullPointerException call = assertThrows(NullPointerException.class, () -> t.call((Coroutine<Object>) null));
            assertEquals("body", call.getMessage());
            assertEquals("Timeout[created]", t.toString());
            // Still usable: the refusals did not enter it.
            assertEquals(7, t.call(() -> 7));
        }, VIRTUAL);
    }
}
