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

    /**
     * A race in virtual time over attempts that each wait for their own future (completed by the
     * test) and record when they start and whether they were cancelled; what the race discards is
     * recorded too.
     */
    private static final class Race {
        final EventLoop loop = Asyncio.getRunningLoop();
        final List<Future<String>> outcomes = new ArrayList<>();
        final List<Double> startedAt = new ArrayList<>();
        final List<Integer> cancelled = new ArrayList<>();
        final List<String> discarded = new ArrayList<>();
        final List<StaggeredRace.Attempt<String>> attempts = new ArrayList<>();

        interface Body {
            void run(Race race) throws Exception;
        }

        /** Runs {@code body} in virtual time with {@code n} attempts waiting to be completed by hand. */
        static void run(int n, Body body) {
            Asyncio.run(() -> body.run(new Race(n)), RunOptions.defaults().virtualTime(true));
        }

        private Race(int n) {
            for (int i = 0; i < n; i++) {
                int index = i;
                Future<String> outcome = loop.createFuture();
                outcomes.add(outcome);
                attempts.add(() -> {
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

        /** Runs the race over {@link #attempts} (the test may add its own). Suspending. */
        String race() throws IOException {
            return StaggeredRace.run(loop, attempts, DELAY, discarded::add);
        }

        /** Starts the race in a task of its own and lets {@code seconds} pass. Suspending. */
        Task<String> raceInTask(double seconds) {
            Task<String> race = Asyncio.createTask(this::race);
            Asyncio.sleep(seconds);
            return race;
        }

        /** Completes attempt {@code i} at {@code when} (loop time). */
        void succeedAt(double when, int i, String result) {
            loop.callAt(when, () -> outcomes.get(i).setResult(result));
        }

        void failAt(double when, int i) {
            loop.callAt(when, () -> outcomes.get(i).setException(new ConnectException("attempt " + i + " refused")));
        }

        /** What the race gave back: the attempts it cancelled (by index) and the results it discarded. */
        void assertReleased(List<Integer> cancelledAttempts, List<String> discardedResults) {
            assertEquals(cancelledAttempts, cancelled.stream().sorted().toList(), "cancelled attempts");
            assertEquals(discardedResults, discarded, "discarded results");
        }

        void assertTime(double expected) {
            assertEquals(expected, loop.time(), 1e-9, "loop time");
        }
    }

    /**
     * An attempt that waits forever and, once cancelled, winds down for {@code seconds} however
     * often it is cancelled meanwhile, as a slow close would; then it returns {@code lateResult}
     * (it connected after all) or, when that is null, ends cancelled.
     */
    private static final class Stubborn implements StaggeredRace.Attempt<String> {
        private final double seconds;
        private final String lateResult;
        int recancelled;
        boolean released;

        Stubborn(double seconds, String lateResult) {
            this.seconds = seconds;
            this.lateResult = lateResult;
        }

        @Override
        public String run() {
            try {
                Asyncio.sleep(Duration.ofHours(1));
                return "never";
            } catch (CancelledError e) {
                Asyncio.currentTask().uncancel();
                Task<Void> windDown = Asyncio.createTask(() -> Asyncio.sleep(seconds));
                while (!windDown.done()) {
                    try {
                        Asyncio.shield(windDown).await();
                    } catch (CancelledError again) {
                        Asyncio.currentTask().uncancel();
                        recancelled++;
                    }
                }
                released = true;
                if (lateResult == null) throw e;
                return lateResult;
            }
        }
    }

    /** Cancels {@code task} with {@code message} and returns the error awaiting it throws. Suspending. */
    private static CancelledError cancelled(Task<?> task, String message) {
        task.cancel(message);
        return assertThrows(CancelledError.class, task::await);
    }

    @Test
    void eachAttemptStartsOneDelayAfterTheLastAndTheFirstToSucceedWins() {
        Race.run(4, r -> {
            r.succeedAt(0.6, 2, "third");
            assertEquals("third", r.race());
            r.assertTime(0.6);
            assertEquals(List.of(0.0, 0.25, 0.5), r.startedAt, "the fourth never started");
            r.assertReleased(List.of(0, 1), List.of()); // the losers still running
        });
    }

    @Test
    void aFailureOfTheLatestAttemptStartsTheNextAtOnceAnEarlierOneDoesNot() {
        Race.run(4, r -> {
            r.failAt(0.1, 0);                // the latest: attempt 1 starts now, not at 0.25
            r.failAt(0.5, 1);                // attempt 2 (started 0.35) is the latest by then
            r.succeedAt(0.7, 2, "third");
            assertEquals("third", r.race());
            assertEquals(List.of(0.0, 0.1, 0.35, 0.6), r.startedAt);
            r.assertReleased(List.of(3), List.of());
        });
    }

    @Test
    void everyAttemptFailingThrowsTheFirstFailureWithTheOthersSuppressed() {
        Race.run(3, r -> {
            for (int i = 0; i < 3; i++) r.failAt(0.1 * (i + 1), i);
            ConnectException e = assertThrows(ConnectException.class,
                    () -> StaggeredRace.run(r.loop, r.attempts, Duration.ofHours(1), r.discarded::add));
            assertEquals("attempt 0 refused", e.getMessage());
            assertEquals(List.of("attempt 1 refused", "attempt 2 refused"),
                    List.of(e.getSuppressed()).stream().map(Throwable::getMessage).toList());
            r.assertTime(0.3); // each failure started the next at once, despite the hour's delay
        });
    }

    @Test
    void aResultArrivingInTheWinnersIterationIsDiscarded() {
        Race.run(2, r -> {
            // Both connect "at the same moment": completed in one callback, attempt 1 first.
            r.loop.callAt(0.3, () -> {
                r.outcomes.get(1).setResult("socket 1");
                r.outcomes.get(0).setResult("socket 0");
            });
            assertEquals("socket 1", r.race());
            r.assertReleased(List.of(), List.of("socket 0")); // released, not leaked
        });
    }

    @Test
    void aResultArrivingAfterTheRaceClosedIsDiscarded() {
        Race.run(0, r -> {
            // Attempt 0 finishes its connect anyway once cancelled, as a loser might.
            r.attempts.add(new Stubborn(0.1, "late socket"));
            r.attempts.add(() -> "winner");
            assertEquals("winner", r.race());
            r.assertReleased(List.of(), List.of("late socket")); // the race waited for the loser
            r.assertTime(0.35);
        });
    }

    @Test
    void cancellingTheCallerCancelsEveryAttempt() {
        Race.run(3, r -> {
            Task<String> race = r.raceInTask(0.6);
            assertEquals(3, r.startedAt.size());
            assertEquals("give up", cancelled(race, "give up").getMessage());
            r.assertReleased(List.of(0, 1, 2), List.of());
        });
    }

    @Test
    void aCallerCancelledAsAnAttemptWinsDiscardsTheWinner() {
        Race.run(2, r -> {
            Task<String> race = r.raceInTask(0.3);
            // The winner's result and the cancellation arrive together: cancellation wins and
            // the socket must not leak (asyncio's staggered_race dropped it).
            r.outcomes.get(0).setResult("socket 0");
            cancelled(race, null);
            r.assertReleased(List.of(1), List.of("socket 0"));
        });
    }

    @Test
    void aCallerCancelledAgainWhileAttemptsWindDownStillWaitsForThem() {
        Race.run(0, r -> {
            Stubborn slow = new Stubborn(1.0, null); // gives its socket back 1 s after it is cancelled
            r.attempts.add(slow);
            Task<String> race = r.raceInTask(0.1);
            race.cancel("first");
            Asyncio.sleep(0.5);
            assertFalse(race.done(), "still waiting for the attempt");
            assertEquals("first", cancelled(race, "second").getMessage(), "the first cancellation is the one passed on");
            assertTrue(slow.released, "the race ended only after its attempt did");
            assertEquals(1, slow.recancelled, "the second cancellation was passed on to the attempt");
            r.assertTime(1.1);
        });
    }

    @Test
    void anUncheckedExceptionFromAnAttemptEndsTheRace() {
        Race.run(1, r -> {
            r.attempts.add(() -> {
                throw new IllegalStateException("a bug");
            });
            r.attempts.add(() -> "never started");
            assertEquals("a bug", assertThrows(IllegalStateException.class, r::race).getMessage());
            r.assertReleased(List.of(0), List.of());
            r.assertTime(0.25);
        });
    }

    @Test
    void underEagerTasksAnAttemptThatNeverSuspendsStillWinsAndIsNotLost() {
        Race.run(0, r -> {
            r.loop.setTaskFactory(Asyncio.eagerTaskFactory());
            // An eager attempt finishes inside createTask, before the race has recorded it.
            r.attempts.add(() -> "at once");
            r.attempts.add(() -> "never started");
            assertEquals("at once", r.race());
            r.assertReleased(List.of(), List.of());
            r.assertTime(0.0);
        });
    }

    @Test
    void argumentsAreChecked() {
        Race.run(0, r -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> StaggeredRace.run(r.loop, List.of(() -> "x"), Duration.ofMillis(-1), x -> { }));
            assertTrue(e.getMessage().contains("PT-0.001S"), e.getMessage());
            assertThrows(IllegalArgumentException.class, r::race); // no attempts
        });
    }

    @Test
    void aCallerCancelledAfterAWinnerWhileLosersWindDownDiscardsTheWinner() {
        Race.run(0, r -> {
            r.attempts.add(new Stubborn(1.0, null)); // gives its socket back 1 s after it is cancelled
            r.attempts.add(() -> "winner");          // starts at 0.25 and wins at once
            Task<String> race = r.raceInTask(0.5);   // the race is now waiting for the loser
            assertEquals("late", cancelled(race, "late").getMessage(), "the winner is not returned to a cancelled caller");
            r.assertReleased(List.of(), List.of("winner"));
            r.assertTime(1.25);
        });
    }

    @Test
    void anAttemptCancelledFromElsewhereAddsNothingToTheFailures() {
        Race.run(2, r -> {
            r.failAt(0.1, 0);
            r.loop.callAt(0.2, () -> r.outcomes.get(1).cancel()); // not by the race
            ConnectException e = assertThrows(ConnectException.class, r::race);
            assertEquals("attempt 0 refused", e.getMessage());
            assertEquals(0, e.getSuppressed().length);
            r.assertReleased(List.of(1), List.of());
        });
    }

    @Test
    void uncheckedExceptionsFromAttemptsInOneIterationAreAllReported() {
        Race.run(2, r -> {
            r.loop.callAt(0.3, () -> {
                r.outcomes.get(0).setException(new IllegalStateException("bug 0"));
                r.outcomes.get(1).setException(new IllegalStateException("bug 1"));
            });
            IllegalStateException e = assertThrows(IllegalStateException.class, r::race);
            assertEquals("bug 0", e.getMessage());
            assertEquals(List.of("bug 1"), List.of(e.getSuppressed()).stream().map(Throwable::getMessage).toList());
        });
    }
}
