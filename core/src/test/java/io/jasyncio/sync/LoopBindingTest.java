package io.jasyncio.sync;

import static io.jasyncio.sync.SyncTesting.run;
import static io.jasyncio.sync.SyncTesting.runReady;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Future;
import io.jasyncio.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class LoopBindingTest {

    /** One non-suspending operation per primitive, keyed by the name its messages use. */
    private static Map<String, Runnable> firstUses() {
        Lock lock = new Lock();
        Condition cond = new Condition();
        Queue<String> queue = new Queue<>();
        return Map.of(
                "Lock.release()", lock::release,
                "Event.set()", new Event()::set,
                "Condition.notify()", () -> cond.notify(1),
                "Semaphore.release()", new Semaphore()::release,
                "BoundedSemaphore.release()", new BoundedSemaphore(0)::release,
                "Queue.putNowait()", () -> queue.putNowait("x"),
                "PriorityQueue.taskDone()", new PriorityQueue<Integer>()::taskDone,
                "LifoQueue.shutdown()", new LifoQueue<Integer>()::shutdown,
                "RwLock.releaseWrite()", new RwLock()::releaseWrite);
    }

    @Test
    void everyPrimitiveUsedWhereNoLoopRunsSaysSo() {
        firstUses().forEach((name, use) -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, use::run, name);
            assertTrue(e.getMessage().startsWith(name + " was called from thread '" + Thread.currentThread().getName()
                    + "', where no event loop runs"), e.getMessage());
        });
    }

    @Test
    void aPrimitiveUsedFromAnotherThreadAfterBindingNamesItsLoopThread() {
        run(() -> {
            Lock lock = new Lock();
            lock.acquire(); // binds
            String loopThread = Thread.currentThread().isVirtual() ? "" : null;
            IllegalStateException e = Asyncio.toThread(() -> assertThrows(IllegalStateException.class, lock::release));
            assertTrue(e.getMessage().contains("where no event loop runs, but this Lock is bound to the event loop of thread '"),
                    e.getMessage());
            assertNotNull(loopThread);
            assertTrue(lock.locked(), "the failed call changed nothing");
            lock.release();
        });
    }

    @Test
    void aPrimitiveBoundToOneLoopRefusesAnother() {
        Map<String, Runnable> uses = firstUses();
        run(() -> {
            for (Runnable use : uses.values()) {
                try {
                    use.run(); // binds; some uses fail on their own terms (release of a free lock...)
                } catch (IllegalStateException expected) {
                    assertFalse(expected.getMessage().contains("event loop"), expected.getMessage());
                }
            }
        });
        uses.forEach((name, use) -> run(() -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, use::run, name);
            assertTrue(e.getMessage().startsWith(name + " was called on the event loop running in thread '"), e.getMessage());
            assertTrue(e.getMessage().contains("is bound to another event loop"), e.getMessage());
        }));
    }

    @Test
    void suspendingOperationsAreRefusedInCallbacksEvenWhenTheyWouldNotWait() {
        run(() -> {
            Lock lock = new Lock();
            Semaphore sem = new Semaphore(5);
            Event event = new Event();
            event.set();
            Queue<String> queue = new Queue<>();
            queue.putNowait("ready");
            List<Consumer<List<String>>> calls = List.of(
                    errors -> record(errors, lock::acquire),
                    errors -> record(errors, sem::acquire),
                    errors -> record(errors, event::await),
                    errors -> record(errors, () -> queue.get()),
                    errors -> record(errors, queue::join),
                    errors -> record(errors, new Barrier(1)::await),
                    errors -> record(errors, new RwLock()::acquireRead));
            List<String> errors = new ArrayList<>();
            Future<Void> done = Asyncio.getRunningLoop().createFuture();
            Asyncio.getRunningLoop().callSoon(() -> {
                for (Consumer<List<String>> call : calls) call.accept(errors);
                done.setResult(null);
            });
            done.await();
            assertEquals(7, errors.size(), errors.toString());
            for (String message : errors) {
                assertTrue(message.contains(" suspends, so it can only be called inside a task, not in a callback"), message);
            }
            assertFalse(lock.locked());
            assertEquals(1, queue.qsize());
        });
    }

    private static void record(List<String> errors, Runnable call) {
        try {
            call.run();
            errors.add("no error");
        } catch (IllegalStateException e) {
            errors.add(e.getMessage());
        }
    }

    @Test
    void nonSuspendingOperationsWorkInCallbacks() {
        run(() -> {
            Event event = new Event();
            Queue<String> queue = new Queue<>();
            Task<String> getter = Asyncio.createTask(queue::get);
            Task<Void> waiter = Asyncio.createTask(event::await);
            runReady();
            Asyncio.getRunningLoop().callSoon(() -> {
                queue.putNowait("from a callback");
                event.set();
            });
            assertEquals("from a callback", getter.await());
            waiter.await();
        });
    }

    @Test
    void queriesDoNotBind() {
        Lock lock = new Lock();
        Queue<Integer> queue = new Queue<>(2);
        Semaphore sem = new Semaphore(1);
        Barrier barrier = new Barrier(2);
        Event event = new Event();
        assertFalse(lock.locked());
        assertTrue(queue.empty());
        assertFalse(queue.full());
        assertEquals(0, queue.qsize());
        assertFalse(sem.locked());
        assertEquals(0, barrier.nWaiting());
        assertFalse(event.isSet());
        assertEquals("Lock[unlocked]", lock.toString());
        run(() -> {
            lock.acquire();
            lock.release();
            queue.putNowait(1);
            sem.acquire();
            event.set();
        });
    }

    @Test
    void twoLoopsRacingToBindAnUnboundPrimitiveLeaveExactlyOneOwner() throws Exception {
        for (int round = 0; round < 20; round++) {
            Event event = new Event();
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<String>> outcomes = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                CompletableFuture<String> outcome = new CompletableFuture<>();
                outcomes.add(outcome);
                Thread.ofPlatform().name("racer-" + i).start(() -> {
                    try {
                        start.await();
                        Asyncio.run(() -> event.set());
                        outcome.complete("bound");
                    } catch (IllegalStateException e) {
                        outcome.complete(e.getMessage().contains("is bound to another event loop") ? "refused" : e.getMessage());
                    } catch (Throwable t) {
                        outcome.completeExceptionally(t);
                    }
                });
            }
            start.countDown();
            List<String> results = new ArrayList<>();
            for (CompletableFuture<String> f : outcomes) results.add(f.get());
            results.sort(null);
            assertEquals(List.of("bound", "refused"), results, "round " + round);
        }
    }
}
