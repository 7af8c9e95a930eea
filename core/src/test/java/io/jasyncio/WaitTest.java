package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Asyncio.wait: asyncio 3.12's wait with FIRST_COMPLETED, FIRST_EXCEPTION and ALL_COMPLETED. */
@org.junit.jupiter.api.Timeout(30)
class WaitTest {

    private static Task<String> after(int millis, String value) {
        return Asyncio.createTask(() -> {
            Asyncio.sleep(Duration.ofMillis(millis));
            return value;
        });
    }

    private static Task<String> failingAfter(int millis, RuntimeException e) {
        return Asyncio.createTask(() -> {
            Asyncio.sleep(Duration.ofMillis(millis));
            throw e;
        });
    }

    @Test
    void allCompletedWaitsForEveryFutureAndKeepsTheirOrder() {
        Asyncio.run(() -> {
            Task<String> b = after(20, "b");
            Task<String> a = after(1, "a");
            Task<String> failed = failingAfter(5, new IllegalStateException("x"));
            WaitResult<Task<String>> r = Asyncio.wait(List.of(b, a, failed));
            assertEquals(List.of(b, a, failed), List.copyOf(r.done()));
            assertEquals(Set.of(), r.pending());
            // wait never raises what the futures raised
            assertInstanceOf(IllegalStateException.class, failed.exception());
        });
    }

    @Test
    void firstCompletedReturnsWhenOneIsDoneAndLeavesTheOthersRunning() {
        Asyncio.run(() -> {
            Future<Void> release = Asyncio.getRunningLoop().createFuture();
            Task<String> slow = Asyncio.createTask(() -> {
                release.await();
                return "slow";
            });
            Task<String> fast = after(1, "fast");
            WaitResult<Task<String>> r = Asyncio.wait(List.of(slow, fast), null, ReturnWhen.FIRST_COMPLETED);
            assertEquals(Set.of(fast), r.done());
            assertEquals(Set.of(slow), r.pending());
            release.setResult(null);
            assertEquals("slow", slow.await()); // left running
        });
    }

    @Test
    void firstExceptionReturnsOnTheFirstFailureAndIgnoresCancellations() {
        Asyncio.run(() -> {
            Task<String> cancelled = after(10_000, "c");
            Task<String> failing = failingAfter(10, new IllegalArgumentException("bad"));
            Task<String> slow = after(10_000, "slow");
            Asyncio.getRunningLoop().callLater(Duration.ofMillis(1), () -> cancelled.cancel());
            WaitResult<Task<String>> r = Asyncio.wait(List.of(cancelled, failing, slow), null, ReturnWhen.FIRST_EXCEPTION);
            assertEquals(List.of(cancelled, failing), List.copyOf(r.done()));
            assertEquals(Set.of(slow), r.pending());
            slow.cancel();
        });
    }

    @Test
    void firstExceptionWithoutAnyFailureWaitsForAll() {
        Asyncio.run(() -> {
            Task<String> a = after(1, "a");
            Task<String> b = after(15, "b");
            WaitResult<Task<String>> r = Asyncio.wait(List.of(a, b), null, ReturnWhen.FIRST_EXCEPTION);
            assertEquals(Set.of(a, b), r.done());
            assertEquals(Set.of(), r.pending());
        });
    }

    @Test
    void aTimeoutReturnsThePendingFuturesStillRunning() {
        Asyncio.run(() -> {
            Future<String> fast = Asyncio.getRunningLoop().createFuture();
            fast.setResult("fast");
            Future<Void> release = Asyncio.getRunningLoop().createFuture();
            Task<String> slow = Asyncio.createTask(() -> {
                release.await();
                return "slow";
            });
            long t0 = System.nanoTime();
            WaitResult<Future<String>> r = Asyncio.wait(List.of(fast, slow), Duration.ofMillis(30));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 25 && ms < 2_000, "returned after " + ms + " ms");
            assertEquals(Set.of(fast), r.done());
            assertEquals(Set.of(slow), r.pending());
            assertFalse(slow.done());
            release.setResult(null);
            assertEquals("slow", slow.await()); // a timeout cancels nothing
        });
    }

    @Test
    void aZeroOrNegativeTimeoutReturnsAfterOneTurnOfTheLoop() {
        Asyncio.run(() -> {
            Future<String> done = Asyncio.getRunningLoop().createFuture();
            done.setResult("d");
            Task<String> slow = after(10_000, "slow");
            for (Duration timeout : List.of(Duration.ZERO, Duration.ofSeconds(-5))) {
                WaitResult<Future<String>> r = Asyncio.wait(List.of(done, slow), timeout);
                assertEquals(Set.of(done), r.done());
                assertEquals(Set.of(slow), r.pending());
            }
            slow.cancel();
        });
    }

    @Test
    void anEmptyCollectionIsRejected() {
        Asyncio.run(() -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Asyncio.wait(List.<Future<?>>of()));
            assertEquals("Set of Tasks/Futures is empty.", e.getMessage());
        });
    }

    @Test
    void duplicatesCountOnce() {
        Asyncio.run(() -> {
            Task<String> a = after(1, "a");
            WaitResult<Task<String>> r = Asyncio.wait(List.of(a, a, a));
            assertEquals(Set.of(a), r.done());
        });
    }

    @Test
    void cancellingTheWaitingTaskCancelsNoneOfTheFutures() {
        Asyncio.run(() -> {
            Task<String> a = after(30, "a");
            Task<WaitResult<Task<String>>> waiter = Asyncio.createTask(() -> Asyncio.wait(List.of(a)));
            Asyncio.sleep(0);
            waiter.cancel();
            assertThrows(CancelledError.class, waiter::await);
            assertFalse(a.cancelled());
            assertEquals("a", a.await());
        });
    }

    @Test
    void futuresOfAnotherLoopAreRejected() {
        try (EventLoop other = new EventLoop()) {
            Future<Integer> foreign = other.createFuture();
            Asyncio.run(() -> {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Asyncio.wait(List.of(foreign)));
                assertTrue(e.getMessage().contains("another event loop"), e.getMessage());
            });
        }
    }

    @Test
    void theResultSetsAreUnmodifiable() {
        Asyncio.run(() -> {
            Task<String> a = after(1, "a");
            WaitResult<Task<String>> r = Asyncio.wait(List.of(a));
            assertThrows(UnsupportedOperationException.class, () -> r.done().clear());
            assertThrows(UnsupportedOperationException.class, () -> r.pending().add(a));
        });
    }
}
