package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.sync.Queue;
import io.jasyncio.time.Interval;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** VirtualClock.runUntilIdle() and advanceBy(): the caller decides how far time moves. */
@Timeout(30)
class VirtualTimeStepsTest {

    private static void run(AsyncRunnable body) {
        Asyncio.run(body, RunOptions.defaults().virtualTime(true));
    }

    private static VirtualClock clock() {
        return Asyncio.getRunningLoop().getVirtualClock();
    }

    @Test
    void runUntilIdleRunsEverythingThatCanRunWithoutMovingTime() {
        run(() -> {
            Queue<Integer> q = new Queue<>();
            List<Integer> done = new ArrayList<>();
            Task<Void> worker = Asyncio.createTask(() -> {
                while (true) {
                    int x = q.get();
                    Asyncio.sleep(Duration.ZERO);   // several steps per item
                    Asyncio.sleep(Duration.ZERO);
                    done.add(x);
                }
            });
            Task<Void> sleeper = Asyncio.createTask(() -> Asyncio.sleep(Duration.ofSeconds(5)));
            for (int i = 0; i < 3; i++) q.putNowait(i);
            double t0 = Asyncio.getRunningLoop().time();
            clock().runUntilIdle();
            assertEquals(List.of(0, 1, 2), done, "every item processed");
            assertEquals(t0, Asyncio.getRunningLoop().time(), "time did not move");
            assertFalse(sleeper.done(), "the sleeper still waits for its timer");
            worker.cancel();
            sleeper.cancel();
        });
    }

    @Test
    void advanceByFiresEachTimerAtItsOwnTimeInOrder() {
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            double t0 = loop.time();
            List<String> log = new ArrayList<>();
            Interval iv = Interval.of(Duration.ofSeconds(1));
            Task<Void> ticker = Asyncio.createTask(() -> {
                while (true) log.add(String.format("tick %.1f", iv.tick() - t0));
            });
            Task<Void> chain = Asyncio.createTask(() -> {
                Asyncio.sleep(Duration.ofMillis(1500));
                log.add(String.format("chain A %.1f", loop.time() - t0));
                Asyncio.sleep(Duration.ofMillis(1000)); // scheduled by a timer that fired on the way
                log.add(String.format("chain B %.1f", loop.time() - t0));
            });
            clock().advanceBy(Duration.ofMillis(3500));
            assertEquals(3.5, loop.time() - t0, 1e-9);
            assertEquals(List.of("tick 0.0", "tick 1.0", "chain A 1.5", "tick 2.0", "chain B 2.5", "tick 3.0"), log);
            assertTrue(chain.done());
            ticker.cancel();
        });
    }

    @Test
    void misuseFailsPrecisely() {
        VirtualClock unbound = new VirtualClock();
        IllegalStateException e = assertThrows(IllegalStateException.class, unbound::runUntilIdle);
        assertTrue(e.getMessage().startsWith("VirtualClock.runUntilIdle() needs the clock's loop"), e.getMessage());
        run(() -> assertThrows(IllegalArgumentException.class, () -> clock().advanceBy(Duration.ofMillis(-1))));
    }
}
