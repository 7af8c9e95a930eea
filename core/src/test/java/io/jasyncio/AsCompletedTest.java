package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** Asyncio.asCompleted: asyncio's as_completed (3.13 iteration of the original futures). */
@org.junit.jupiter.api.Timeout(30)
class AsCompletedTest {

    private static Task<String> after(int millis, String value) {
        return Asyncio.createTask(() -> {
            Asyncio.sleep(Duration.ofMillis(millis));
            return value;
        });
    }

    @Test
    void futuresComeInCompletionOrder() {
        List<String> order = Asyncio.run(() -> {
            List<Task<String>> tasks = List.of(after(30, "slow"), after(1, "fast"), after(15, "middle"));
            List<String> out = new ArrayList<>();
            for (Task<String> t : Asyncio.asCompleted(tasks)) {
                assertTrue(t.done());
                assertTrue(tasks.contains(t)); // the original futures are handed out
                out.add(t.await());
            }
            return out;
        });
        assertEquals(List.of("fast", "middle", "slow"), order);
    }

    @Test
    void failuresAndCancellationsAreHandedOutLikeResults() {
        Asyncio.run(() -> {
            Task<String> failing = Asyncio.createTask(() -> {
                throw new IllegalStateException("bad");
            });
            Task<String> cancelled = after(10_000, "never");
            Task<String> ok = after(20, "ok");
            Asyncio.getRunningLoop().callLater(Duration.ofMillis(5), () -> cancelled.cancel());
            AsCompleted<Task<String>> it = Asyncio.asCompleted(List.of(ok, cancelled, failing));
            assertThrows(IllegalStateException.class, () -> it.next().await());
            assertThrows(CancelledError.class, () -> it.next().await());
            assertEquals("ok", it.next().await());
            assertFalse(it.hasNext());
            assertThrows(NoSuchElementException.class, it::next);
        });
    }

    @Test
    void aTimeoutFailsEveryRemainingNextButCancelsNothing() {
        Asyncio.run(() -> {
            Future<String> fast = Asyncio.getRunningLoop().createFuture();
            fast.setResult("fast"); // its completion is queued before the timeout can fire
            Task<String> slow1 = after(10_000, "slow1");
            Task<String> slow2 = after(10_000, "slow2");
            AsCompleted<Future<String>> it = Asyncio.asCompleted(List.of(slow1, fast, slow2), Duration.ofMillis(30));
            assertSame(fast, it.next());
            long t0 = System.nanoTime();
            assertThrows(TimeoutError.class, it::next);
            assertTrue(System.nanoTime() - t0 < 8_000_000_000L); // the 10 s sleep did not run out
            assertTrue(it.hasNext());
            assertThrows(TimeoutError.class, it::next);
            assertFalse(it.hasNext());
            assertFalse(slow1.cancelled());
            assertFalse(slow2.done());
            slow1.cancel();
            slow2.cancel();
        });
    }

    @Test
    void completionsBeforeTheTimeoutAreStillHandedOutAfterIt() {
        Asyncio.run(() -> {
            Future<String> a = Asyncio.getRunningLoop().createFuture();
            Task<String> slow = after(10_000, "slow");
            AsCompleted<Future<String>> it = Asyncio.asCompleted(List.of(a, slow), Duration.ofMillis(1));
            a.setResult("a"); // completes before the timeout fires
            Asyncio.sleep(Duration.ofMillis(20)); // both the completion and the timeout happened
            assertSame(a, it.next());
            assertThrows(TimeoutError.class, it::next);
            slow.cancel();
        });
    }

    @Test
    void aZeroTimeoutExpiresAtTheNextTurn() {
        Asyncio.run(() -> {
            Future<String> done = Asyncio.getRunningLoop().createFuture();
            done.setResult("d");
            Task<String> slow = after(10_000, "slow");
            AsCompleted<Future<String>> it = Asyncio.asCompleted(List.of(done, slow), Duration.ZERO);
            assertSame(done, it.next()); // its callback was scheduled before the timeout
            assertThrows(TimeoutError.class, it::next);
            slow.cancel();
        });
    }

    @Test
    void anEmptyCollectionGivesNothing() {
        Asyncio.run(() -> {
            AsCompleted<Future<Object>> it = Asyncio.asCompleted(List.of(), Duration.ofMillis(1));
            assertFalse(it.hasNext());
            assertThrows(NoSuchElementException.class, it::next);
        });
    }

    @Test
    void duplicatesCountOnce() {
        Asyncio.run(() -> {
            Task<String> a = after(1, "a");
            AsCompleted<Task<String>> it = Asyncio.asCompleted(List.of(a, a));
            assertSame(a, it.next());
            assertFalse(it.hasNext());
        });
    }

    @Test
    void aWaiterCancelledAfterBeingWokenPassesTheFutureOnToTheNextWaiter() {
        // asyncio's Queue.get: a woken getter that is cancelled before it runs wakes the next.
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<String> f = loop.createFuture();
            Future<String> g = loop.createFuture();
            AsCompleted<Future<String>> it = Asyncio.asCompleted(List.of(f, g));
            Task<Future<String>> w1 = Asyncio.createTask(it::next);
            Task<Future<String>> w2 = Asyncio.createTask(it::next);
            Asyncio.sleep(0); // both wait
            loop.callSoon(() -> {
                f.setResult("x"); // hands f to w1...
                loop.callSoon(() -> w1.cancel()); // ...which is cancelled before it runs
            });
            assertThrows(CancelledError.class, w1::await);
            assertSame(f, w2.await());
            assertFalse(it.hasNext()); // turns are counted when next() is called
            g.cancel();
        });
    }

    @Test
    void twoTasksWaitingTogetherEachGetOne() {
        Asyncio.run(() -> {
            Task<String> a = after(5, "a");
            Task<String> b = after(10, "b");
            AsCompleted<Task<String>> it = Asyncio.asCompleted(List.of(a, b));
            Task<Task<String>> w1 = Asyncio.createTask(it::next);
            Task<Task<String>> w2 = Asyncio.createTask(it::next);
            assertSame(a, w1.await());
            assertSame(b, w2.await());
        });
    }

    @Test
    void futuresOfAnotherLoopAreRejected() {
        try (EventLoop other = new EventLoop()) {
            Future<String> foreign = other.createFuture();
            Asyncio.run(() -> {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Asyncio.asCompleted(List.of(foreign)));
                assertTrue(e.getMessage().contains("another event loop"), e.getMessage());
            });
        }
    }
}
