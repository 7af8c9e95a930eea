package io.jasyncio.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

class AsyncTestTest {

    @AsyncTest
    void theTestRunsAsATaskOfTheInjectedLoop(EventLoop loop) {
        assertSame(loop, Asyncio.getRunningLoop());
        assertNotNull(Asyncio.currentTask());
        assertEquals(null, loop.getVirtualClock());
    }

    @AsyncTest(virtualTime = true)
    void anHourOfSleepTakesNoRealTime(EventLoop loop, VirtualClock clock) {
        long t0 = System.nanoTime();
        Asyncio.sleep(Duration.ofHours(1));
        assertEquals(3600.0, loop.time(), 1e-9);
        assertEquals(Duration.ofHours(1), clock.elapsed());
        // Real time is the subject here: far less than the hour, with room for a loaded machine.
        long realNanos = System.nanoTime() - t0;
        assertTrue(realNanos < Duration.ofMinutes(1).toNanos(), "an hour of virtual sleep took " + realNanos / 1_000_000 + " ms");
    }

    @AsyncTest(virtualTime = true)
    void concurrentSleepersWakeInDeadlineOrder() {
        List<String> order = new ArrayList<>();
        Task<Void> slow = Asyncio.createTask(() -> {
            Asyncio.sleep(Duration.ofMinutes(30));
            order.add("slow");
        });
        Task<Void> fast = Asyncio.createTask(() -> {
            Asyncio.sleep(Duration.ofMinutes(10));
            order.add("fast");
        });
        Asyncio.gather(slow, fast).await();
        assertEquals(List.of("fast", "slow"), order);
    }

    @AsyncTest
    void awaitedChildrenAndRetrievedFailuresPassTheChecks() {
        Task<Integer> ok = Asyncio.createTask(() -> 1);
        Task<Integer> bad = Asyncio.createTask(() -> {
            throw new IllegalStateException("expected");
        });
        assertEquals(1, ok.await());
        assertThrows(IllegalStateException.class, bad::await);
    }

    @AsyncTest
    void cancelledTasksPassTheChecks() {
        Task<Void> t = Asyncio.createTask(() -> Asyncio.sleep(Duration.ofHours(1)));
        Asyncio.sleep(0);
        t.cancel();
        Asyncio.sleep(0);
        assertTrue(t.cancelled());
    }

    @AsyncTest(debug = true)
    void debugModeCanBeRequested(EventLoop loop) {
        assertTrue(loop.getDebug());
    }
}
