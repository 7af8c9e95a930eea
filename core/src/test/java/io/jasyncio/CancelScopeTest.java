package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CancelScopeTest {

    private static void run(AsyncRunnable body) {
        Asyncio.run(body, RunOptions.defaults().virtualTime(true));
    }

    @Test
    void timeoutOrNullReturnsTheValueInTimeAndNullOtherwise() {
        run(() -> {
            assertEquals("fast", CancelScope.timeoutOrNull(Duration.ofSeconds(1), () -> Asyncio.sleep(Duration.ofMillis(10), "fast")));
            double start = Asyncio.getRunningLoop().time();
            assertNull(CancelScope.timeoutOrNull(Duration.ofSeconds(1), () -> Asyncio.sleep(Duration.ofHours(1), "slow")));
            assertEquals(1.0, Asyncio.getRunningLoop().time() - start, 0.01);
            assertEquals(0, Asyncio.currentTask().cancelling(), "the scope withdrew its request");
        });
    }

    @Test
    void moveOnAfterSaysWhetherItStoppedTheBody() {
        run(() -> {
            CancelScope stopped = CancelScope.moveOnAfter(Duration.ofMillis(5), () -> Asyncio.sleep(Duration.ofHours(1)));
            assertTrue(stopped.cancelledCaught());
            assertTrue(stopped.cancelCalled());
            CancelScope finished = CancelScope.moveOnAfter(Duration.ofSeconds(5), () -> Asyncio.sleep(Duration.ofMillis(1)));
            assertFalse(finished.cancelledCaught());
            assertFalse(finished.cancelCalled());
            Asyncio.sleep(Duration.ofSeconds(10)); // the withdrawn deadline never fires
        });
    }

    @Test
    void cancelFromAnotherTaskStopsTheBodyQuietly() {
        run(() -> {
            CancelScope scope = CancelScope.create();
            assertEquals(Double.POSITIVE_INFINITY, scope.deadline());
            Asyncio.getRunningLoop().callLater(Duration.ofMillis(10), scope::cancel);
            List<String> log = new ArrayList<>();
            String r = scope.call(() -> {
                log.add("start");
                Asyncio.sleep(Duration.ofHours(1));
                log.add("not reached");
                return "x";
            });
            assertNull(r);
            assertEquals(List.of("start"), log);
            assertTrue(scope.cancelledCaught());
            scope.cancel(); // after the end: nothing
        });
    }

    @Test
    void aScopeCancelledBeforeEntryCancelsTheBodyAtItsFirstSuspension() {
        run(() -> {
            CancelScope scope = CancelScope.create();
            scope.cancel();
            List<String> log = new ArrayList<>();
            scope.run(() -> {
                log.add("runs until it suspends");
                Asyncio.sleep(Duration.ZERO);
                log.add("not reached");
            });
            assertEquals(List.of("runs until it suspends"), log);
            assertTrue(scope.cancelledCaught());
        });
    }

    @Test
    void theDeadlineCanMoveLaterEarlierOrAway() {
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            CancelScope later = CancelScope.after(Duration.ofMillis(10));
            later.run(() -> {
                later.setDeadline(loop.time() + 1);
                Asyncio.sleep(Duration.ofMillis(500));
            });
            assertFalse(later.cancelledCaught(), "moved past the body's end");
            CancelScope earlier = CancelScope.after(Duration.ofHours(1));
            double t0 = loop.time();
            earlier.run(() -> {
                earlier.setDeadline(loop.time() + 0.05);
                Asyncio.sleep(Duration.ofHours(1));
            });
            assertTrue(earlier.cancelledCaught());
            assertEquals(0.05, loop.time() - t0, 0.01);
            CancelScope away = CancelScope.after(Duration.ofMillis(10));
            away.run(() -> {
                away.setDeadline(Double.POSITIVE_INFINITY);
                Asyncio.sleep(Duration.ofSeconds(1));
            });
            assertFalse(away.cancelledCaught());
            assertThrows(IllegalArgumentException.class, () -> away.setDeadline(Double.NaN));
        });
    }

    @Test
    void aCancellationFromOutsideGoesThroughTheScopeUnchanged() {
        run(() -> {
            CancelScope[] scope = new CancelScope[1];
            Task<Void> t = Asyncio.createTask(() -> {
                scope[0] = CancelScope.after(Duration.ofHours(1));
                scope[0].run(() -> Asyncio.sleep(Duration.ofHours(2)));
            });
            Asyncio.sleep(Duration.ZERO);
            t.cancel("from outside");
            CancelledError e = assertThrows(CancelledError.class, t::await);
            assertEquals("from outside", e.getMessage());
            assertFalse(scope[0].cancelledCaught());
        });
    }

    @Test
    void bothTheScopeAndAnOutsiderCancellingLetsTheCancellationGoOn() {
        run(() -> {
            CancelScope scope = CancelScope.create();
            Task<Void> t = Asyncio.createTask(() -> scope.run(() -> Asyncio.sleep(Duration.ofHours(1))));
            Asyncio.sleep(Duration.ZERO);
            scope.cancel();
            t.cancel("outsider");
            assertThrows(CancelledError.class, t::await);
            assertFalse(scope.cancelledCaught(), "a request that is not the scope's own remained");
        });
    }

    @Test
    void nestedInATimeoutEachCatchesOnlyItsOwn() {
        run(() -> {
            // Inner scope fires first: swallowed inside, the timeout never fires.
            String r = Asyncio.timeout(Duration.ofSeconds(10), () -> {
                assertNull(CancelScope.timeoutOrNull(Duration.ofMillis(10), () -> Asyncio.sleep(Duration.ofHours(1), "x")));
                return "outer body went on";
            });
            assertEquals("outer body went on", r);
            // Outer timeout fires first: the scope lets it through, the timeout turns it into TimeoutError.
            CancelScope[] inner = new CancelScope[1];
            assertThrows(TimeoutError.class, () -> Asyncio.timeout(Duration.ofMillis(10), () -> {
                inner[0] = CancelScope.after(Duration.ofHours(1));
                inner[0].run(() -> Asyncio.sleep(Duration.ofHours(2)));
            }));
            assertFalse(inner[0].cancelledCaught());
            // A timeout inside a scope that fires first: the scope swallows it; a timeout firing
            // inside is the timeout's.
            assertNull(CancelScope.timeoutOrNull(Duration.ofMillis(10),
                    () -> Asyncio.timeout(Duration.ofHours(1), () -> Asyncio.sleep(Duration.ofHours(2), "y"))));
            assertThrows(TimeoutError.class, () -> CancelScope.timeoutOrNull(Duration.ofHours(1),
                    () -> Asyncio.timeout(Duration.ofMillis(10), () -> Asyncio.sleep(Duration.ofHours(2), "z"))));
            assertEquals(0, Asyncio.currentTask().cancelling());
        });
    }

    @Test
    void aroundATaskGroupTheChildrenAreCancelledAndTheScopeEndsQuietly() {
        run(() -> {
            List<Task<?>> kids = new ArrayList<>();
            CancelScope scope = CancelScope.moveOnAfter(Duration.ofMillis(10), () -> TaskGroup.run(tg -> {
                kids.add(tg.createTask(() -> Asyncio.sleep(Duration.ofHours(1))));
                kids.add(tg.createTask(() -> Asyncio.sleep(Duration.ofHours(1))));
            }));
            assertTrue(scope.cancelledCaught());
            assertTrue(kids.stream().allMatch(Task::cancelled));
            // And a scope inside a group whose child fails lets the group's cancellation through.
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                tg.createTask(() -> {
                    Asyncio.sleep(Duration.ofMillis(5));
                    throw new IllegalStateException("child failed");
                });
                CancelScope inner = CancelScope.after(Duration.ofHours(1));
                inner.run(() -> Asyncio.sleep(Duration.ofHours(2)));
                fail("the group's cancellation must not be swallowed by the scope");
            }));
            assertEquals("child failed", eg.exceptions().get(0).getMessage());
        });
    }

    @Test
    void aBodyThatCatchesTheCancellationKeepsItsValue() {
        run(() -> {
            CancelScope scope = CancelScope.after(Duration.ofMillis(5));
            String r = scope.call(() -> {
                try {
                    Asyncio.sleep(Duration.ofHours(1));
                } catch (CancelledError e) {
                    return "caught";
                }
                return "not reached";
            });
            assertEquals("caught", r);
            assertTrue(scope.cancelCalled());
            assertFalse(scope.cancelledCaught());
            assertEquals(0, Asyncio.currentTask().cancelling());
        });
    }

    @Test
    void misuseFailsPrecisely() {
        IllegalStateException noLoop = assertThrows(IllegalStateException.class, () -> CancelScope.create().run(() -> {}));
        assertTrue(noLoop.getMessage().startsWith("CancelScope must be used inside a task"), noLoop.getMessage());
        run(() -> {
            CancelScope scope = CancelScope.create();
            scope.run(() -> {});
            IllegalStateException twice = assertThrows(IllegalStateException.class, () -> scope.run(() -> {}));
            assertEquals("CancelScope has already been entered: a scope runs one body, once", twice.getMessage());
            assertThrows(IllegalArgumentException.class, () -> CancelScope.at(Double.NaN));
        });
    }
}
