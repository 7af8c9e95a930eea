package io.jasyncio.internal;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loop's brief spin for an expected cross-thread offer (a hop in flight) before it sleeps. */
@Timeout(60)
class InboxSpinTest {
    private static final long LONG_SPIN = TimeUnit.SECONDS.toNanos(30);

    @Test
    void anExpectedOfferCaughtBySpinningLeavesNoWakeupBehind() throws Exception {
        try (Selector selector = Selector.open()) {
            Inbox<Integer> inbox = new Inbox<>(selector, LONG_SPIN);
            inbox.expect();
            CountDownLatch selecting = new CountDownLatch(1);
            Thread producer = Thread.ofPlatform().start(() -> {
                try {
                    selecting.await();
                } catch (InterruptedException e) {
                    return;
                }
                inbox.offer(7);
            });
            selecting.countDown();
            long t0 = System.nanoTime();
            inbox.select(-1); // spins (30 s at most) until the offer lands, never arms the selector
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20), "the spin did not see the offer");
            producer.join();
            ArrayDeque<Integer> ready = new ArrayDeque<>();
            inbox.drainTo(ready);
            assertEquals(7, ready.poll());
            assertEquals(0, inbox.misses());
            // The producer found the loop unarmed, so it did not call wakeup(): a pending
            // wake-up would make this 150 ms select return at once.
            inbox.arrived();
            long t1 = System.nanoTime();
            inbox.select(TimeUnit.MILLISECONDS.toNanos(150));
            assertTrue(System.nanoTime() - t1 >= TimeUnit.MILLISECONDS.toNanos(100), "a wake-up was left pending");
        }
    }

    @Test
    void aLoopExpectingNothingSleepsWithoutSpinning() throws Exception {
        try (Selector selector = Selector.open()) {
            Inbox<Integer> inbox = new Inbox<>(selector, LONG_SPIN);
            long cpu0 = ProcCpu.currentThread();
            long t0 = System.nanoTime();
            inbox.select(TimeUnit.MILLISECONDS.toNanos(300));
            long wall = System.nanoTime() - t0;
            long cpu = ProcCpu.currentThread() - cpu0;
            assertTrue(wall >= TimeUnit.MILLISECONDS.toNanos(250), "returned early: " + wall / 1e6 + " ms");
            assertTrue(cpu < TimeUnit.MILLISECONDS.toNanos(100), "burned " + cpu / 1e6 + " ms of CPU while idle");
        }
    }

    @Test
    void aSpinNeverOutlastsTheSelectTimeout() throws Exception {
        assumeTrue(Inbox.SPARE_CORES_LIMIT > 1, "the loop spins only with a core to spare");
        try (Selector selector = Selector.open()) {
            Inbox<Integer> inbox = new Inbox<>(selector, LONG_SPIN);
            inbox.expect();
            long t0 = System.nanoTime();
            inbox.select(TimeUnit.MILLISECONDS.toNanos(200));
            long wall = System.nanoTime() - t0;
            assertTrue(wall < TimeUnit.SECONDS.toNanos(10), "spun past the timeout: " + wall / 1e6 + " ms");
            assertEquals(1, inbox.misses());
        }
    }

    @Test
    void afterRepeatedEmptySpinsTheLoopStopsSpinningUntilAProbe() throws Exception {
        assumeTrue(Inbox.SPARE_CORES_LIMIT > 1, "the loop spins only with a core to spare");
        try (Selector selector = Selector.open()) {
            long spin = TimeUnit.MILLISECONDS.toNanos(20);
            Inbox<Integer> inbox = new Inbox<>(selector, spin);
            inbox.expect();
            for (int i = 0; i < Inbox.MAX_MISSES; i++) inbox.select(TimeUnit.MILLISECONDS.toNanos(40));
            assertEquals(Inbox.MAX_MISSES, inbox.misses());
            // Spinning is off now: the next sleeps use (almost) no CPU, though an offer is expected.
            long cpu0 = ProcCpu.currentThread();
            for (int i = 0; i < 10; i++) inbox.select(TimeUnit.MILLISECONDS.toNanos(30));
            long cpu = ProcCpu.currentThread() - cpu0;
            assertTrue(cpu < 10 * spin / 2 - TimeUnit.MILLISECONDS.toNanos(30), "still spinning: " + cpu / 1e6 + " ms of CPU in 10 sleeps");
            // A probe that catches an offer turns spinning back on.
            for (int i = 10; i < Inbox.PROBE_EVERY - 1; i++) inbox.select(1); // 1 ns: a 1 ms sleep, no spin
            inbox.offer(1);
            inbox.select(TimeUnit.MILLISECONDS.toNanos(40)); // the probe: its spin sees the offer
            assertEquals(0, inbox.misses());
        }
    }

    @Test
    void aLoopWithAsManyHopsInFlightAsCoresSleepsWithoutSpinning() throws Exception {
        try (Selector selector = Selector.open()) {
            Inbox<Integer> inbox = new Inbox<>(selector, LONG_SPIN);
            for (int i = 0; i < Inbox.SPARE_CORES_LIMIT; i++) inbox.expect();
            long cpu0 = ProcCpu.currentThread();
            long t0 = System.nanoTime();
            inbox.select(TimeUnit.MILLISECONDS.toNanos(300));
            long wall = System.nanoTime() - t0;
            long cpu = ProcCpu.currentThread() - cpu0;
            assertTrue(wall >= TimeUnit.MILLISECONDS.toNanos(250), "returned early: " + wall / 1e6 + " ms");
            assertTrue(cpu < TimeUnit.MILLISECONDS.toNanos(100), "spun for " + cpu / 1e6 + " ms though the workers need every core");
        }
    }
}
