package io.jasyncio.sync;

import static io.jasyncio.sync.SyncTesting.run;
import static io.jasyncio.sync.SyncTesting.runReady;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class QueueTest {

    @Test
    void itemsComeOutInFifoOrderAndTheSizeIsExact() {
        run(() -> {
            Queue<String> q = new Queue<>(2);
            assertEquals(2, q.maxsize());
            assertTrue(q.empty());
            assertFalse(q.full());
            q.put("a");
            q.putNowait("b");
            assertEquals(2, q.qsize());
            assertTrue(q.full());
            assertEquals("a", q.get());
            assertEquals("b", q.getNowait());
            assertTrue(q.empty());
        });
    }

    @Test
    void zeroOrNegativeMaxsizeMeansUnbounded() {
        run(() -> {
            for (Queue<Integer> q : List.of(new Queue<Integer>(), new Queue<Integer>(0), new Queue<Integer>(-1))) {
                for (int i = 0; i < 10_000; i++) q.putNowait(i);
                assertFalse(q.full());
                assertEquals(10_000, q.qsize());
            }
        });
    }

    @Test
    void nowaitVariantsFailWithQueueFullAndQueueEmpty() {
        run(() -> {
            Queue<Integer> q = new Queue<>(1);
            QueueEmpty empty = assertThrows(QueueEmpty.class, q::getNowait);
            assertInstanceOf(NoSuchElementException.class, empty);
            assertEquals("Queue is empty", empty.getMessage());
            q.putNowait(1);
            QueueFull full = assertThrows(QueueFull.class, () -> q.putNowait(2));
            assertInstanceOf(IllegalStateException.class, full);
            assertEquals("Queue is full: it holds its maxsize of 1 items", full.getMessage());
            assertEquals(1, q.qsize());
        });
    }

    @Test
    void nullItemsAreRejected() {
        run(() -> {
            Queue<String> q = new Queue<>();
            assertThrows(NullPointerException.class, () -> q.putNowait(null));
            assertThrows(NullPointerException.class, () -> q.put(null));
            assertTrue(q.empty());
        });
    }

    @Test
    void aThousandGettersAreServedInArrivalOrder() {
        run(() -> {
            Queue<Integer> q = new Queue<>();
            int[] got = new int[1000];
            List<Task<Void>> getters = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int id = i;
                getters.add(Asyncio.createTask(() -> {
                    got[id] = q.get();
                }));
            }
            runReady();
            for (int i = 0; i < 1000; i++) q.putNowait(i);
            for (Task<Void> t : getters) t.await();
            assertArrayEquals(IntStream.range(0, 1000).toArray(), got);
        });
    }

    @Test
    void putWaitsWhileTheQueueIsFullAndPuttersAreServedInOrder() {
        run(() -> {
            Queue<Integer> q = new Queue<>(1);
            q.putNowait(0);
            List<Task<Void>> putters = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                int item = i;
                putters.add(Asyncio.createTask(() -> q.put(item)));
            }
            runReady();
            assertTrue(putters.stream().noneMatch(Task::done));
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < 6; i++) out.add(q.get());
            assertEquals(List.of(0, 1, 2, 3, 4, 5), out);
        });
    }

    @Test
    void aWokenGetterThatFindsTheItemGoneWaitsAgain() {
        run(() -> {
            Queue<String> q = new Queue<>();
            Task<String> getter = Asyncio.createTask(q::get);
            runReady();
            q.putNowait("x");
            assertEquals("x", q.getNowait()); // taken before the woken getter runs
            runReady(2);
            assertFalse(getter.done());
            q.putNowait("y");
            assertEquals("y", getter.await());
        });
    }

    @Test
    void aGetterCancelledAsItIsWokenPassesTheItemToTheNextGetter() {
        run(() -> {
            Queue<String> q = new Queue<>();
            Task<String> a = Asyncio.createTask(q::get);
            Task<String> b = Asyncio.createTask(q::get);
            runReady();
            q.putNowait("item"); // wakes a ...
            a.cancel();          // ... which never takes it
            assertThrows(CancelledError.class, a::await);
            assertEquals("item", b.await());
            assertTrue(q.empty());
        });
    }

    @Test
    void aPutterCancelledAsItIsWokenPassesTheSlotToTheNextPutter() {
        run(() -> {
            Queue<String> q = new Queue<>(1);
            q.putNowait("first");
            Task<Void> a = Asyncio.createTask(() -> q.put("a"));
            Task<Void> b = Asyncio.createTask(() -> q.put("b"));
            runReady();
            assertEquals("first", q.getNowait()); // frees a slot for a ...
            a.cancel();                           // ... which never uses it
            assertThrows(CancelledError.class, a::await);
            b.await();
            assertEquals("b", q.getNowait());
            assertTrue(q.empty());
        });
    }

    @Test
    void priorityQueueReturnsTheLowestItemFirst() {
        run(() -> {
            PriorityQueue<Integer> natural = new PriorityQueue<>();
            for (int i : new int[] {5, 1, 4, 2, 3}) natural.put(i);
            List<Integer> out = new ArrayList<>();
            while (!natural.empty()) out.add(natural.get());
            assertEquals(List.of(1, 2, 3, 4, 5), out);

            record Job(int priority, String name) {}
            PriorityQueue<Job> jobs = new PriorityQueue<>(2, Comparator.comparingInt(Job::priority).reversed());
            jobs.putNowait(new Job(1, "low"));
            jobs.putNowait(new Job(9, "high"));
            assertThrows(QueueFull.class, () -> jobs.putNowait(new Job(5, "mid")));
            assertEquals("high", jobs.getNowait().name());
            assertEquals("low", jobs.getNowait().name());
        });
    }

    @Test
    void anItemThatCannotBeOrderedLeavesAPriorityQueueUnchanged() {
        run(() -> {
            PriorityQueue<Object> q = new PriorityQueue<>();
            assertThrows(ClassCastException.class, () -> q.putNowait(new Object()));
            assertTrue(q.empty());
            q.putNowait("a");
            assertThrows(ClassCastException.class, () -> q.putNowait(new Object()));
            assertEquals(1, q.qsize());
            q.getNowait();
            q.taskDone();
            q.join(); // the failed put did not count as unfinished work
        });
    }

    @Test
    void lifoQueueReturnsTheNewestItemFirst() {
        run(() -> {
            LifoQueue<String> q = new LifoQueue<>(3);
            q.put("a");
            q.put("b");
            q.put("c");
            assertTrue(q.full());
            assertEquals("c", q.get());
            assertEquals("b", q.get());
            q.put("d");
            assertEquals("d", q.getNowait());
            assertEquals("a", q.getNowait());
        });
    }

    @Test
    void taskDoneCalledTooOftenFails() {
        run(() -> {
            Queue<String> q = new Queue<>();
            IllegalStateException e = assertThrows(IllegalStateException.class, q::taskDone);
            assertTrue(e.getMessage().startsWith("taskDone() called too many times"), e.getMessage());
            q.putNowait("x");
            q.getNowait();
            q.taskDone();
            assertThrows(IllegalStateException.class, q::taskDone);
        });
    }

    @Test
    void joinWaitsForTaskDoneOfEveryItemWithManyProducersAndConsumers() {
        int producers = 10;
        int perProducer = 500;
        int consumers = 7;
        run(() -> {
            Queue<Integer> q = new Queue<>(16);
            int total = producers * perProducer;
            boolean[] seen = new boolean[total];
            int[] done = {0};
            List<Task<Void>> tasks = new ArrayList<>();
            for (int c = 0; c < consumers; c++) {
                int id = c;
                tasks.add(Asyncio.createTask(() -> {
                    while (true) {
                        int item = q.get();
                        assertFalse(seen[item], "item " + item + " delivered twice");
                        seen[item] = true;
                        if ((item + id) % 3 == 0) runReady(); // processing that suspends
                        done[0]++;
                        q.taskDone();
                    }
                }));
            }
            List<Task<Void>> producing = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int base = p * perProducer;
                producing.add(Asyncio.createTask(() -> {
                    for (int i = 0; i < perProducer; i++) q.put(base + i);
                }));
            }
            runReady();
            q.join();
            assertEquals(total, done[0], "join returned before every item was marked done");
            for (Task<Void> p : producing) assertTrue(p.done());
            for (int i = 0; i < total; i++) assertTrue(seen[i], "item " + i + " lost");
            q.join(); // nothing pending: returns at once
            for (Task<Void> t : tasks) t.cancel();
        });
    }

    @Test
    void shutdownWakesEveryBlockedGetterWithQueueShutDown() {
        run(() -> {
            Queue<String> q = new Queue<>();
            List<Task<String>> getters = new ArrayList<>();
            for (int i = 0; i < 5; i++) getters.add(Asyncio.createTask(q::get));
            runReady();
            q.shutdown();
            assertTrue(q.isShutdown());
            for (Task<String> t : getters) {
                QueueShutDown e = assertThrows(QueueShutDown.class, t::await);
                assertEquals("Queue is shut down", e.getMessage());
            }
            assertThrows(QueueShutDown.class, q::get);
            assertThrows(QueueShutDown.class, q::getNowait);
        });
    }

    @Test
    void shutdownWakesEveryBlockedPutterWithQueueShutDownAndKeepsTheItems() {
        run(() -> {
            Queue<Integer> q = new Queue<>(2);
            q.putNowait(1);
            q.putNowait(2);
            List<Task<Void>> putters = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int item = 10 + i;
                putters.add(Asyncio.createTask(() -> q.put(item)));
            }
            runReady();
            q.shutdown();
            for (Task<Void> t : putters) assertThrows(QueueShutDown.class, t::await);
            assertEquals(2, q.qsize());
            assertEquals(1, q.get());
            assertEquals(2, q.getNowait());
            assertThrows(QueueShutDown.class, q::get);
        });
    }

    @Test
    void afterShutdownPutsFailAndGetsDrainTheRemainingItemsFirst() {
        run(() -> {
            Queue<String> q = new Queue<>();
            q.putNowait("a");
            q.putNowait("b");
            q.shutdown();
            q.shutdown(); // idempotent
            assertThrows(QueueShutDown.class, () -> q.putNowait("c"));
            assertThrows(QueueShutDown.class, () -> q.put("c"));
            assertEquals("a", q.get());
            assertEquals("b", q.getNowait());
            QueueShutDown e = assertThrows(QueueShutDown.class, q::getNowait); // not QueueEmpty
            assertInstanceOf(IllegalStateException.class, e);
            assertThrows(QueueShutDown.class, q::get);
            q.taskDone();
            q.taskDone();
            q.join();
            assertEquals("Queue[maxsize=0, qsize=0, shutdown]", q.toString());
        });
    }

    @Test
    void aBlockedGetterWokenByShutdownStillGetsAnItemPutBeforeItRuns() {
        run(() -> {
            Queue<String> q = new Queue<>();
            Task<String> getter = Asyncio.createTask(q::get);
            runReady();
            q.putNowait("last");
            q.shutdown();
            assertEquals("last", getter.await()); // graceful: remaining items are still delivered
        });
    }

    @Test
    void immediateShutdownDropsTheItemsCountsThemDoneAndFailsGetsAtOnce() {
        run(() -> {
            Queue<Integer> q = new Queue<>();
            for (int i = 0; i < 4; i++) q.putNowait(i);
            assertEquals(0, q.getNowait()); // taken but not yet marked done
            Task<Void> joiner = Asyncio.createTask(q::join);
            runReady();
            q.shutdown(true);
            assertTrue(q.empty());
            assertThrows(QueueShutDown.class, q::get);
            assertThrows(QueueShutDown.class, () -> q.putNowait(9));
            runReady(2);
            assertFalse(joiner.done(), "the item taken before the shutdown is still unfinished");
            q.taskDone();
            joiner.await();
            assertThrows(IllegalStateException.class, q::taskDone);
        });
    }

    @Test
    void immediateShutdownReleasesJoinWhenNoItemIsInProcessing() {
        run(() -> {
            Queue<Integer> q = new Queue<>(3);
            for (int i = 0; i < 3; i++) q.putNowait(i);
            Task<Void> joiner = Asyncio.createTask(q::join);
            Task<Void> putter = Asyncio.createTask(() -> q.put(3));
            runReady();
            q.shutdown(true);
            joiner.await();
            assertThrows(QueueShutDown.class, putter::await);
        });
    }

    @Test
    void immediateShutdownReleasesJoinWhenTaskDoneRanAheadOfGet() {
        // Issue 16 suspected a hang: taskDone() called before the matching get() leaves fewer
        // unfinished tasks than items. Dropping the items must stop counting at zero (as
        // CPython does), not go negative and keep join() waiting forever.
        run(() -> {
            Queue<Integer> q = new Queue<>();
            q.putNowait(1);
            q.putNowait(2);
            q.taskDone(); // ahead of any get(): one unfinished task, two items
            Task<Void> joiner = Asyncio.createTask(q::join);
            runReady();
            assertFalse(joiner.done());
            assertFalse(q.isShutdown());
            q.shutdown(true);
            assertTrue(q.isShutdown());
            joiner.await();
            assertEquals("Queue[maxsize=0, qsize=0, shutdown]", q.toString());
            assertThrows(IllegalStateException.class, q::taskDone);
            q.join(); // stays released
        });
    }

    @Test
    void toStringShowsSizeWaitersAndUnfinishedWork() {
        run(() -> {
            Queue<Integer> q = new Queue<>(1);
            q.putNowait(1);
            Task<Void> putter = Asyncio.createTask(() -> q.put(2));
            runReady();
            assertEquals("Queue[maxsize=1, qsize=1, putters:1, tasks=1]", q.toString());
            q.getNowait();
            putter.await();
            assertEquals("LifoQueue[maxsize=0, qsize=0]", new LifoQueue<Integer>().toString());
            Queue<Integer> empty = new Queue<>();
            Task<Integer> getter = Asyncio.createTask(empty::get);
            runReady();
            assertEquals("Queue[maxsize=0, qsize=0, getters:1]", empty.toString());
            empty.putNowait(5);
            assertEquals(5, getter.await());
        });
    }
}
