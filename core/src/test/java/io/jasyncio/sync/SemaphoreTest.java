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

class SemaphoreTest {

    /** Takes every free permit without suspending and returns how many there were. */
    private static int drainPermits(Semaphore sem) {
        int n = 0;
        while (!sem.locked()) {
            sem.acquire();
            n++;
        }
        return n;
    }

    @Test
    void negativePermitsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
        assertEquals("Semaphore initial value must be >= 0, got -1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BoundedSemaphore(-3));
        assertEquals("BoundedSemaphore initial value must be >= 0, got -3", e.getMessage());
        assertTrue(new Semaphore(0).locked());
    }

    @Test
    void permitsAreCountedAndAPlainSemaphoreMayGrow() {
        run(() -> {
            Semaphore sem = new Semaphore(2);
            sem.acquire();
            assertFalse(sem.locked());
            sem.acquire();
            assertTrue(sem.locked());
            sem.release();
            sem.release();
            sem.release(); // allowed: a plain semaphore is not bounded
            assertEquals(3, drainPermits(sem));
            assertEquals("Semaphore[locked]", sem.toString());
        });
    }

    @Test
    void overReleasingABoundedSemaphoreFails() {
        run(() -> {
            BoundedSemaphore sem = new BoundedSemaphore(2);
            IllegalStateException e = assertThrows(IllegalStateException.class, sem::release);
            assertEquals("BoundedSemaphore released too many times: all 2 permits are free", e.getMessage());
            sem.acquire();
            sem.release();
            assertThrows(IllegalStateException.class, sem::release);
            assertEquals(2, drainPermits(sem));
        });
    }

    @Test
    void aThousandWaitersGetPermitsInArrivalOrder() {
        run(() -> {
            Semaphore sem = new Semaphore(3);
            int held = drainPermits(sem);
            List<Integer> order = new ArrayList<>();
            int[] inside = {0};
            int[] maxInside = {0};
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int id = i;
                tasks.add(Asyncio.createTask(() -> {
                    try (var _ = sem.hold()) {
                        order.add(id);
                        maxInside[0] = Math.max(maxInside[0], ++inside[0]);
                        runReady();
                        inside[0]--;
                    }
                }));
            }
            runReady();
            for (int i = 0; i < held; i++) sem.release();
            for (Task<Void> t : tasks) t.await();
            assertEquals(IntStream.range(0, 1000).boxed().toList(), order);
            assertEquals(3, maxInside[0]);
            assertEquals(3, drainPermits(sem));
        });
    }

    @Test
    void aNewcomerWaitsBehindQueuedTasksEvenWhenAPermitIsFree() {
        run(() -> {
            Semaphore sem = new Semaphore(1);
            sem.acquire();
            List<String> order = new ArrayList<>();
            Task<Void> waiter = Asyncio.createTask(() -> {
                try (var _ = sem.hold()) {
                    order.add("waiter");
                }
            });
            runReady();
            sem.release(); // handed to waiter, which has not run yet
            try (var _ = sem.hold()) {
                order.add("main");
            }
            waiter.await();
            assertEquals(List.of("waiter", "main"), order);
        });
    }

    @Test
    void aNewcomerWaitsWhileWokenWaitersHaveNotRunYetEvenIfAPermitIsLeft() {
        run(() -> {
            Semaphore sem = new Semaphore(0);
            List<String> order = new ArrayList<>();
            Task<Void> waiter = Asyncio.createTask(() -> {
                sem.acquire();
                order.add("waiter");
            });
            runReady();
            sem.release(); // counted out for the waiter, which has not run yet
            sem.release(); // a free permit, but the queue is not empty
            assertTrue(sem.locked());
            sem.acquire(); // must line up behind the woken waiter
            order.add("main");
            waiter.await();
            assertEquals(List.of("waiter", "main"), order);
        });
    }

    @Test
    void aWaiterCancelledAsItIsWokenReturnsThePermitToTheNextOne() {
        run(() -> {
            BoundedSemaphore sem = new BoundedSemaphore(1);
            sem.acquire();
            List<String> got = new ArrayList<>();
            Task<Void> a = Asyncio.createTask(() -> {
                try (var _ = sem.hold()) {
                    got.add("a");
                }
            });
            Task<Void> b = Asyncio.createTask(() -> {
                try (var _ = sem.hold()) {
                    got.add("b");
                }
            });
            runReady();
            sem.release(); // the permit goes to a ...
            a.cancel();    // ... which must give it back
            assertThrows(CancelledError.class, a::await);
            b.await();
            assertEquals(List.of("b"), got);
            assertEquals(1, drainPermits(sem), "no permit lost, none invented");
        });
    }

    @Test
    void aWaiterCancelledWhileWaitingTakesNoPermit() {
        run(() -> {
            Semaphore sem = new Semaphore(0);
            Task<Void> a = Asyncio.createTask(sem::acquire);
            runReady();
            a.cancel();
            assertThrows(CancelledError.class, a::await);
            sem.release();
            assertEquals(1, drainPermits(sem));
        });
    }

    /**
     * Permits released while the only waiter was woken but had not run yet stay free, and tasks
     * that arrive meanwhile queue behind that waiter (FIFO); when it runs, it wakes as many of
     * them as there are free permits at once (asyncio's loop in acquire's finally), not one that
     * then wakes the next a round later.
     */
    @Test
    void aWokenWaiterLetsInAsManyQueuedNewcomersAsThereArePermitsLeft() {
        run(() -> {
            Semaphore sem = new Semaphore(0);
            Event go = new Event();
            List<String> got = new ArrayList<>();
            Task<Void> first = Asyncio.createTask(() -> {
                sem.acquire();
                got.add("first");
            });
            List<Task<Void>> newcomers = new ArrayList<>();
            for (String name : List.of("n1", "n2")) {
                newcomers.add(Asyncio.createTask(() -> {
                    go.await();
                    sem.acquire();
                    got.add(name);
                }));
            }
            runReady(); // first waits for a permit, the newcomers for the event
            go.set();      // the newcomers run (and queue) before ...
            sem.release(); // ... the first waiter, woken here
            sem.release();
            sem.release(); // two permits free, and no waiter left to hand them to
            first.await(); // its end wakes us after the tasks it woke
            assertEquals(List.of("first", "n1", "n2"), got, "both newcomers were woken in the same round");
            for (Task<Void> t : newcomers) t.await();
            assertEquals(0, drainPermits(sem));
        });
    }

    @Test
    void toStringShowsFreePermitsOrWaiters() {
        run(() -> {
            Semaphore sem = new Semaphore(2);
            assertEquals("Semaphore[unlocked, value:2]", sem.toString());
            sem.acquire();
            sem.acquire();
            Task<Void> w = Asyncio.createTask(sem::acquire);
            runReady();
            assertEquals("Semaphore[locked, waiters:1]", sem.toString());
            sem.release();
            w.await();
            assertEquals("BoundedSemaphore[unlocked, value:1]", new BoundedSemaphore().toString());
        });
    }

    @Test
    void releasingSeveralPermitsAtOnceWakesAsManyWaiters() {
        run(() -> {
            Semaphore sem = new Semaphore(0);
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 4; i++) tasks.add(Asyncio.createTask(sem::acquire));
            runReady();
            sem.release();
            sem.release();
            sem.release();
            runReady(2);
            assertEquals(3, tasks.stream().filter(Task::done).count());
            assertFalse(tasks.get(3).done());
            sem.release();
            tasks.get(3).await();
            assertEquals(0, drainPermits(sem));
        });
    }
}
