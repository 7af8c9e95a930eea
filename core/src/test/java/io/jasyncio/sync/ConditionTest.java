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

class ConditionTest {

    /** A task that waits on {@code cond} once and records its id when it returns holding the lock. */
    private static Task<Void> waiter(Condition cond, List<Integer> woken, int id) {
        return Asyncio.createTask(() -> {
            try (var _ = cond.hold()) {
                cond.await();
                assertTrue(cond.locked());
                woken.add(id);
            }
        });
    }

    @Test
    void awaitAndNotifyRequireTheLock() {
        run(() -> {
            Condition cond = new Condition();
            IllegalStateException e = assertThrows(IllegalStateException.class, cond::await);
            assertTrue(e.getMessage().startsWith("cannot wait on un-acquired lock"), e.getMessage());
            e = assertThrows(IllegalStateException.class, () -> cond.notify(1));
            assertTrue(e.getMessage().startsWith("cannot notify on un-acquired lock"), e.getMessage());
            assertThrows(IllegalStateException.class, cond::notifyOne);
            assertThrows(IllegalStateException.class, cond::notifyAllWaiters);
            assertThrows(IllegalStateException.class, () -> cond.waitFor(() -> false));
            cond.acquire();
            assertThrows(IllegalArgumentException.class, () -> cond.notify(-1));
            cond.release();
        });
    }

    @Test
    void notifyWakesTheGivenNumberInArrivalOrderAndNotifyAllTheRest() {
        run(() -> {
            Condition cond = new Condition();
            List<Integer> woken = new ArrayList<>();
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 6; i++) tasks.add(waiter(cond, woken, i));
            runReady();
            assertFalse(cond.locked(), "waiters give the lock up while they wait");
            try (var _ = cond.hold()) {
                cond.notifyOne();
                runReady();
                assertEquals(List.of(), woken, "woken tasks return only once the notifier releases the lock");
            }
            runReady(2);
            assertEquals(List.of(0), woken);
            try (var _ = cond.hold()) {
                cond.notify(2);
            }
            runReady(3);
            assertEquals(List.of(0, 1, 2), woken);
            try (var _ = cond.hold()) {
                cond.notify(0);
            }
            runReady(3);
            assertEquals(List.of(0, 1, 2), woken);
            try (var _ = cond.hold()) {
                cond.notifyAllWaiters();
            }
            for (Task<Void> t : tasks) t.await();
            assertEquals(List.of(0, 1, 2, 3, 4, 5), woken);
        });
    }

    @Test
    void waitForReturnsOnceThePredicateHolds() {
        run(() -> {
            Condition cond = new Condition();
            int[] value = {0};
            int[] checks = {0};
            Task<Integer> t = Asyncio.createTask(() -> {
                try (var _ = cond.hold()) {
                    cond.waitFor(() -> {
                        checks[0]++;
                        return value[0] == 3;
                    });
                    return value[0];
                }
            });
            for (int i = 1; i <= 3; i++) {
                runReady(3);
                try (var _ = cond.hold()) {
                    value[0] = i;
                    cond.notifyAllWaiters();
                }
            }
            assertEquals(3, t.await());
            assertEquals(4, checks[0]); // once at the start, once per notification
        });
    }

    @Test
    void aCancelledWaiterHoldsTheLockAgainWhenCancelledErrorReachesIt() {
        run(() -> {
            Condition cond = new Condition();
            List<String> events = new ArrayList<>();
            Task<Void> t = Asyncio.createTask(() -> {
                cond.acquire();
                try {
                    cond.await();
                } catch (CancelledError e) {
                    events.add("cancelled, locked=" + cond.locked());
                    throw e;
                } finally {
                    cond.release();
                }
            });
            runReady();
            cond.acquire(); // the cancelled waiter has to wait for us to re-acquire
            t.cancel();
            runReady(3);
            assertEquals(List.of(), events);
            cond.release();
            assertThrows(CancelledError.class, t::await);
            assertEquals(List.of("cancelled, locked=true"), events);
            assertFalse(cond.locked());
        });
    }

    @Test
    void aWaiterCancelledWhileReacquiringTheLockGetsItAndThenCancelledError() {
        run(() -> {
            Condition cond = new Condition();
            List<String> events = new ArrayList<>();
            Task<Void> t = Asyncio.createTask(() -> {
                try (var _ = cond.hold()) {
                    try {
                        cond.await();
                        events.add("returned normally");
                    } catch (CancelledError e) {
                        events.add("cancelled, locked=" + cond.locked());
                        throw e;
                    }
                }
            });
            runReady();
            cond.acquire();
            cond.notifyOne();
            runReady(2); // t wakes and now waits for the lock, which we hold
            t.cancel();
            runReady(2);
            assertEquals(List.of(), events, "t cannot return before it holds the lock again");
            cond.release();
            assertThrows(CancelledError.class, t::await);
            assertEquals(List.of("cancelled, locked=true"), events);
            assertFalse(cond.locked());
        });
    }

    @Test
    void aNotifiedWaiterThatIsCancelledPassesTheNotificationOn() {
        run(() -> {
            Condition cond = new Condition();
            List<Integer> woken = new ArrayList<>();
            Task<Void> first = waiter(cond, woken, 1);
            Task<Void> second = waiter(cond, woken, 2);
            runReady();
            try (var _ = cond.hold()) {
                cond.notifyOne(); // meant for first ...
                first.cancel();   // ... which will never use it
            }
            assertThrows(CancelledError.class, first::await);
            second.await();       // without the pass-on, second would wait forever
            assertEquals(List.of(2), woken);
        });
    }

    @Test
    void conditionsCanShareOneLock() {
        run(() -> {
            Lock lock = new Lock();
            Condition notEmpty = new Condition(lock);
            Condition notFull = new Condition(lock);
            assertSame(lock, notEmpty.lock());
            List<Integer> buffer = new ArrayList<>();
            List<Integer> consumed = new ArrayList<>();
            Task<Void> producer = Asyncio.createTask(() -> {
                for (int i = 0; i < 20; i++) {
                    try (var _ = lock.hold()) {
                        notFull.waitFor(() -> buffer.size() < 2);
                        buffer.add(i);
                        notEmpty.notifyOne();
                    }
                }
            });
            Task<Void> consumer = Asyncio.createTask(() -> {
                for (int i = 0; i < 20; i++) {
                    try (var _ = notEmpty.hold()) {
                        notEmpty.waitFor(() -> !buffer.isEmpty());
                        assertTrue(lock.locked());
                        consumed.add(buffer.removeFirst());
                        notFull.notifyOne();
                    }
                }
            });
            producer.await();
            consumer.await();
            assertEquals(java.util.stream.IntStream.range(0, 20).boxed().toList(), consumed);
        });
    }

    @Test
    void toStringShowsLockStateAndWaiters() {
        run(() -> {
            Condition cond = new Condition();
            Task<Void> t = waiter(cond, new ArrayList<>(), 0);
            runReady();
            assertEquals("Condition[unlocked, waiters:1]", cond.toString());
            try (var _ = cond.hold()) {
                assertEquals("Condition[locked, waiters:1]", cond.toString());
                cond.notifyAllWaiters();
            }
            t.await();
            assertEquals("Condition[unlocked]", cond.toString());
        });
    }
}
