package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Asyncio.waitFor: asyncio 3.12's wait_for, including its lost-cancellation regressions. */
@org.junit.jupiter.api.Timeout(30)
class WaitForTest {

    private static final Duration EPSILON = Duration.ofNanos(100_000);

    @Test
    void returnsTheResultWhenTheFutureCompletesInTime() {
        Asyncio.run(() -> {
            Future<String> fut = Asyncio.getRunningLoop().createFuture();
            Asyncio.getRunningLoop().callLater(Duration.ofMillis(5), () -> fut.setResult("ok"));
            assertEquals("ok", Asyncio.waitFor(fut, Duration.ofSeconds(5)));
            assertEquals(0, Asyncio.currentTask().cancelling());
        });
    }

    @Test
    void aNullTimeoutWaitsWithoutLimitAndRunsACoroutineInline() throws Exception {
        Asyncio.run(() -> {
            Task<?> me = Asyncio.currentTask();
            assertEquals("done", Asyncio.waitFor(() -> {
                assertSame(me, Asyncio.currentTask()); // 3.12: no new task for a coroutine
                return "done";
            }, null));
        });
    }

    @Test
    void onTimeoutTheTaskIsCancelledAndWaitedForBeforeTimeoutErrorIsThrown() {
        List<String> events = new ArrayList<>();
        Asyncio.run(() -> {
            Task<String> inner = Asyncio.createTask(() -> {
                try {
                    Asyncio.sleep(Duration.ofSeconds(10));
                    return "never";
                } catch (CancelledError e) {
                    Asyncio.sleep(EPSILON); // slow cleanup: waitFor must wait for it
                    events.add("inner cleaned up");
                    throw e;
                }
            });
            long t0 = System.nanoTime();
            TimeoutError e = assertThrows(TimeoutError.class, () -> Asyncio.waitFor(inner, Duration.ofMillis(10)));
            events.add("timeout");
            assertTrue(System.nanoTime() - t0 < 8_000_000_000L); // the 10 s sleep did not run out
            assertInstanceOf(CancelledError.class, e.getCause());
            assertTrue(inner.cancelled());
            assertEquals(0, Asyncio.currentTask().cancelling()); // the waiting task is not left cancelled
            Asyncio.sleep(0);
        });
        assertEquals(List.of("inner cleaned up", "timeout"), events);
    }

    @Test
    void aTimeoutOfZeroOrLessReturnsADoneFuturesResult() {
        Asyncio.run(() -> {
            Future<String> fut = Asyncio.getRunningLoop().createFuture();
            fut.setResult("done");
            assertEquals("done", Asyncio.waitFor(fut, Duration.ZERO));
            assertEquals("done", Asyncio.waitFor(fut, Duration.ofSeconds(-1)));
        });
    }

    @Test
    void aTimeoutOfZeroOrLessNeverStartsACoroutine() {
        boolean[] started = {false};
        Asyncio.run(() -> {
            for (Duration timeout : List.of(Duration.ZERO, Duration.ofMillis(-1))) {
                assertThrows(TimeoutError.class, () -> Asyncio.waitFor(() -> {
                    started[0] = true;
                    return 1;
                }, timeout));
            }
        });
        assertFalse(started[0]);
    }

    @Test
    void aTimeoutOfZeroOrLessCancelsARunningTaskAndWaitsForIt() {
        Asyncio.run(() -> {
            for (Duration timeout : List.of(Duration.ZERO, Duration.ofSeconds(-1))) {
                boolean[] running = {false};
                Future<Void> started = Asyncio.getRunningLoop().createFuture();
                Task<String> task = Asyncio.createTask(() -> {
                    running[0] = true;
                    started.setResult(null);
                    try {
                        Asyncio.sleep(Duration.ofSeconds(10));
                    } finally {
                        running[0] = false;
                    }
                    return "done";
                });
                started.await();
                TimeoutError e = assertThrows(TimeoutError.class, () -> Asyncio.waitFor(task, timeout));
                assertInstanceOf(CancelledError.class, e.getCause());
                assertTrue(task.cancelled());
                assertFalse(running[0]);
            }
        });
    }

    @Test
    void anInnerCoroutineThatSwallowsTheCancellationAndReturnsWins() {
        // GH-84849 / gh-86296: the value is returned, not a TimeoutError.
        Asyncio.run(() -> {
            int result = Asyncio.waitFor(() -> {
                try {
                    Asyncio.sleep(Duration.ofSeconds(10));
                } catch (CancelledError e) {
                    return 42;
                }
                return 0;
            }, Duration.ofMillis(10));
            assertEquals(42, result);
            assertEquals(0, Asyncio.currentTask().cancelling());
        });
    }

    @Test
    void aTaskThatIgnoresCancellationIsWaitedForUntilItReallyEnds() {
        // asyncio's SlowTask: wait_for cannot stop it early, and then returns normally.
        Asyncio.run(() -> {
            boolean[] exited = {false};
            long deadline = System.nanoTime() + 60_000_000L;
            long t0 = System.nanoTime();
            Asyncio.waitFor(Coroutine.of(() -> {
                while (System.nanoTime() < deadline) {
                    try {
                        Asyncio.sleep(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                    } catch (CancelledError ignored) {
                        // deliberately ignored
                    }
                }
                exited[0] = true;
            }), Duration.ofMillis(10));
            assertTrue(exited[0]);
            assertTrue(System.nanoTime() - t0 >= 55_000_000L);
        });
    }

    @Test
    void anExceptionRaisedDuringTheCancellationIsRaisedInsteadOfTimeoutError() {
        class FooException extends RuntimeException {}
        Asyncio.run(() -> {
            Task<Void> inner = Asyncio.createTask(() -> {
                try {
                    Asyncio.sleep(Duration.ofMillis(200));
                } finally {
                    throw new FooException();
                }
            });
            assertThrows(FooException.class, () -> Asyncio.waitFor(inner, EPSILON));
        });
    }

    @Test
    void waitForItselfIsCancellableWhileTheInnerTaskHoldsUpItsCancellation() {
        Asyncio.run(() -> {
            Task<Integer> inner = Asyncio.createTask(() -> {
                try {
                    Asyncio.sleep(Duration.ofMillis(30));
                } catch (CancelledError e) {
                    try {
                        Asyncio.sleep(Duration.ofMillis(30));
                    } catch (CancelledError e2) {
                        Asyncio.sleep(Duration.ofMillis(30));
                    }
                }
                return 42;
            });
            Task<Integer> waiting = Asyncio.createTask(() -> Asyncio.waitFor(inner, Duration.ofMillis(10)));
            waiting.cancel();
            assertThrows(CancelledError.class, waiting::await);
            assertEquals(42, inner.await());
        });
    }

    @Test
    void cancellingTheWaitAlsoCancelsTheTask() {
        // Python issue #23219, with and without a timeout.
        for (Duration timeout : new Duration[] {null, Duration.ofSeconds(60)}) {
            Asyncio.run(() -> {
                Task<Void> blocked = Asyncio.createTask(() -> {
                    Asyncio.getRunningLoop().<Void>createFuture().await();
                });
                Task<Void> waiting = Asyncio.createTask(() -> Asyncio.waitFor(blocked, timeout));
                Asyncio.getRunningLoop().callSoon(() -> waiting.cancel());
                assertThrows(CancelledError.class, waiting::await);
                assertTrue(blocked.cancelled());
            });
        }
    }

    @Test
    void anOuterCancellationIsNotSwallowedWhenTheInnerCompletesAtOnce() {
        // gh-86296 (test_wait_for_issue86296): the old wait_for returned the inner's result and
        // lost the cancellation.
        boolean[] reachedEnd = {false};
        Asyncio.run(() -> {
            Task<Void> task = Asyncio.createTask(() -> {
                Asyncio.waitFor(() -> null, Duration.ofSeconds(100));
                Asyncio.sleep(Duration.ofSeconds(1));
                reachedEnd[0] = true;
            });
            Asyncio.sleep(0);
            assertFalse(task.done());
            task.cancel();
            assertThrows(CancelledError.class, task::await);
            assertTrue(task.cancelled());
        });
        assertFalse(reachedEnd[0]);
    }

    @Test
    void anOuterCancellationInTheSameTurnAsTheInnerResultIsNotSwallowedNorTheResultLost() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<String> inner = loop.createFuture();
            List<String> after = new ArrayList<>();
            Task<String> waiting = Asyncio.createTask(() -> {
                String s = Asyncio.waitFor(inner, Duration.ofSeconds(10));
                after.add("returned " + s); // must not happen: the task was cancelled
                return s;
            });
            Asyncio.sleep(0);
            loop.callSoon(() -> {
                inner.setResult("resource"); // the waiting task is woken...
                waiting.cancel("outer");     // ...and cancelled in the same turn
            });
            CancelledError e = assertThrows(CancelledError.class, waiting::await);
            assertEquals("outer", e.getMessage());
            assertEquals(List.of(), after);
            assertEquals("resource", inner.result()); // the result stays with its future
        });
    }

    @Test
    void theInnerCompletingAsTheTimeoutFiresKeepsItsResultAndLeavesNoCancellationBehind() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<String> inner = loop.createFuture();
            // A callback holds the loop past the deadline after arming a zero-delay timer that
            // completes the inner future: in the next turn both timers are due, the result
            // arrives first, then the deadline cancels the waiting task before it resumes.
            loop.callSoon(() -> {
                loop.callLater(Duration.ZERO, () -> inner.setResult("resource"));
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            TimeoutError e = assertThrows(TimeoutError.class, () -> Asyncio.waitFor(inner, Duration.ofMillis(150)));
            assertInstanceOf(CancelledError.class, e.getCause());
            assertFalse(inner.cancelled());
            assertEquals("resource", inner.result()); // not lost: still in its future
            assertEquals(0, Asyncio.currentTask().cancelling());
            Asyncio.sleep(0); // and no cancellation is left pending for this task
        });
    }

    @Test
    void theInnerTaskCatchingTheTimeoutsCancellationReturnsItsValue() {
        // test_wait_for_cancellation_race_condition
        Asyncio.run(() -> {
            Task<Integer> inner = Asyncio.createTask(() -> {
                assertThrows(CancelledError.class, () -> Asyncio.sleep(Duration.ofSeconds(1)));
                return 1;
            });
            assertEquals(1, Asyncio.waitFor(inner, Duration.ofMillis(10)));
        });
    }

    @Test
    void awaitingTheSameTaskFromTwoPlacesGivesBothTheResultOrTheCancellation() {
        Asyncio.run(() -> {
            Task<String> shared = Asyncio.createTask(() -> {
                Asyncio.sleep(Duration.ofMillis(20));
                return "shared";
            });
            Task<String> a = Asyncio.createTask(() -> Asyncio.waitFor(shared, Duration.ofSeconds(5)));
            Task<String> b = Asyncio.createTask(() -> shared.await());
            assertEquals("shared", a.await());
            assertEquals("shared", b.await());

            // A timeout in one waiter cancels the shared task, and the other waiter sees that.
            Task<String> slow = Asyncio.createTask(() -> {
                Asyncio.sleep(Duration.ofSeconds(10));
                return "slow";
            });
            Task<String> c = Asyncio.createTask(() -> Asyncio.waitFor(slow, Duration.ofMillis(5)));
            Task<String> d = Asyncio.createTask(() -> slow.await());
            assertThrows(TimeoutError.class, c::await);
            assertThrows(CancelledError.class, d::await);
            assertTrue(d.cancelled());
        });
    }

    @Test
    void aFutureOfAnotherLoopIsRejected() {
        try (EventLoop other = new EventLoop()) {
            Future<String> foreign = other.createFuture();
            Asyncio.run(() -> {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> Asyncio.waitFor(foreign, Duration.ofSeconds(1)));
                assertTrue(e.getMessage().contains("another event loop"), e.getMessage());
            });
        }
    }

    @Test
    void outsideATaskWaitForFailsClearly() {
        assertThrows(IllegalStateException.class, () -> Asyncio.waitFor(() -> 1, Duration.ofSeconds(1)));
    }
}
