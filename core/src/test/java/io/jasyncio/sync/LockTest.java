package io.jasyncio.sync;

import static io.jasyncio.sync.SyncTesting.run;
import static io.jasyncio.sync.SyncTesting.runReady;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LockTest {

    @Test
    void anUncontendedAcquireTakesTheLockWithoutSuspending() {
        run(() -> {
            Lock lock = new Lock();
            List<String> events = new ArrayList<>();
            Asyncio.createTask(() -> events.add("other task ran"));
            assertFalse(lock.locked());
            lock.acquire();
            events.add("acquired");
            assertTrue(lock.locked());
            lock.release();
            assertFalse(lock.locked());
            runReady();
            assertEquals(List.of("acquired", "other task ran"), events);
        });
    }

    @Test
    void releasingAnUnlockedLockFails() {
        run(() -> {
            Lock lock = new Lock();
            IllegalStateException e = assertThrows(IllegalStateException.class, lock::release);
            assertTrue(e.getMessage().startsWith("Lock is not acquired"), e.getMessage());
            lock.acquire();
            lock.release();
            assertThrows(IllegalStateException.class, lock::release);
            assertFalse(lock.locked());
        });
    }

    @Test
    void aThousandWaitersGetTheLockInArrivalOrder() {
        run(() -> {
            Lock lock = new Lock();
            List<Integer> order = new ArrayList<>();
            lock.acquire();
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int id = i;
                tasks.add(Asyncio.createTask(() -> {
                    for (int round = 0; round < 2; round++) {
                        // The second acquire comes right after the release: a fair lock sends it
                        // to the back of the queue instead of handing the lock straight back.
                        lock.acquire();
                        try {
                            order.add(id);
                            runReady(); // hold the lock across a suspension: others must keep waiting
                        } finally {
                            lock.release();
                        }
                    }
                }));
            }
            runReady(); // every task runs up to its acquire() and queues
            assertTrue(order.isEmpty());
            // Latecomers arriving while the queue drains must line up behind it.
            lock.release();
            List<Task<Void>> late = new ArrayList<>();
            for (int i = 1000; i < 1010; i++) {
                int id = i;
                late.add(Asyncio.createTask(() -> {
                    try (var _ = lock.hold()) {
                        order.add(id);
                    }
                }));
            }
            for (Task<Void> t : tasks) t.await();
            for (Task<Void> t : late) t.await();
            List<Integer> expected = new ArrayList<>(IntStream.range(0, 1010).boxed().toList());
            expected.addAll(IntStream.range(0, 1000).boxed().toList());
            assertEquals(expected, order);
            assertFalse(lock.locked());
        });
    }

    @Test
    void theReleasingTaskCannotRetakeTheLockAheadOfTheWokenWaiter() {
        run(() -> {
            Lock lock = new Lock();
            List<String> order = new ArrayList<>();
            lock.acquire();
            Task<Void> waiter = Asyncio.createTask(() -> {
                lock.acquire();
                order.add("waiter");
                lock.release();
            });
            runReady();
            lock.release();
            assertFalse(lock.locked()); // handed over, but the waiter has not run yet
            lock.acquire();             // must queue behind the woken waiter
            order.add("main");
            lock.release();
            waiter.await();
            assertEquals(List.of("waiter", "main"), order);
        });
    }

    @Test
    void holdReleasesTheLockWhenTheBodyThrows() {
        run(() -> {
            Lock lock = new Lock();
            RuntimeException boom = new RuntimeException("boom");
            RuntimeException thrown = assertThrows(RuntimeException.class, () -> {
                try (var _ = lock.hold()) {
                    assertTrue(lock.locked());
                    throw boom;
                }
            });
            assertSame(boom, thrown);
            assertFalse(lock.locked());
        });
    }

    @Test
    void closingHeldTwiceReleasesOnlyOnce() {
        run(() -> {
            Lock lock = new Lock();
            Held first = lock.hold();
            first.close();
            lock.acquire(); // now someone else's acquisition
            first.close();  // must not release it
            assertTrue(lock.locked());
            lock.release();
        });
    }

    @Test
    void aTaskCancelledWhileHoldingReleasesTheLockToTheNextWaiter() {
        run(() -> {
            Lock lock = new Lock();
            Task<Void> holder = Asyncio.createTask(() -> {
                try (var _ = lock.hold()) {
                    Asyncio.getRunningLoop().createFuture().await(); // until cancelled
                }
            });
            runReady();
            assertTrue(lock.locked());
            Task<String> next = Asyncio.createTask(() -> {
                try (var _ = lock.hold()) {
                    return "got it";
                }
            });
            runReady();
            holder.cancel();
            assertEquals("got it", next.await());
            assertTrue(holder.cancelled());
            assertFalse(lock.locked());
        });
    }

    @Test
    void aWaiterCancelledWhileWaitingLeavesTheQueueWithoutTheLock() {
        run(() -> {
            Lock lock = new Lock();
            lock.acquire();
            Task<Void> waiter = Asyncio.createTask(lock::acquire);
            runReady();
            waiter.cancel("stop");
            CancelledError e = assertThrows(CancelledError.class, waiter::await);
            assertEquals("stop", e.getMessage());
            assertTrue(lock.locked()); // still ours
            lock.release();
            assertFalse(lock.locked());
            lock.acquire(); // queue is empty again: no suspension needed
            lock.release();
        });
    }

    @Test
    void aWaiterCancelledAsItIsWokenPassesTheLockToTheNextOne() {
        run(() -> {
            Lock lock = new Lock();
            List<String> got = new ArrayList<>();
            lock.acquire();
            Task<Void> a = Asyncio.createTask(() -> {
                lock.acquire();
                got.add("a");
                lock.release();
            });
            Task<Void> b = Asyncio.createTask(() -> {
                lock.acquire();
                got.add("b");
                lock.release();
            });
            runReady();
            lock.release(); // hands the lock to a ...
            a.cancel();     // ... which is cancelled before it can run
            assertThrows(CancelledError.class, a::await);
            b.await();      // without the pass-on, b would wait forever
            assertEquals(List.of("b"), got);
            assertFalse(lock.locked());
        });
    }

    @Test
    void aNewcomerOvertakesWaitersThatAreAllCancelled() {
        run(() -> {
            Lock lock = new Lock();
            lock.acquire();
            Task<Void> waiter = Asyncio.createTask(lock::acquire);
            runReady();
            waiter.cancel(); // its future is cancelled; the task has not left the queue yet
            lock.release();
            List<String> events = new ArrayList<>();
            Asyncio.createTask(() -> events.add("other"));
            lock.acquire(); // asyncio's optimization: no live waiter, so no wait
            events.add("main acquired");
            assertThrows(CancelledError.class, waiter::await);
            assertTrue(lock.locked(), "the cancelled waiter must not take or release the lock");
            lock.release();
            assertEquals("main acquired", events.getFirst());
        });
    }

    @Test
    void toStringShowsStateAndWaiters() {
        run(() -> {
            Lock lock = new Lock();
            assertEquals("Lock[unlocked]", lock.toString());
            lock.acquire();
            Task<Void> w = Asyncio.createTask(lock::acquire);
            runReady();
            assertEquals("Lock[locked, waiters:1]", lock.toString());
            lock.release();
            w.await();
            lock.release();
        });
    }

    @Test
    void aHeldShowsWhatItHoldsUntilItIsClosed() {
        run(() -> {
            Lock lock = new Lock();
            Held held = lock.hold();
            assertEquals("Held[Lock[locked]]", held.toString());
            held.close();
            assertEquals("Held[released]", held.toString());
        });
    }
}
