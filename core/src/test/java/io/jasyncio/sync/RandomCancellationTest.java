package io.jasyncio.sync;

import static io.jasyncio.sync.SyncTesting.run;
import static io.jasyncio.sync.SyncTesting.awaitAll;
import static io.jasyncio.sync.SyncTesting.cancelOldestOther;
import static io.jasyncio.sync.SyncTesting.cancelRandom;
import static io.jasyncio.sync.SyncTesting.runReady;
import static io.jasyncio.sync.SyncTesting.untilNothingMoves;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cancellation at random moments (seeded, so a failure replays exactly) must never lose a wake-up,
 * a permit, a notification or an item. The dangerous moment is a task cancelled after it was
 * woken but before it ran: tasks therefore also cancel the oldest other live task right after
 * they release, which is usually the waiter they have just woken.
 *
 * <p>A lost wake-up shows as a task that waits although it could proceed: either the test never
 * finishes (the deadline of {@link SyncTesting#run} fails it) or, where waiting can be
 * legitimate, the state once nothing can move any more shows a waiter next to what it waits for.
 */
class RandomCancellationTest {
    private static final int TASKS = 400;

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 1234, 987654321})
    void lockNeverLosesAWakeUp(long seed) {
        run(() -> {
            Random rnd = new Random(seed);
            Lock lock = new Lock();
            List<Task<?>> tasks = new ArrayList<>();
            int[] inside = {0};
            int[] maxInside = {0};
            int[] completed = {0};
            for (int i = 0; i < TASKS; i++) {
                int holdSteps = rnd.nextInt(3);
                boolean chaos = rnd.nextInt(4) == 0;
                tasks.add(Asyncio.createTask(() -> {
                    try (var _ = lock.hold()) {
                        maxInside[0] = Math.max(maxInside[0], ++inside[0]);
                        try {
                            runReady(holdSteps);
                        } finally {
                            inside[0]--;
                        }
                    }
                    completed[0]++;
                    if (chaos) cancelOldestOther(tasks);
                }));
                if (rnd.nextInt(5) == 0) cancelRandom(tasks, rnd);
                if (rnd.nextInt(3) == 0) runReady(rnd.nextInt(3));
            }
            int cancelled = awaitAll(tasks);
            assertEquals(1, maxInside[0], "mutual exclusion");
            assertEquals(TASKS, completed[0] + cancelled);
            assertTrue(cancelled > TASKS / 10, "the test should cancel many waiters, cancelled " + cancelled);
            assertFalse(lock.locked());
        });
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 1234, 987654321})
    void semaphoreNeverLosesOrInventsAPermit(long seed) {
        int permits = 3;
        run(() -> {
            Random rnd = new Random(seed);
            BoundedSemaphore sem = new BoundedSemaphore(permits); // an invented permit would fail release()
            List<Task<?>> tasks = new ArrayList<>();
            int[] inside = {0};
            int[] maxInside = {0};
            for (int i = 0; i < TASKS; i++) {
                int holdSteps = rnd.nextInt(4);
                boolean chaos = rnd.nextInt(4) == 0;
                tasks.add(Asyncio.createTask(() -> {
                    try (var _ = sem.hold()) {
                        maxInside[0] = Math.max(maxInside[0], ++inside[0]);
                        try {
                            runReady(holdSteps);
                        } finally {
                            inside[0]--;
                        }
                    }
                    if (chaos) cancelOldestOther(tasks);
                }));
                if (rnd.nextInt(5) == 0) cancelRandom(tasks, rnd);
                if (rnd.nextInt(3) == 0) runReady(rnd.nextInt(3));
            }
            awaitAll(tasks);
            assertEquals(permits, maxInside[0]);
            int free = 0;
            while (!sem.locked()) {
                sem.acquire();
                free++;
            }
            assertEquals(permits, free, "every permit is back");
        });
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 1234, 987654321})
    void conditionNeverLosesANotification(long seed) {
        run(() -> {
            Random rnd = new Random(seed);
            Condition cond = new Condition();
            int[] tokens = {0};
            int[] consumed = {0};
            List<Task<?>> consumers = new ArrayList<>();
            List<Task<?>> all = new ArrayList<>();
            // All consumers queue up first: a consumer arriving later would take a token without
            // waiting and so hide a lost notification.
            for (int i = 0; i < TASKS; i++) {
                Task<Void> consumer = Asyncio.createTask(() -> {
                    try (var _ = cond.hold()) {
                        while (tokens[0] == 0) cond.await();
                        tokens[0]--;
                        consumed[0]++;
                    }
                });
                consumers.add(consumer);
                all.add(consumer);
            }
            runReady();
            for (int i = 0; i < TASKS / 2; i++) {
                // A producer adds one token and notifies exactly one waiter: a lost notification
                // leaves a token next to waiting consumers.
                boolean chaos = rnd.nextInt(3) == 0;
                all.add(Asyncio.createTask(() -> {
                    try (var _ = cond.hold()) {
                        tokens[0]++;
                        cond.notifyOne();
                    }
                    if (chaos) cancelOldestOther(consumers); // usually the one just notified
                }));
                if (rnd.nextInt(5) == 0) cancelRandom(consumers, rnd);
                if (rnd.nextInt(3) == 0) runReady(rnd.nextInt(3));
            }
            untilNothingMoves(() -> consumed[0] * 31 + (int) all.stream().filter(Task::done).count());
            long waiting = consumers.stream().filter(t -> !t.done()).count();
            assertTrue(waiting > 0, "the test needs consumers left waiting");
            assertEquals(0, tokens[0], waiting + " consumers wait next to " + tokens[0] + " tokens");
            try (var _ = cond.hold()) { // release the rest, then everything must finish
                tokens[0] += (int) waiting;
                cond.notifyAllWaiters();
            }
            awaitAll(all);
        });
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 1234, 987654321})
    void queueNeverStrandsAnItemWithWaitingGetters(long seed) {
        queueScenario(seed, true);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 1234, 987654321})
    void queueNeverStrandsAFreeSlotWithWaitingPutters(long seed) {
        queueScenario(seed, false);
    }

    /**
     * Many getters (or putters) queue up first, on an empty (or full) queue; then tasks of the
     * other kind arrive at random and, now and then, cancel the oldest waiter right after their
     * operation, which is usually the one it has just woken. Nobody arrives later to take a
     * stranded item or slot, so a lost wake-up stays visible. Every item put must come out once.
     */
    private static void queueScenario(long seed, boolean gettersWaitFirst) {
        int capacity = 3;
        run(() -> {
            Random rnd = new Random(seed);
            Queue<Integer> q = new Queue<>(capacity);
            Set<Integer> put = new HashSet<>();
            List<Integer> got = new ArrayList<>();
            List<Task<?>> getters = new ArrayList<>();
            List<Task<?>> putters = new ArrayList<>();
            List<Task<?>> all = new ArrayList<>();
            int[] nextItem = {0};
            Runnable newGetter = () -> {
                boolean chaos = !gettersWaitFirst && rnd.nextInt(3) == 0;
                Task<Void> t = Asyncio.createTask(() -> {
                    got.add(q.get());
                    if (chaos) cancelOldestOther(putters);
                });
                getters.add(t);
                all.add(t);
            };
            Runnable newPutter = () -> {
                int item = nextItem[0]++;
                boolean chaos = gettersWaitFirst && rnd.nextInt(3) == 0;
                Task<Void> t = Asyncio.createTask(() -> {
                    q.put(item);
                    put.add(item);
                    if (chaos) cancelOldestOther(getters);
                });
                putters.add(t);
                all.add(t);
            };
            if (!gettersWaitFirst) {
                for (int i = 0; i < capacity; i++) {
                    int item = nextItem[0]++;
                    q.putNowait(item);
                    put.add(item);
                }
            }
            for (int i = 0; i < TASKS; i++) (gettersWaitFirst ? newGetter : newPutter).run();
            runReady();
            for (int i = 0; i < TASKS / 2; i++) {
                (gettersWaitFirst ? newPutter : newGetter).run();
                if (rnd.nextInt(5) == 0) cancelRandom(gettersWaitFirst ? getters : putters, rnd);
                if (rnd.nextInt(3) == 0) runReady(rnd.nextInt(3));
            }
            untilNothingMoves(() -> got.size() * 1000 + put.size());
            long waitingGetters = getters.stream().filter(t -> !t.done()).count();
            long waitingPutters = putters.stream().filter(t -> !t.done()).count();
            assertTrue(waitingGetters + waitingPutters > 0, "the test needs waiters left");
            assertFalse(waitingGetters > 0 && !q.empty(), waitingGetters + " getters wait next to " + q.qsize() + " items");
            assertFalse(waitingPutters > 0 && !q.full(), waitingPutters + " putters wait next to a free slot");
            // Let everything finish: the shutdown fails the waiters that remain.
            q.shutdown();
            for (Task<?> t : all) {
                try {
                    t.await();
                } catch (CancelledError | QueueShutDown expected) {
                    // cancelled by the chaos, or still waiting at the shutdown
                }
            }
            while (!q.empty()) got.add(q.getNowait());
            assertEquals(put.size(), got.size(), "no item lost or duplicated");
            assertEquals(put, new HashSet<>(got));
        });
    }
}
