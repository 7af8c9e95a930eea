package io.jasyncio.sync;

import static io.jasyncio.sync.SyncTesting.run;
import static io.jasyncio.sync.SyncTesting.runReady;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventTest {

    @Test
    void setWakesEveryWaiterInArrivalOrder() {
        run(() -> {
            Event event = new Event();
            List<Integer> woken = new ArrayList<>();
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int id = i;
                tasks.add(Asyncio.createTask(() -> {
                    event.await();
                    woken.add(id);
                }));
            }
            runReady();
            assertTrue(woken.isEmpty());
            assertFalse(event.isSet());
            event.set();
            assertTrue(event.isSet());
            for (Task<Void> t : tasks) t.await();
            assertEquals(List.of(0, 1, 2, 3, 4), woken);
        });
    }

    @Test
    void awaitReturnsAtOnceWhileSetAndWaitsAgainAfterClear() {
        run(() -> {
            Event event = new Event();
            event.set();
            event.set(); // idempotent
            event.await(); // does not suspend
            event.clear();
            assertFalse(event.isSet());
            Task<Void> waiter = Asyncio.createTask(event::await);
            runReady(3);
            assertFalse(waiter.done());
            event.set();
            waiter.await();
        });
    }

    @Test
    void aWaiterWokenBySetReturnsEvenIfTheEventIsClearedBeforeItRuns() {
        run(() -> {
            Event event = new Event();
            Task<Void> waiter = Asyncio.createTask(event::await);
            runReady();
            event.set();
            event.clear();
            waiter.await(); // asyncio: the wake-up stands
            assertFalse(event.isSet());
        });
    }

    @Test
    void aCancelledWaiterGetsCancelledErrorAndOthersStillWake() {
        run(() -> {
            Event event = new Event();
            Task<Void> cancelled = Asyncio.createTask(event::await);
            Task<Void> other = Asyncio.createTask(event::await);
            runReady();
            cancelled.cancel();
            assertThrows(CancelledError.class, cancelled::await);
            assertEquals("Event[unset, waiters:1]", event.toString());
            event.set();
            other.await();
            assertEquals("Event[set]", event.toString());
        });
    }
}
