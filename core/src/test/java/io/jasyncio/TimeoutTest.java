package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Timeout scopes: asyncio 3.12's timeout() and timeout_at(). */
@org.junit.jupiter.api.Timeout(30)
class TimeoutTest {

    private static final Duration LONG = Duration.ofSeconds(10);

    private static double now() {
        return Asyncio.getRunningLoop().time();
    }

    @Test
    void anExpiredScopeThrowsTimeoutErrorCausedByTheCancellation() {
        Asyncio.run(() -> {
            Timeout t = Asyncio.timeout(Duration.ofMillis(10));
            long t0 = System.nanoTime();
            TimeoutError e = assertThrows(TimeoutError.class, () -> t.run(() -> Asyncio.sleep(LONG)));
            assertTrue(System.nanoTime() - t0 < 8_000_000_000L); // the 10 s sleep did not run out
            assertInstanceOf(CancelledError.class, e.getCause());
            assertTrue(t.expired());
            assertEquals("Timeout[expired]", t.toString());
            // The task itself is not left cancelled.
            assertEquals(0, Asyncio.currentTask().cancelling());
            Asyncio.sleep(0);
        });
    }

    @Test
    void theBodyOfAnExpiringScopeSeesCancelledError() {
        List<String> events = new ArrayList<>();
        Asyncio.run(() -> {
            assertThrows(TimeoutError.class, () -> Asyncio.timeout(Duration.ofMillis(5), () -> {
                try {
                    Asyncio.sleep(LONG);
                } catch (CancelledError e) {
                    events.add("body cancelled");
                    throw e;
                }
            }));
        });
        assertEquals(List.of("body cancelled"), events);
    }

    @Test
    void timeoutAtUsesTheLoopClock() {
        Asyncio.run(() -> {
            double deadline = now() + 0.01;
            Timeout t = Asyncio.timeoutAt(deadline);
            assertThrows(TimeoutError.class, () -> t.run(() -> Asyncio.sleep(LONG)));
            assertTrue(t.expired());
            assertEquals(deadline, t.when().getAsDouble());
            assertEquals(7, Asyncio.timeoutAt(now() + 10, () -> 7));
        });
    }

    @Test
    void aScopeThatDoesNotExpireReturnsTheBodysValue() {
        Asyncio.run(() -> {
            Timeout t = Asyncio.timeout(LONG);
            assertEquals("value", t.call(() -> {
                Asyncio.sleep(Duration.ofMillis(1));
                return "value";
            }));
            assertFalse(t.expired());
            assertTrue(t.when().getAsDouble() > now());
            assertEquals("Timeout[finished]", t.toString());
        });
    }

    @Test
    void aNullDelayMeansNoDeadline() {
        Asyncio.run(() -> {
            Timeout t = Asyncio.timeout(null);
            t.run(() -> {
                assertEquals("Timeout[active when=none]", t.toString());
                Asyncio.sleep(Duration.ofMillis(1));
            });
            assertFalse(t.expired());
            assertTrue(t.when().isEmpty());
        });
    }

    @Test
    void onlyTheOutermostExpiredScopeTurnsTheCancellationIntoATimeout() {
        List<String> events = new ArrayList<>();
        Asyncio.run(() -> {
            double deadline = now() + 0.01;
            Timeout outer = Asyncio.timeoutAt(deadline);
            Timeout[] inner = new Timeout[1];
            assertThrows(TimeoutError.class, () -> outer.run(() -> {
                try {
                    inner[0] = Asyncio.timeoutAt(deadline);
                    inner[0].run(() -> Asyncio.sleep(LONG));
                } catch (CancelledError e) {
                    events.add("inner scope let CancelledError through");
                    throw e;
                }
            }));
            assertTrue(outer.expired());
            assertTrue(inner[0].expired());
        });
        assertEquals(List.of("inner scope let CancelledError through"), events);
    }

    @Test
    void anInnerScopeExpiringAloneLeavesTheOuterScopeRunning() {
        Asyncio.run(() -> {
            Timeout outer = Asyncio.timeout(LONG);
            Timeout[] inner = new Timeout[1];
            String r = outer.call(() -> {
                inner[0] = Asyncio.timeout(Duration.ofMillis(5));
                assertThrows(TimeoutError.class, () -> inner[0].run(() -> Asyncio.sleep(LONG)));
                Asyncio.sleep(Duration.ofMillis(1)); // the outer scope is not cancelled
                return "outer finished";
            });
            assertEquals("outer finished", r);
            assertTrue(inner[0].expired());
            assertFalse(outer.expired());
        });
    }

    @Test
    void theOuterScopeInterruptsWorkAfterAnInnerScopeExpired() {
        // test_nested_timeouts_loop_busy: after the inner timeout, the outer one still applies.
        Asyncio.run(() -> {
            long t0 = System.nanoTime();
            assertThrows(TimeoutError.class, () -> Asyncio.timeout(Duration.ofMillis(200), () -> {
                assertThrows(TimeoutError.class, () -> Asyncio.timeout(Duration.ofMillis(5), () -> Asyncio.sleep(LONG)));
                Asyncio.sleep(LONG); // interrupted by the outer scope
            }));
            assertTrue(System.nanoTime() - t0 < 8_000_000_000L); // the 10 s sleep did not run out
        });
    }

    @Test
    void aZeroOrNegativeDelayTimesOutEvenABareYield() {
        // gh-95051: an already-expired deadline must fire before the next turn, so that
        // `async with timeout(-11): await sleep(0)` raises.
        Asyncio.run(() -> {
            for (Duration d : List.of(Duration.ZERO, Duration.ofSeconds(-11))) {
                double t0 = now();
                Timeout t = Asyncio.timeout(d);
                assertThrows(TimeoutError.class, () -> t.run(() -> Asyncio.sleep(0)));
                assertTrue(t.expired());
                assertTrue(t.when().getAsDouble() <= now());
                assertTrue(d.isNegative() ? t.when().getAsDouble() < t0 : t.when().getAsDouble() >= t0);
            }
        });
    }

    @Test
    void aTimeoutRescheduledIntoThePastFiresAtTheNextTurn() {
        // The known regression: a deadline moved into the past must not wait for a later turn.
        Asyncio.run(() -> {
            Timeout t = Asyncio.timeout(LONG);
            List<String> events = new ArrayList<>();
            assertThrows(TimeoutError.class, () -> t.run(() -> {
                t.reschedule(now() - 1);
                events.add("rescheduled");
                Asyncio.sleep(0);
                events.add("not reached");
            }));
            assertEquals(List.of("rescheduled"), events);
            assertTrue(t.expired());
        });
    }

    @Test
    void rescheduleMovesOrRemovesTheDeadline() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            double deadline1 = now() + 10;
            double deadline2 = deadline1 + 20;
            // test_reschedule: from another task while the scope is active.
            Timeout[] cm = new Timeout[1];
            Future<Void> ready = loop.createFuture();
            Task<Void> holder = Asyncio.createTask(() -> {
                cm[0] = Asyncio.timeoutAt(deadline1);
                cm[0].run(() -> {
                    ready.setResult(null);
                    Asyncio.sleep(Duration.ofSeconds(50));
                });
            });
            ready.await();
            assertEquals(deadline1, cm[0].when().getAsDouble());
            cm[0].reschedule(deadline2);
            assertEquals(deadline2, cm[0].when().getAsDouble());
            cm[0].removeDeadline();
            assertTrue(cm[0].when().isEmpty());
            holder.cancel();
            assertThrows(CancelledError.class, holder::await);
            assertFalse(cm[0].expired());

            // Rescheduling to a nearer deadline makes it expire sooner.
            Timeout t = Asyncio.timeout(LONG);
            long t0 = System.nanoTime();
            assertThrows(TimeoutError.class, () -> t.run(() -> {
                t.reschedule(now() + 0.01);
                Asyncio.sleep(LONG);
            }));
            assertTrue(System.nanoTime() - t0 < 8_000_000_000L); // the 10 s sleep did not run out
        });
    }

    @Test
    void anOuterCancellationIsNeverTurnedIntoATimeout() {
        Asyncio.run(() -> {
            Timeout t = Asyncio.timeout(LONG);
            CancelledError e = assertThrows(CancelledError.class, () -> t.run(() -> {
                Asyncio.currentTask().cancel("outer");
                Asyncio.sleep(LONG);
            }));
            assertEquals("outer", e.getMessage());
            assertFalse(t.expired());
            Asyncio.currentTask().uncancel();
        });
    }

    @Test
    void anOuterCancellationArrivingWithTheTimeoutStaysACancellation() {
        Asyncio.run(() -> {
            Timeout t = Asyncio.timeout(Duration.ZERO);
            assertThrows(CancelledError.class, () -> t.run(() -> {
                Asyncio.currentTask().cancel(); // plus the deadline's own request
                Asyncio.sleep(LONG);
            }));
            assertTrue(t.expired());
            // The deadline's request was withdrawn; the outer one is still counted.
            assertEquals(1, Asyncio.currentTask().cancelling());
            Asyncio.currentTask().uncancel();
        });
    }

    @Test
    void aTaskCancelledFromOutsideInsideAScopeEndsCancelled() {
        Asyncio.run(() -> {
            Task<Void> t = Asyncio.createTask(() -> Asyncio.timeout(LONG, () -> Asyncio.sleep(LONG)));
            Asyncio.sleep(0);
            t.cancel("stop");
            assertEquals("stop", assertThrows(CancelledError.class, t::await).getMessage());
            assertTrue(t.cancelled());
        });
    }

    @Test
    void aTaskThatCatchesTheTimeoutIsNotCancelled() {
        Asyncio.run(() -> {
            Task<String> t = Asyncio.createTask(() -> {
                assertThrows(TimeoutError.class, () -> Asyncio.timeout(Duration.ofMillis(1), () -> Asyncio.sleep(LONG)));
                return "went on";
            });
            assertEquals("went on", t.await());
            assertFalse(t.cancelled());
        });
    }

    @Test
    void otherExceptionsPassThroughUnchanged() {
        Asyncio.run(() -> {
            Timeout t = Asyncio.timeout(Duration.ofMillis(10));
            assertThrows(java.io.IOException.class, () -> t.run(() -> {
                throw new java.io.IOException("not a timeout");
            }));
            assertFalse(t.expired());

            // test_foreign_exception_on_timeout: the body's own exception wins over the timeout.
            Timeout t2 = Asyncio.timeout(Duration.ofMillis(5));
            assertThrows(ArithmeticException.class, () -> t2.run(() -> {
                try {
                    Asyncio.sleep(LONG);
                } finally {
                    throw new ArithmeticException("/ by zero");
                }
            }));
            assertTrue(t2.expired());
        });
    }

    @Test
    void aBodyThatSwallowsTheCancellationKeepsItsValue() {
        Asyncio.run(() -> {
            Timeout t = Asyncio.timeout(Duration.ofMillis(5));
            int v = t.call(() -> {
                try {
                    Asyncio.sleep(LONG);
                } catch (CancelledError e) {
                    return 42;
                }
                return 0;
            });
            assertEquals(42, v);
            assertTrue(t.expired());
            assertEquals(0, Asyncio.currentTask().cancelling());
        });
    }

    @Test
    void aBodyBlockedInAJdkCallIsInterruptedAndTimesOut() throws Exception {
        Asyncio.run(() -> {
            long t0 = System.nanoTime();
            TimeoutError e = assertThrows(TimeoutError.class, () -> Asyncio.timeout(Duration.ofMillis(20), () -> {
                Thread.sleep(20_000); // parks the task, not the loop; the deadline interrupts it
            }));
            assertTrue(System.nanoTime() - t0 < 8_000_000_000L); // the 20 s sleep did not run out
            assertInstanceOf(CancelledError.class, e.getCause());
            assertInstanceOf(InterruptedException.class, e.getCause().getCause());
            assertFalse(Thread.currentThread().isInterrupted());
            assertEquals(0, Asyncio.currentTask().cancelling());
            Asyncio.sleep(Duration.ofMillis(1)); // no cancellation left behind
        });
    }

    @Test
    void aDeadlineWithdrawnAfterAnUninterruptibleJdkCallLeavesNoInterruptBehind() throws Exception {
        // The deadline interrupts the task, but CompletableFuture.join() ignores interrupts (and
        // restores the flag when it returns); the body then returns normally. asyncio's scope
        // withdraws its cancellation on exit (uncancel), so no trace of it may be left: the next
        // blocking call must not fail with an interrupt meant for a cancellation that is gone.
        Asyncio.run(() -> {
            java.util.concurrent.CompletableFuture<String> gate = new java.util.concurrent.CompletableFuture<>();
            Asyncio.getRunningLoop().callLater(Duration.ofMillis(50), () -> gate.complete("late"));
            Timeout t = Asyncio.timeout(Duration.ZERO);
            assertEquals("late", t.call(gate::join));
            assertTrue(t.expired());
            assertEquals(0, Asyncio.currentTask().cancelling());
            assertFalse(Thread.currentThread().isInterrupted());
            Thread.sleep(1); // not interrupted
            return null;
        });
    }

    @Test
    void anOuterCancellationOfABlockedBodyEndsTheTaskCancelled() {
        Asyncio.run(() -> {
            Task<Void> t = Asyncio.createTask(() -> Asyncio.timeout(LONG, () -> {
                Thread.sleep(5_000);
            }));
            Asyncio.sleep(Duration.ofMillis(10));
            t.cancel("outer");
            CancelledError e = assertThrows(CancelledError.class, t::await);
            assertEquals("outer", e.getMessage());
            assertTrue(t.cancelled());
        });
    }

    @Test
    void aTimeoutInCleanupAfterACaughtCancellationStillWorks() {
        // test_timeout_after_cancellation and test_cancel_in_timeout_after_cancellation
        Asyncio.run(() -> {
            try {
                Asyncio.currentTask().cancel();
                Asyncio.sleep(LONG);
            } catch (CancelledError e) {
                // caught without uncancel(): cancelling() stays 1
            }
            assertThrows(TimeoutError.class, () -> Asyncio.timeout(Duration.ZERO, () -> Asyncio.sleep(LONG)));
            assertThrows(CancelledError.class, () -> Asyncio.timeout(LONG, () -> {
                Asyncio.currentTask().cancel();
                Asyncio.sleep(LONG);
            }));
            Asyncio.currentTask().uncancel();
            Asyncio.currentTask().uncancel();
        });
    }

    @Test
    void aNestedTimeoutInFinallyWorks() {
        Asyncio.run(() -> {
            assertThrows(TimeoutError.class, () -> Asyncio.timeout(Duration.ofMillis(5), () -> {
                try {
                    Asyncio.sleep(LONG);
                } finally {
                    assertThrows(TimeoutError.class, () -> Asyncio.timeout(Duration.ofMillis(5), () -> Asyncio.sleep(LONG)));
                }
            }));
        });
    }

    @Test
    void aScopeIsEnteredOnceAndOnlyInATask() {
        Asyncio.run(() -> {
            Timeout t = Asyncio.timeout(LONG);
            IllegalStateException notEntered = assertThrows(IllegalStateException.class, () -> t.reschedule(now() + 1));
            assertEquals("Timeout has not been entered", notEntered.getMessage());
            t.run(() -> {
                IllegalStateException twice = assertThrows(IllegalStateException.class, () -> t.run(() -> {}));
                assertEquals("Timeout has already been entered", twice.getMessage());
            });
            assertThrows(IllegalStateException.class, () -> t.run(() -> {}));
            IllegalStateException finished = assertThrows(IllegalStateException.class, () -> t.reschedule(now() + 1));
            assertEquals("Cannot change state of finished Timeout", finished.getMessage());

            // Used from a callback (no task): refused, and the scope stays unentered.
            Timeout fromCallback = Asyncio.timeout(LONG);
            Future<Throwable> seen = Asyncio.getRunningLoop().createFuture();
            Asyncio.getRunningLoop().callSoon(() -> {
                try {
                    fromCallback.run(() -> {});
                    seen.setResult(null);
                } catch (Throwable e) {
                    seen.setResult(e);
                }
            });
            Throwable e = seen.await();
            assertInstanceOf(IllegalStateException.class, e);
            assertTrue(e.getMessage().contains("inside a task"), e.getMessage());
            assertEquals("Timeout has not been entered",
                    assertThrows(IllegalStateException.class, () -> fromCallback.reschedule(1.0)).getMessage());
        });
        assertThrows(IllegalStateException.class, () -> Asyncio.timeout(LONG), "no running loop");
    }

    @Test
    void theActiveScopeShowsItsDeadline() {
        Asyncio.run(() -> {
            Timeout t = Asyncio.timeoutAt(-5.0); // in the past: expires at the next turn
            assertEquals("Timeout[created]", t.toString());
            assertThrows(TimeoutError.class, () -> t.run(() -> {
                assertEquals("Timeout[active when=-5.000]", t.toString());
                Asyncio.sleep(LONG);
            }));
        });
    }
}
