package io.jasyncio.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * asyncio's {@code event.wait()}, {@code cond.notify()} and {@code barrier.wait()} typed by habit
 * reach Java's final monitor methods: they must fail at once and loudly, not hang a task, and
 * leave the primitive working (the name table is in the package documentation).
 */
@Timeout(30)
class MonitorMethodsMisuseTest {

    @Test
    @SuppressWarnings("WaitNotInLoop")
    void monitorMethodsTypedByHabitFailAtOnceAndTheRealNamesStillWork() {
        Asyncio.run(() -> {
            Event event = new Event();
            Condition cond = new Condition();
            Barrier barrier = new Barrier(1);
            assertThrows(IllegalMonitorStateException.class, () -> event.wait());
            assertThrows(IllegalMonitorStateException.class, () -> barrier.wait());
            assertThrows(IllegalMonitorStateException.class, () -> cond.wait());
            try (var _ = cond.hold()) {
                // Holding the asyncio lock is not holding the Java monitor.
                assertThrows(IllegalMonitorStateException.class, () -> cond.notify());
                assertThrows(IllegalMonitorStateException.class, () -> cond.notifyAll());
            }

            Task<String> waiter = Asyncio.createTask(() -> {
                event.await();
                try (var _ = cond.hold()) {
                    cond.await();
                }
                return "woken";
            });
            Asyncio.sleep(0);
            event.set();
            while (!waiter.done()) { // until the waiter has reached cond.await() and been woken
                try (var _ = cond.hold()) {
                    cond.notifyAllWaiters();
                }
                Asyncio.sleep(0);
            }
            assertEquals("woken", waiter.await());
            assertEquals(0, barrier.await());
            assertTrue(event.isSet());
        });
    }
}
