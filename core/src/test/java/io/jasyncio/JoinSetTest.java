package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class JoinSetTest {

    /** Virtual time: the sleeps below order completions without costing wall-clock time. */
    private static void run(AsyncRunnable body) {
        Asyncio.run(body, RunOptions.defaults().virtualTime(true));
    }

    @Test
    void joinNextHandsOutTasksInCompletionOrderAndNullWhenEmpty() {
        run(() -> {
            JoinSet<String> set = new JoinSet<>();
            assertNull(set.joinNext(), "an empty set returns null at once");
            set.spawn(() -> Asyncio.sleep(Duration.ofMillis(30), "slow"));
            set.spawn(() -> Asyncio.sleep(Duration.ofMillis(10), "fast"));
            set.spawn(() -> Asyncio.sleep(Duration.ofMillis(20), "middle"));
            assertEquals(3, set.size());
            List<String> order = new ArrayList<>();
            Task<String> t;
            while ((t = set.joinNext()) != null) order.add(t.result());
            assertEquals(List.of("fast", "middle", "slow"), order);
            assertTrue(set.isEmpty());
        });
    }

    @Test
    void oneFailureCancelsNothingAndComesOutWithItsTask() {
        run(() -> {
            JoinSet<Integer> set = new JoinSet<>();
            Task<Integer> failing = set.spawn(() -> {
                throw new IllegalArgumentException("bad");
            });
            Task<Integer> checked = set.spawn(() -> {
                throw new java.io.IOException("io");
            });
            Task<Integer> ok = set.spawn(() -> Asyncio.sleep(Duration.ofMillis(10), 1));
            List<Task<Integer>> out = List.of(set.joinNext(), set.joinNext(), set.joinNext());
            assertEquals(List.of(failing, checked, ok), out);
            assertEquals("bad", assertThrows(IllegalArgumentException.class, failing::result).getMessage());
            assertInstanceOf(java.io.IOException.class, assertThrows(CompletionException.class, checked::result).getCause());
            assertEquals(1, ok.result(), "the sibling ran to its end");
        });
    }

    @Test
    void cancelAllCancelsTheRunningTasksWhichStillComeOut() {
        run(() -> {
            JoinSet<Void> set = new JoinSet<>();
            set.spawn(() -> Asyncio.sleep(Duration.ofHours(1), null));
            set.spawn(() -> Asyncio.sleep(Duration.ofHours(1), null));
            Asyncio.sleep(Duration.ZERO);
            set.cancelAll();
            assertEquals(2, set.size());
            assertTrue(set.joinNext().cancelled());
            assertTrue(set.joinNext().cancelled());
            assertNull(set.joinNext());
        });
    }

    @Test
    void shutdownWaitsForEveryTaskAndReportsAFailureInsteadOfDroppingIt() {
        List<ErrorContext> reports = new ArrayList<>();
        run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> reports.add(ctx));
            JoinSet<Void> set = new JoinSet<>();
            set.spawn(() -> Asyncio.sleep(Duration.ofHours(1), null));
            set.spawn(() -> {
                try {
                    Asyncio.sleep(Duration.ofHours(1));
                } finally {
                    throw new IllegalStateException("failed while cancelled");
                }
            });
            Asyncio.sleep(Duration.ZERO);
            set.shutdown();
            assertTrue(set.isEmpty());
        });
        assertEquals(1, reports.size());
        assertEquals("failed while cancelled", reports.get(0).exception().getMessage());
        assertTrue(reports.get(0).message().startsWith("JoinSet.shutdown() dropped the failure of"), reports.get(0).message());
    }

    @Test
    void aJoinerCancelledAfterItWasWokenTakesNoTaskAndPassesTheWakeUpOn() {
        run(() -> {
            JoinSet<String> set = new JoinSet<>();
            Future<String> gate = Asyncio.getRunningLoop().createFuture();
            Task<String> child = set.spawn(gate::await);
            Task<Task<String>> j1 = Asyncio.createTask(set::joinNext);
            Task<Task<String>> j2 = Asyncio.createTask(set::joinNext);
            Asyncio.sleep(Duration.ZERO); // both joiners wait, j1 first
            // Done callbacks run in the order added: the set's own wakes j1, this one then
            // cancels j1 after it was woken and before it runs.
            child.addDoneCallback(f -> j1.cancel());
            gate.setResult("x");
            assertThrows(CancelledError.class, j1::await);
            assertSame(child, j2.await());
        });
    }

    @Test
    void tryJoinNextDoesNotWait() {
        run(() -> {
            JoinSet<String> set = new JoinSet<>();
            set.spawn(() -> Asyncio.sleep(Duration.ofMillis(10), "x"));
            assertNull(set.tryJoinNext());
            Asyncio.sleep(Duration.ofMillis(20));
            assertEquals("x", set.tryJoinNext().result());
        });
    }

    @Test
    void aJoinSetNeedsALoopAndItsThread() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class, JoinSet::new);
        assertTrue(e.getMessage().contains("no running event loop"), e.getMessage());
        Asyncio.run(() -> {
            JoinSet<Void> set = new JoinSet<>();
            IllegalStateException other = Asyncio.toThread(() -> assertThrows(IllegalStateException.class, () -> set.spawn(() -> null)));
            assertTrue(other.getMessage().startsWith("JoinSet.spawn() was called from thread"), other.getMessage());
            assertTrue(other.getMessage().contains("callSoonThreadsafe"), other.getMessage());
            assertTrue(set.isEmpty());
        });
    }
}
