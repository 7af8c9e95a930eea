package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.RunOptions;
import io.jasyncio.Task;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link StaggeredRace} with attempts the test completes by hand, in virtual time: when attempts
 * start, who owns a result, and what cancellation does. (HappyEyeballsTest races real sockets.)
 */
@Timeout(10)
class StaggeredRaceTest {
    private static final Duration DELAY = Duration.ofMillis(250);
    private static final RunOptions VIRTUAL = RunOptions.defaults().virtualTime(true);

    /** Attempts that each wait for their own future and record what happens to them. */
    private static final class Attempts {
        final EventLoop loop = Asyncio.getRunningLoop();
        final List<Future<String>> outcomes = new ArrayList<>();
        final List<Double> startedAt = new ArrayList<>();
        final List<Integer> cancelled = new ArrayList<>();
        final List<String> discarded = new ArrayList<>();
        final List<StaggeredRace.Attempt<String>> list = new ArrayList<>();

        Attempts(int n) {
            for (int i = 0; i < n; i++) {
                int index = i;
                Future<String> outcome = loop.createFuture();
                outcomes.add(outcome);
                list.add(() -> {
                    startedAt.add(loop.time());
                    try {
                        return Resolver.awaitIo(outcome);
                    } catch (CancelledError e) {
                        cancelled.add(index);
                        throw e;
                    }
                });
            }
        }

        String race(Duration delay) throws IOException {
            return StaggeredRace.run(loop, list, delay, discarded::add);
        }

        Task<String> raceInTask(Duration delay) {
            return Asyncio.createTask(() -> race(delay));
        }

        /** Completes attempt {@code i} at {@code when} (loop time). */
        void succeedAt(double when, int i, String result) {
            loop.callAt(when, () -> outcomes.get(i).setResult(result));
        }

        void failAt(double when, int i) {
            loop.callAt(when, () -> outcomes.get(i).setException(new ConnectException("attempt " + i + " refused")));
        }
    }

    @Test
    void eachAttemptStartsOneDelayAfterTheLastAndTheFirstToSucceedWins() {
        Asyncio.run(() -> {
            Attempts a = new Attempts(4);
            a.succeedAt(0.6, 2, "third");
            assertEquals("third", a.race(DELAY));
            assertEquals(0.6, a.loop.time(), 1e-9);
            assertEquals(List.of(0.0, 0.25, 0.5), a.startedAt, "the fourth never started");
            assertEquals(List.of(0, 1), a.cancelled.stream().sorted().toList(), "the losers still running were cancelled");
            assertEquals(List.of(), a.discarded);
        }, VIRTUAL);
    }

    @Test
    void aFailureOfTheLatestAttemptStartsTheNextAtOnceAnEarlierOneDoesNot() {
        Asyncio.run(() -> {
            Attempts a = new Attempts(4);
            a.failAt(0.1, 0);                // the latest: attempt 1 starts now, not at 0.25
            a.failAt(0.5, 1);                // attempt 2 (started 0.35) is the latest by then
            a.succeedAt(0.7, 2, "third");
            assertEquals("third", a.race(DELAY));
            assertEquals(List.of(0.0, 0.1, 0.35, 0.6), a.startedAt);
            assertEquals(List.of(3), a.cancelled);
        }, VIRTUAL);
    }

    @Test
    void everyAttemptFailingThrowsTheFirstFailureWithTheOthersSuppressed() {
        Asyncio.run(() -> {
            Attempts a = new Attempts(3);
            for (int i = 0; i < 3; i++) a.failAt(0.1 * (i + 1), i);
            ConnectException e = assertThrows(ConnectException.class, () -> a.race(Duration.ofHours(1)));
            assertEquals("attempt 0 refused", e.getMessage());
            assertEquals(List.of("attempt 1 refused", "attempt 2 refused"),
                    List.of(e.getSuppressed()).stream().map(Throwable::getMessage).toList());
            assertEquals(0.3, a.loop.time(), 1e-9, "each failure started the next at once, despite the hour's delay");
        }, VIRTUAL);
    }

    @Test
    void aResultArrivingInTheWinnersIterationIsDiscarded() {
        Asyncio.run(() -> {
            Attempts a = new Attempts(2);
            // Both connect "at the same moment": completed in one callback, attempt 1 first.
            a.loop.callAt(0.3, () -> {
                a.outcomes.get(1).setResult("socket 1");
                a.outcomes.get(0).setResult("socket 0");
            });
            assertEquals("socket 1", a.race(DELAY));
            assertEquals(List.of("socket 0"), a.discarded, "the second result is released, not leaked");
            assertEquals(List.of(), a.cancelled);
        }, VIRTUAL);
    }

    @Test
    void aResultArrivingAfterTheRaceClosedIsDiscarded() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<String> discarded = new ArrayList<>();
            // Attempt 0 shrugs off its cancellation and finishes its connect anyway, as a loser
            // that completes while the race cancels it might.
            StaggeredRace.Attempt<String> stubborn = () -> {
                try {
                    Asyncio.sleep(Duration.ofHours(1));
                } catch (CancelledError e) {
                    Asyncio.currentTask().uncancel();
                }
                Asyncio.sleep(Duration.ofMillis(100));
                return "late socket";
            };
            StaggeredRace.Attempt<String> quick = () -> "winner";
            assertEquals("winner", StaggeredRace.run(loop, List.of(stubborn, quick), DELAY, discarded::add));
            assertEquals(List.of("late socket"), discarded, "the race waited for the loser and released its result");
            assertEquals(0.35, loop.time(), 1e-9);
        }, VIRTUAL);
    }

    @Test
    void cancellingTheCallerCancelsEveryAttempt() {
        Asyncio.run(() -> {
            Attempts a = new Attempts(3);
            Task<String> race = a.raceInTask(DELAY);
            Asyncio.sleep(0.6);
            assertEquals(3, a.startedAt.size());
            race.cancel("give up");
            CancelledError e = assertThrows(CancelledError.class, race::await);
            assertEquals("give up", e.getMessage());
            assertEquals(List.of(0, 1, 2), a.cancelled.stream().sorted().toList());
            assertEquals(List.of(), a.discarded);
        }, VIRTUAL);
    }

    @Test
    void aCallerCancelledAsAnAttemptWinsDiscardsTheWinner() {
        Asyncio.run(() -> {
            Attempts a = new Attempts(2);
            Task<String> race = a.raceInTask(DELAY);
            Asyncio.sleep(0.3);
            // The winner's result and the cancellation arrive together: cancellation wins and
            // the socket must not leak (asyncio's staggered_race dropped it).
            a.outcomes.get(0).setResult("socket 0");
            race.cancel();
            assertThrows(CancelledError.class, race::await);
            assertEquals(List.of("socket 0"), a.discarded);
            assertEquals(List.of(1), a.cancelled);
        }, VIRTUAL);
    }

    @Test
    void aCallerCancelledAgainWhileAttemptsWindDownStillWaitsForThem() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<String> discarded = new ArrayList<>();
            Future<Void> released = loop.createFuture();
            int[] recancelled = {0};
            // Takes 1 s to give its socket back once cancelled, as a slow close would, however
            // often it is cancelled meanwhile.
            StaggeredRace.Attempt<String> slow = () -> {
                try {
                    Asyncio.sleep(Duration.ofHours(1));
                    return "never";
                } catch (CancelledError e) {
                    Asyncio.currentTask().uncancel();
                    double until = loop.time() + 1.0;
                    while (loop.time() < until) {
                        try {
                            Asyncio.sleep(until - loop.time());
                        } catch (CancelledError again) {
                            Asyncio.currentTask().uncancel();
                            recancelled[0]++;
                        }
                    }
                    released.setResult(null);
                    throw e;
                }
            };
            Task<String> race = Asyncio.createTask(() -> StaggeredRace.run(loop, List.of(slow), DELAY, discarded::add));
            Asyncio.sleep(0.1);
            race.cancel("first");
            Asyncio.sleep(0.5);
            assertFalse(race.done(), "still waiting for the attempt");
            race.cancel("second");
            CancelledError e = assertThrows(CancelledError.class, race::await);
            assertEquals("first", e.getMessage());
            assertTrue(released.done(), "the race ended only after its attempt did");
            assertEquals(1, recancelled[0], "the second cancellation was passed on to the attempt");
            assertEquals(1.1, loop.time(), 1e-9);
        }, VIRTUAL);
    }

    @Test
    void anUncheckedExceptionFromAnAttemptEndsTheRace() {
        Asyncio.run(() -> {
            Attempts a = new Attempts(1);
            List<StaggeredRace.Attempt<String>> list = new ArrayList<>(a.list);
            list.add(() -> {
                throw new IllegalStateException("a bug");
            });
            list.add(() -> "never started");
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> StaggeredRace.run(a.loop, list, DELAY, a.discarded::add));
            assertEquals("a bug", e.getMessage());
            assertEquals(List.of(0), a.cancelled);
            assertEquals(0.25, a.loop.time(), 1e-9);
        }, VIRTUAL);
    }

    @Test
    void underEagerTasksAnAttemptThatNeverSuspendsStillWinsAndIsNotLost() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            loop.setTaskFactory(Asyncio.eagerTaskFactory());
            List<String> discarded = new ArrayList<>();
            // An eager attempt finishes inside createTask, before the race has recorded it.
            List<StaggeredRace.Attempt<String>> attempts = List.of(() -> "at once", () -> "never started");
            assertEquals("at once", StaggeredRace.run(loop, attempts, DELAY, discarded::add));
            assertEquals(List.of(), discarded);
            assertEquals(0.0, loop.time());
        }, VIRTUAL);
    }

    @Test
    void argumentsAreChecked() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> StaggeredRace.run(loop, List.of(() -> "x"), Duration.ofMillis(-1), x -> { }));
            assertTrue(e.getMessage().contains("PT-0.001S"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> StaggeredRace.run(loop, List.of(), DELAY, x -> { }));
        });
    }
}
