package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Asyncio.gather and gatherReturnExceptions: asyncio 3.12's gather. */
@org.junit.jupiter.api.Timeout(30)
class GatherTest {

    private static <T> Coroutine<T> after(int millis, T value) {
        return () -> {
            Asyncio.sleep(Duration.ofMillis(millis));
            return value;
        };
    }

    @Test
    void resultsComeInArgumentOrderNotCompletionOrder() {
        List<String> results = Asyncio.run(() -> Asyncio.gather(after(30, "slow"), after(1, "fast"), after(15, "middle")).await());
        assertEquals(List.of("slow", "fast", "middle"), results);
    }

    @Test
    void gatheringFuturesAndTasksKeepsTheirTypes() {
        Asyncio.run(() -> {
            Task<String> a = Asyncio.createTask(after(5, "a"));
            Task<Integer> b = Asyncio.createTask(after(1, 2));
            List<Object> both = Asyncio.<Object>gather(a, b).await();
            assertEquals(List.of("a", 2), both);
            // The idiom for heterogeneous results: await the gather, then read each task.
            assertEquals("a", a.result());
            assertEquals(2, b.result());
        });
    }

    @Test
    void anEmptyGatherIsADoneFutureOfAnEmptyList() {
        Asyncio.run(() -> {
            Future<List<Object>> g = Asyncio.gather(List.<Future<Object>>of());
            assertTrue(g.done());
            assertEquals(List.of(), g.result());
            assertEquals(List.of(), Asyncio.gatherReturnExceptions(List.<Future<Object>>of()).result());
        });
    }

    @Test
    void anEmptyGatherOutsideALoopFailsClearly() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Asyncio.gather(List.<Future<Object>>of()));
        assertTrue(e.getMessage().contains("no running event loop"), e.getMessage());
    }

    @Test
    void theFirstFailurePropagatesAtOnceWhileTheOthersKeepRunning() {
        List<String> events = new ArrayList<>();
        Asyncio.run(() -> {
            Future<Void> release = Asyncio.getRunningLoop().createFuture();
            Task<String> slow = Asyncio.createTask(() -> {
                release.await();
                events.add("slow finished");
                return "slow";
            });
            Task<String> failing = Asyncio.createTask(() -> {
                Asyncio.sleep(Duration.ofMillis(5));
                throw new IllegalStateException("boom");
            });
            Future<List<String>> g = Asyncio.gather(slow, failing);
            IllegalStateException e = assertThrows(IllegalStateException.class, g::await);
            assertEquals("boom", e.getMessage());
            events.add("gather failed");
            assertFalse(slow.done());
            release.setResult(null);
            assertEquals("slow", slow.await());
        });
        assertEquals(List.of("gather failed", "slow finished"), events);
    }

    @Test
    void aCheckedFailureIsWrappedLikeAwaitDoes() {
        Asyncio.run(() -> {
            Future<List<Object>> g = Asyncio.gather(() -> {
                throw new IOException("disk");
            });
            CompletionException e = assertThrows(CompletionException.class, g::await);
            assertInstanceOf(IOException.class, e.getCause());
            assertEquals("disk", e.getCause().getMessage());
        });
    }

    @Test
    void returnExceptionsCollectsEveryOutcomeInArgumentOrder() {
        Asyncio.run(() -> {
            Task<String> ok = Asyncio.createTask(after(10, "ok"));
            Task<String> failed = Asyncio.createTask(() -> {
                throw new IllegalArgumentException("bad");
            });
            Task<String> cancelled = Asyncio.createTask(after(1000, "never"));
            Asyncio.getRunningLoop().callLater(Duration.ofMillis(2), () -> cancelled.cancel("stop"));
            List<Outcome<String>> outcomes = Asyncio.gatherReturnExceptions(ok, failed, cancelled).await();
            assertEquals(3, outcomes.size());
            assertEquals(new Outcome.Success<>("ok"), outcomes.get(0));
            assertInstanceOf(IllegalArgumentException.class, outcomes.get(1).exception());
            assertFalse(outcomes.get(1).succeeded());
            assertTrue(outcomes.get(2).cancelled());
            assertEquals("stop", outcomes.get(2).exception().getMessage());
            assertThrows(IllegalArgumentException.class, () -> outcomes.get(1).result());
            assertEquals("ok", outcomes.get(0).result());
        });
    }

    @Test
    void cancellingTheGatherCancelsEveryChildAndEndsWithCancelledError() {
        List<String> events = new ArrayList<>();
        Asyncio.run(() -> {
            List<Task<String>> children = new ArrayList<>();
            for (String name : List.of("a", "b")) {
                children.add(Asyncio.createTask(() -> {
                    try {
                        Asyncio.sleep(Duration.ofSeconds(10));
                        return name;
                    } catch (CancelledError e) {
                        events.add(name + " cancelled: " + e.getMessage());
                        throw e;
                    }
                }));
            }
            Asyncio.sleep(0);
            Future<List<String>> g = Asyncio.gather(children);
            assertTrue(g.cancel("enough"));
            assertFalse(g.done()); // it waits for the children to finish
            CancelledError e = assertThrows(CancelledError.class, g::await);
            assertEquals("enough", e.getMessage());
            // asyncio sets the CancelledError as the gather's exception: cancelled() stays false.
            assertFalse(g.cancelled());
            assertInstanceOf(CancelledError.class, g.exception());
            assertTrue(children.get(0).cancelled());
            assertTrue(children.get(1).cancelled());
            assertFalse(g.cancel());
        });
        assertEquals(List.of("a cancelled: enough", "b cancelled: enough"), events);
    }

    @Test
    void cancellingTheGatherWithReturnExceptionsStillCancels() {
        // bpo-32684: return_exceptions used to swallow the gather's own cancellation.
        Asyncio.run(() -> {
            Task<String> child = Asyncio.createTask(after(10_000, "x"));
            Future<List<Outcome<String>>> g = Asyncio.gatherReturnExceptions(child);
            Asyncio.sleep(0);
            assertTrue(g.cancel());
            assertThrows(CancelledError.class, g::await);
            assertTrue(child.cancelled());
        });
    }

    @Test
    void cancellingTheTaskThatAwaitsTheGatherCancelsTheChildren() {
        Asyncio.run(() -> {
            Task<String> a = Asyncio.createTask(after(10_000, "a"));
            Task<String> b = Asyncio.createTask(after(10_000, "b"));
            Task<List<String>> waiter = Asyncio.createTask(() -> Asyncio.gather(a, b).await());
            Asyncio.sleep(0);
            waiter.cancel("outer");
            CancelledError e = assertThrows(CancelledError.class, waiter::await);
            assertEquals("outer", e.getMessage());
            assertTrue(waiter.cancelled());
            assertTrue(a.cancelled());
            assertTrue(b.cancelled());
        });
    }

    @Test
    void cancellingOneChildFailsTheGatherButNotTheOthers() {
        Asyncio.run(() -> {
            Task<String> a = Asyncio.createTask(after(10_000, "a"));
            Future<String> b = Asyncio.getRunningLoop().createFuture();
            Future<List<String>> g = Asyncio.gather(a, b);
            Asyncio.sleep(0);
            a.cancel("just a");
            CancelledError e = assertThrows(CancelledError.class, g::await);
            assertEquals("just a", e.getMessage());
            assertFalse(g.cancelled());
            assertFalse(b.cancelled()); // the other child goes on
            b.setResult("b");
            assertEquals("b", b.await());
        });
    }

    @Test
    void gatherOfAnAlreadyCancelledFutureReportsTheCancellationAtOnce() {
        // gh-104144 review: futures already done when gather() is called are counted
        // synchronously once the outer future exists; an already-cancelled one must not be lost.
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<String> cancelled = loop.createFuture();
            cancelled.cancel("before");
            Future<List<String>> g = Asyncio.gather(cancelled);
            assertTrue(g.done());
            assertEquals("before", assertThrows(CancelledError.class, g::result).getMessage());

            Future<String> pending = loop.createFuture();
            Future<List<String>> g2 = Asyncio.gather(cancelled, pending);
            assertTrue(g2.done()); // the first failure counts at once
            assertThrows(CancelledError.class, g2::await);

            Future<List<Outcome<String>>> g3 = Asyncio.gatherReturnExceptions(cancelled, pending);
            assertFalse(g3.done());
            pending.setResult("later");
            List<Outcome<String>> outcomes = g3.await();
            assertTrue(outcomes.get(0).cancelled());
            assertEquals("before", outcomes.get(0).exception().getMessage());
            assertEquals(new Outcome.Success<>("later"), outcomes.get(1));
        });
    }

    @Test
    void gatherOfOnlyDoneFuturesIsDoneAtOnce() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Integer> one = loop.createFuture();
            one.setResult(1);
            Future<Integer> two = loop.createFuture();
            two.setResult(2);
            Future<List<Integer>> g = Asyncio.gather(one, two, one);
            assertTrue(g.done());
            assertEquals(List.of(1, 2, 1), g.result());
        });
    }

    @Test
    void aFutureGivenTwiceIsAwaitedOnceAndAppearsTwice() {
        Asyncio.run(() -> {
            Task<String> t = Asyncio.createTask(after(1, "x"));
            assertEquals(List.of("x", "y", "x"), Asyncio.gather(t, Asyncio.createTask(after(2, "y")), t).await());
        });
    }

    @Test
    void aCoroutineGivenTwiceRunsTwice() {
        int[] runs = {0};
        Coroutine<Integer> counter = () -> ++runs[0];
        List<Integer> results = Asyncio.run(() -> Asyncio.gather(counter, counter).await());
        assertEquals(List.of(1, 2), results);
    }

    @Test
    void theGatherFutureHasNoResultUntilEveryChildIsDone() {
        Asyncio.run(() -> {
            Future<String> f = Asyncio.getRunningLoop().createFuture();
            Future<List<String>> g = Asyncio.gather(f);
            Asyncio.sleep(0);
            assertFalse(g.done());
            assertThrows(InvalidStateError.class, g::result);
            f.setResult("done");
            assertEquals(List.of("done"), g.await());
        });
    }

    @Test
    void futuresOfTwoLoopsCannotBeGathered() {
        try (EventLoop other = new EventLoop()) {
            Future<Integer> foreign = other.createFuture();
            Asyncio.run(() -> {
                Future<Integer> mine = Asyncio.getRunningLoop().createFuture();
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Asyncio.gather(mine, foreign));
                assertTrue(e.getMessage().contains("different loop"), e.getMessage());
                mine.cancel();
            });
        }
    }

    @Test
    void theResultListIsUnmodifiable() {
        List<Integer> results = Asyncio.run(() -> Asyncio.gather(() -> 1).await());
        assertThrows(UnsupportedOperationException.class, () -> results.add(2));
    }

    @Test
    void eachChildIsCountedAtTheReadyQueuePlaceItsDoneCallbackWouldHave() {
        // One shared callback object serves every child; it must still run where a per-child
        // done callback would: after the callbacks registered before the gather, before those
        // registered after it, one child per turn, in the order the children finished.
        List<String> seen = new ArrayList<>();
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<String> f1 = loop.createFuture();
            Future<String> f2 = loop.createFuture();
            Future<List<String>>[] outer = new Future[1];
            f1.addDoneCallback(x -> seen.add("A1 " + outer[0].done()));
            f2.addDoneCallback(x -> seen.add("A2 " + outer[0].done()));
            outer[0] = Asyncio.gather(f1, f2);
            f1.addDoneCallback(x -> seen.add("B1 " + outer[0].done()));
            f2.addDoneCallback(x -> seen.add("B2 " + outer[0].done()));
            loop.callSoon(() -> {
                f1.setResult("one");
                f2.setException(new IllegalStateException("two failed"));
            });
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> outer[0].await());
            assertEquals("two failed", e.getMessage());
        });
        assertEquals(List.of("A1 false", "B1 false", "A2 false", "B2 true"), seen);
    }

    @Test
    void tenThousandCoroutineChildrenAreAllCountedInArgumentOrder() {
        int n = 10_000;
        List<Coroutine<Integer>> coros = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            // Half finish in their first step, half after yielding: both ways of being counted.
            coros.add(() -> {
                if (k % 2 == 1) Asyncio.sleep(Duration.ZERO);
                return k;
            });
        }
        List<Integer> results = Asyncio.run(() -> Asyncio.gather(coros).await());
        assertEquals(n, results.size());
        for (int i = 0; i < n; i++) assertEquals(i, results.get(i));
    }

    @Test
    void aGatherStartedFromAnotherThreadFailsWithoutStartingAnything() throws Exception {
        EventLoop loop = new EventLoop();
        try {
            Future<String> f = loop.createFuture();
            Throwable[] thrown = new Throwable[1];
            loop.runUntilComplete(() -> {
                Thread other = Thread.ofPlatform().start(() -> {
                    try {
                        Asyncio.gather(f);
                    } catch (Throwable t) {
                        thrown[0] = t;
                    }
                });
                other.join();
                f.setResult("done");
                return null;
            });
            IllegalStateException e = assertInstanceOf(IllegalStateException.class, thrown[0]);
            assertTrue(e.getMessage().contains("callSoonThreadsafe"), e.getMessage());
        } finally {
            loop.close();
        }
    }
}
