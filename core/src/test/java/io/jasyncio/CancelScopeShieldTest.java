package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link CancelScope#shield(boolean)}: Trio's shield, composed with asyncio's Timeout, TaskGroup and counting. */
@Timeout(30)
class CancelScopeShieldTest {

    private static void run(AsyncRunnable body) {
        Asyncio.run(body, RunOptions.defaults().virtualTime(true));
    }

    private static double now() {
        return Asyncio.getRunningLoop().time();
    }

    private static void later(long millis, Runnable r) {
        Asyncio.getRunningLoop().callLater(Duration.ofMillis(millis), r);
    }

    private static CancelScope shielded() {
        CancelScope s = CancelScope.create();
        s.shield(true);
        return s;
    }

    /** Waits for {@code t} and returns whether it ended cancelled (its other failures fail the test). */
    private static boolean endsCancelled(Task<?> t) {
        try {
            t.await();
        } catch (CancelledError e) {
            // the task's own cancellation, seen by its awaiter
        }
        return t.cancelled();
    }

    @Test
    void anOuterCancelDoesNotWakeTheShieldedBodyAndArrivesAtTheNextSuspensionAfterIt() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Task<Void> t = Asyncio.createTask(() -> {
                shielded().run(() -> {
                    Asyncio.sleep(Duration.ofSeconds(1));
                    log.add("shielded sleep done at " + now());
                    assertEquals(0, Asyncio.currentTask().cancelling(), "held requests are not counted");
                });
                log.add("after the scope, before suspending");
                Asyncio.sleep(Duration.ZERO);
                log.add("not reached");
            });
            later(10, () -> assertTrue(t.cancel("outer")));
            assertTrue(endsCancelled(t));
            assertEquals(List.of("shielded sleep done at 1.0", "after the scope, before suspending"), log);
        });
    }

    @Test
    void anOuterTimeoutStillEndsInTimeoutErrorAfterTheShieldedPart() {
        run(() -> {
            List<String> log = new ArrayList<>();
            double start = now();
            assertThrows(TimeoutError.class, () -> Asyncio.timeout(Duration.ofMillis(100), () -> {
                shielded().run(() -> Asyncio.sleep(Duration.ofSeconds(2)));
                log.add("shielded part done");
                Asyncio.sleep(Duration.ofHours(1));
                log.add("not reached");
            }));
            assertEquals(2.0, now() - start, 1e-6);
            assertEquals(List.of("shielded part done"), log);
            assertEquals(0, Asyncio.currentTask().cancelling(), "the timeout withdrew its request");
        });
    }

    @Test
    void anOuterScopesDeadlineIsHeldThenCaughtByThatScope() {
        run(() -> {
            CancelScope outer = CancelScope.after(Duration.ofMillis(10));
            CancelScope inner = shielded();
            outer.run(() -> {
                inner.run(() -> Asyncio.sleep(Duration.ofSeconds(1)));
                Asyncio.sleep(Duration.ofHours(1));
            });
            assertTrue(outer.cancelledCaught());
            assertFalse(inner.cancelledCaught());
            assertFalse(inner.cancelCalled());
            assertEquals(1.0, now(), 1e-6);
            assertEquals(0, Asyncio.currentTask().cancelling());
        });
    }

    @Test
    void theShieldsOwnDeadlineStillCancelsItWhileAnOuterCancelWaits() {
        run(() -> {
            List<String> log = new ArrayList<>();
            CancelScope scope = CancelScope.after(Duration.ofMillis(50));
            scope.shield(true);
            Task<Void> t = Asyncio.createTask(() -> {
                scope.run(() -> Asyncio.sleep(Duration.ofHours(1)));
                log.add("scope ended at " + now());
                Asyncio.sleep(Duration.ZERO);
                log.add("not reached");
            });
            later(10, () -> t.cancel("outer"));
            assertTrue(endsCancelled(t));
            assertTrue(scope.cancelledCaught(), "its own deadline ended the body, and it swallowed that");
            assertEquals(List.of("scope ended at 0.05"), log);
        });
    }

    @Test
    void theShieldsOwnCancelStillWorks() {
        run(() -> {
            CancelScope scope = shielded();
            later(20, scope::cancel);
            scope.run(() -> Asyncio.sleep(Duration.ofHours(1)));
            assertTrue(scope.cancelledCaught());
            assertEquals(0.02, now(), 1e-6);
        });
    }

    @Test
    void loweringTheShieldInTheBodyDeliversTheHeldCancelAtTheNextSuspension() {
        run(() -> {
            List<String> log = new ArrayList<>();
            CancelScope scope = shielded();
            Task<Void> t = Asyncio.createTask(() -> scope.run(() -> {
                Asyncio.sleep(Duration.ofSeconds(1));
                scope.shield(false);
                log.add("lowered, still running");
                Asyncio.sleep(Duration.ZERO);
                log.add("not reached");
            }));
            later(10, () -> t.cancel("outer"));
            assertTrue(endsCancelled(t));
            assertFalse(scope.cancelledCaught(), "the cancellation was not the scope's");
            assertEquals(List.of("lowered, still running"), log);
            assertEquals(1.0, now(), 1e-6);
        });
    }

    @Test
    void loweringTheShieldFromACallbackWakesTheSuspendedBody() {
        run(() -> {
            CancelScope scope = shielded();
            Task<Void> t = Asyncio.createTask(() -> scope.run(() -> Asyncio.sleep(Duration.ofHours(1))));
            later(10, () -> t.cancel("outer"));
            later(50, () -> scope.shield(false));
            assertTrue(endsCancelled(t));
            assertEquals(0.05, now(), 1e-6);
            assertFalse(scope.shield());
        });
    }

    @Test
    void raisingTheShieldDuringTheBodyHoldsLaterCancels() {
        run(() -> {
            List<String> log = new ArrayList<>();
            CancelScope scope = CancelScope.create();
            Task<Void> t = Asyncio.createTask(() -> {
                scope.run(() -> {
                    scope.shield(true);
                    Asyncio.sleep(Duration.ofSeconds(1));
                    log.add("slept");
                });
                Asyncio.sleep(Duration.ZERO);
            });
            later(10, () -> t.cancel());
            assertTrue(endsCancelled(t));
            assertEquals(List.of("slept"), log);
            assertTrue(scope.shield());
        });
    }

    @Test
    void aCancelRequestedButNotDeliveredWhenTheShieldGoesUpIsHeldToo() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Task<Void> t = Asyncio.createTask(() -> {
                Task<?> me = Asyncio.currentTask();
                me.cancel("early");
                shielded().run(() -> {
                    Asyncio.sleep(Duration.ofMillis(100));
                    log.add("slept, cancelling=" + me.cancelling());
                });
                try {
                    Asyncio.sleep(Duration.ZERO);
                    log.add("not reached");
                } catch (CancelledError e) {
                    log.add("got " + e.getMessage());
                    throw e;
                }
            });
            assertTrue(endsCancelled(t));
            // Counted when made, and still counted while held: the count never jumps.
            assertEquals(List.of("slept, cancelling=1", "got early"), log);
        });
    }

    @Test
    void aHeldCancelWithdrawnByUncancelInsideTheShieldIsNotDeliveredWhenTheShieldEnds() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Task<Void> t = Asyncio.createTask(() -> {
                Task<?> me = Asyncio.currentTask();
                me.cancel("early");
                shielded().run(() -> {
                    Asyncio.sleep(Duration.ofMillis(100));
                    log.add("uncancel -> " + me.uncancel());
                });
                Asyncio.sleep(Duration.ZERO);
                log.add("went on, cancelling=" + me.cancelling());
            });
            assertFalse(endsCancelled(t), "the withdrawn request must stay withdrawn");
            assertEquals(List.of("uncancel -> 0", "went on, cancelling=0"), log);
        });
    }

    @Test
    void nestedShieldsLetEachRequestOutOnlyAsFarAsItsScope() {
        run(() -> {
            List<String> log = new ArrayList<>();
            CancelScope x = CancelScope.after(Duration.ofMillis(10)); // between the two shields
            Task<Void> t = Asyncio.createTask(() -> {
                shielded().run(() -> {
                    x.run(() -> {
                        shielded().run(() -> Asyncio.sleep(Duration.ofSeconds(1)));
                        log.add("inner shield done at " + now());
                        Asyncio.sleep(Duration.ofHours(1)); // x's deadline is delivered here
                    });
                    log.add("x caught its deadline: " + x.cancelledCaught());
                    Asyncio.sleep(Duration.ofMillis(100)); // the task's cancel is still held out here
                    log.add("outer shield still holds at " + now());
                });
                Asyncio.sleep(Duration.ZERO);
                log.add("not reached");
            });
            later(5, () -> t.cancel("whole task"));
            assertTrue(endsCancelled(t));
            assertEquals(List.of("inner shield done at 1.0", "x caught its deadline: true", "outer shield still holds at 1.1"), log);
        });
    }

    @Test
    void aTimeoutInsideAShieldRaisesTimeoutErrorWhileAnOuterCancelIsHeld() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Task<Void> t = Asyncio.createTask(() -> {
                shielded().run(() -> {
                    // The outer cancel (at 5 ms) arrives before this timeout fires (at 10 ms): were
                    // it counted, the timeout would see a foreign request and let a CancelledError out.
                    try {
                        Asyncio.timeout(Duration.ofMillis(10), () -> Asyncio.sleep(Duration.ofHours(1)));
                    } catch (TimeoutError e) {
                        log.add("inner timeout at " + now());
                    }
                    Asyncio.sleep(Duration.ofMillis(100));
                    log.add("still shielded");
                });
                Asyncio.sleep(Duration.ZERO);
            });
            later(5, () -> t.cancel());
            assertTrue(endsCancelled(t));
            assertEquals(List.of("inner timeout at 0.01", "still shielded"), log);
        });
    }

    @Test
    void aTaskGroupCancellingAShieldedChildWaitsForTheShieldedPartAndCollectsTheFailure() {
        run(() -> {
            List<String> log = new ArrayList<>();
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                tg.createTask(() -> {
                    shielded().run(() -> Asyncio.sleep(Duration.ofSeconds(1)));
                    log.add("child finished its shielded part at " + now());
                    Asyncio.sleep(Duration.ofHours(1));
                    log.add("not reached");
                });
                tg.createTask(() -> {
                    Asyncio.sleep(Duration.ofMillis(10));
                    throw new IllegalStateException("sibling failed");
                });
            }));
            assertEquals(1, eg.exceptions().size());
            assertEquals("sibling failed", eg.exceptions().get(0).getMessage());
            assertEquals(List.of("child finished its shielded part at 1.0"), log);
            assertEquals(0, Asyncio.currentTask().cancelling());
        });
    }

    @Test
    void aTaskGroupCancelsItsBodyOnlyAfterTheBodysShieldedPart() {
        run(() -> {
            List<String> log = new ArrayList<>();
            assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                tg.createTask(() -> {
                    Asyncio.sleep(Duration.ofMillis(10));
                    throw new IllegalStateException("child failed");
                });
                shielded().run(() -> Asyncio.sleep(Duration.ofSeconds(1)));
                log.add("body's shielded part done at " + now());
                Asyncio.sleep(Duration.ofHours(1));
                log.add("not reached");
            }));
            assertEquals(List.of("body's shielded part done at 1.0"), log);
            assertEquals(0, Asyncio.currentTask().cancelling(), "the group withdrew its request");
        });
    }

    @Test
    void aTaskGroupInsideAShieldStillCancelsItsBody() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Task<Void> t = Asyncio.createTask(() -> {
                shielded().run(() -> {
                    try {
                        TaskGroup.run(tg -> {
                            tg.createTask(() -> {
                                Asyncio.sleep(Duration.ofMillis(10));
                                throw new IllegalStateException("child failed");
                            });
                            Asyncio.sleep(Duration.ofHours(1));
                        });
                    } catch (ExceptionGroup e) {
                        log.add("group failed at " + now());
                    }
                });
                Asyncio.sleep(Duration.ZERO);
            });
            later(5, () -> t.cancel());
            assertTrue(endsCancelled(t));
            assertEquals(List.of("group failed at 0.01"), log);
        });
    }

    @Test
    void anAwaitedChildIsNotCancelledThroughAShieldedParent() {
        run(() -> {
            Task<String> child = Asyncio.createTask(() -> Asyncio.sleep(Duration.ofSeconds(1), "child result"));
            AtomicReference<String> got = new AtomicReference<>();
            Task<Void> parent = Asyncio.createTask(() -> shielded().run(() -> got.set(child.await())));
            later(10, () -> parent.cancel());
            assertTrue(endsCancelled(parent));
            assertEquals("child result", got.get());
            assertFalse(child.cancelled());
        });
    }

    @Test
    void aCancelOnItsWayWhenATimeoutIsEnteredIsNotMistakenForTheTimeoutsOwn() {
        // ADR 0006: asyncio would raise TimeoutError here and lose the cancellation.
        run(() -> {
            Task<Void> t = Asyncio.createTask(() -> {
                Asyncio.currentTask().cancel("first");
                Asyncio.timeout(Duration.ZERO, () -> Asyncio.sleep(Duration.ofHours(1)));
            });
            try {
                t.await();
            } catch (CancelledError expected) {
                // the task's own cancellation
            }
            assertTrue(t.cancelled(), "ended " + t);
        });
    }

    @Test
    void aCancellationRearmedByAChannelInsideAShieldIsNotHeldByIt() {
        // ADR 0005/0006: a send whose value was taken in the instant it was cancelled returns and
        // re-requests the cancellation; that one got through the shield, so it must not be held.
        run(() -> {
            List<String> log = new ArrayList<>();
            io.jasyncio.channel.Channel<String> ch = io.jasyncio.channel.Channel.rendezvous();
            CancelScope inner = CancelScope.create();
            Task<Void> sender = Asyncio.createTask(() -> shielded().run(() -> inner.run(() -> {
                ch.send("v");
                log.add("sent");
                Asyncio.sleep(Duration.ofHours(1));
                log.add("not reached");
            })));
            Asyncio.sleep(Duration.ofMillis(1)); // the sender waits in send()
            assertEquals("v", ch.receive());
            inner.cancel(); // same step: the send was done, the cancellation comes on top
            sender.await();
            assertEquals(List.of("sent"), log);
            assertTrue(inner.cancelledCaught());
            assertEquals(0.001, now(), 1e-6);
        });
    }

    @Test
    void aTaskGroupInsideAShieldReRequestsACancellationItHadToKeepWithoutTheShieldHoldingIt() {
        run(() -> {
            CancelScope x = CancelScope.create();
            later(5, x::cancel);
            assertThrows(ExceptionGroup.class, () -> shielded().run(() -> x.run(() -> TaskGroup.run(tg -> tg.createTask(() -> {
                try {
                    Asyncio.sleep(Duration.ofHours(1));
                } catch (CancelledError e) {
                    throw new IllegalStateException("child fails when cancelled");
                }
            })))));
            // The group got x's cancellation while waiting, threw its error and re-requested the
            // cancellation from where it was (inside the shield); x withdrew it on the way out.
            Asyncio.sleep(Duration.ZERO);
            assertEquals(0, Asyncio.currentTask().cancelling());
        });
    }

    @Test
    void theShieldCannotBeMovedFromAnotherThreadWhileActive() throws Exception {
        AtomicReference<Throwable> error = new AtomicReference<>();
        Asyncio.run(() -> {
            CancelScope scope = shielded();
            scope.run(() -> {
                // The task blocks in a JDK call; the other thread's call must fail, not race.
                Thread other = new Thread(() -> {
                    try {
                        scope.shield(false);
                    } catch (Throwable e) {
                        error.set(e);
                    }
                });
                other.start();
                other.join();
            });
            assertTrue(scope.shield(), "the failed call changed nothing");
        });
        assertInstanceOf(IllegalStateException.class, error.get());
        assertTrue(error.get().getMessage().contains("CancelScope.shield()"), error.get().getMessage());
        assertTrue(error.get().getMessage().contains("callSoonThreadsafe"), error.get().getMessage());
    }

    @Test
    void theShieldFlagAfterTheScopeEndedChangesNothing() {
        run(() -> {
            CancelScope scope = CancelScope.create();
            scope.run(() -> Asyncio.sleep(Duration.ofMillis(1)));
            scope.shield(true);
            assertTrue(scope.shield());
            assertTrue(scope.toString().contains("shielded"), scope.toString());
            Task<Void> t = Asyncio.createTask(() -> Asyncio.sleep(Duration.ofHours(1)));
            later(1, () -> t.cancel());
            assertTrue(endsCancelled(t), "an ended scope holds nothing");
        });
    }
}
