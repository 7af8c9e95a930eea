package io.jasyncio.sync;

import static io.jasyncio.sync.SyncTesting.run;
import static io.jasyncio.sync.SyncTesting.runReady;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RwLockTest {

    @Test
    void toStringShowsWhoHoldsTheLockAndHowManyWait() {
        run(() -> {
            RwLock lock = new RwLock();
            assertEquals("RwLock[unlocked]", lock.toString());
            Held r1 = lock.read();
            assertEquals("RwLock[read-locked by 1]", lock.toString());
            Held r2 = lock.read();
            Task<Void> w = Asyncio.createTask(() -> {
                try (var _ = lock.write()) {
                    assertEquals("RwLock[write-locked]", lock.toString());
                }
            });
            runReady();
            assertEquals("RwLock[read-locked by 2, waiters:1]", lock.toString());
            r1.close();
            r2.close();
            w.await();
            assertEquals("RwLock[unlocked]", lock.toString());
        });
    }

    @Test
    void readersShareAndAWriterExcludesEveryone() {
        run(() -> {
            RwLock lock = new RwLock();
            Held r1 = lock.read();
            Held r2 = lock.read();
            assertEquals(2, lock.readers());
            Task<Void> w = Asyncio.createTask(() -> {
                try (var _ = lock.write()) {
                    assertEquals(0, lock.readers());
                }
            });
            runReady(2);
            assertFalse(w.done(), "the writer waits for the readers");
            r1.close();
            runReady(2);
            assertFalse(w.done());
            r2.close();
            w.await();
            assertFalse(lock.writeLocked());
            assertEquals(0, lock.readers());
        });
    }

    @Test
    void aReaderArrivingWhileAWriterWaitsQueuesBehindItAndTheOrderIsFifo() {
        run(() -> {
            RwLock lock = new RwLock();
            List<String> order = new ArrayList<>();
            lock.acquireRead();
            List<Task<Void>> tasks = new ArrayList<>();
            for (String who : List.of("W1", "R1", "R2", "W2", "R3")) {
                tasks.add(Asyncio.createTask(() -> {
                    if (who.startsWith("W")) {
                        try (var _ = lock.write()) {
                            order.add(who);
                            runReady();
                        }
                    } else {
                        try (var _ = lock.read()) {
                            order.add(who);
                            runReady();
                        }
                    }
                }));
                runReady();
            }
            assertEquals(List.of(), order, "nobody overtakes the waiting writer, not even a reader");
            lock.releaseRead();
            for (Task<Void> t : tasks) t.await();
            assertEquals(List.of("W1", "R1", "R2", "W2", "R3"), order);
        });
    }

    @Test
    void readersAtTheHeadOfTheLineEnterTogether() {
        run(() -> {
            RwLock lock = new RwLock();
            lock.acquireWrite();
            int[] maxReaders = {0};
            List<Task<Void>> readers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                readers.add(Asyncio.createTask(() -> {
                    try (var _ = lock.read()) {
                        maxReaders[0] = Math.max(maxReaders[0], lock.readers());
                        runReady(2);
                    }
                }));
            }
            runReady();
            lock.releaseWrite();
            for (Task<Void> t : readers) t.await();
            assertEquals(3, maxReaders[0]);
        });
    }

    @Test
    void aWaitingWriterCancelledLetsTheReadersBehindItIn() {
        run(() -> {
            RwLock lock = new RwLock();
            lock.acquireRead();
            Task<Void> w = Asyncio.createTask(lock::acquireWrite);
            runReady();
            Task<Void> r = Asyncio.createTask(lock::acquireRead);
            runReady();
            assertFalse(r.done());
            w.cancel();
            assertThrows(CancelledError.class, w::await);
            r.await();
            assertEquals(2, lock.readers());
        });
    }

    @Test
    void aWaiterCancelledAfterItWasGrantedTheLockPassesItOn() {
        run(() -> {
            RwLock lock = new RwLock();
            lock.acquireWrite();
            Task<Void> w2 = Asyncio.createTask(lock::acquireWrite);
            Task<Void> r = Asyncio.createTask(lock::acquireRead);
            runReady();
            lock.releaseWrite(); // grants w2 at once
            assertTrue(lock.writeLocked());
            w2.cancel();         // before w2 runs
            assertThrows(CancelledError.class, w2::await);
            r.await();
            assertFalse(lock.writeLocked());
            assertEquals(1, lock.readers(), "the lock went on to the reader");
        });
    }

    @Test
    void releasingWhatIsNotHeldAndUseFromAnotherLoopFailPrecisely() {
        RwLock lock = new RwLock();
        run(() -> {
            IllegalStateException r = assertThrows(IllegalStateException.class, lock::releaseRead);
            assertEquals("RwLock is not read-locked: releaseRead() needs a preceding acquireRead()", r.getMessage());
            IllegalStateException w = assertThrows(IllegalStateException.class, lock::releaseWrite);
            assertEquals("RwLock is not write-locked: releaseWrite() needs a preceding acquireWrite()", w.getMessage());
        });
        run(() -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, lock::acquireRead);
            assertTrue(e.getMessage().startsWith("RwLock.acquireRead() was called on the event loop running in thread"), e.getMessage());
            assertTrue(e.getMessage().contains("bound to another event loop"), e.getMessage());
        });
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 1234, 987654321})
    void randomCancellationNeverBreaksExclusionNorStrandsTheLock(long seed) {
        run(() -> {
            Random rnd = new Random(seed);
            RwLock lock = new RwLock();
            int[] readersIn = {0};
            int[] writersIn = {0};
            List<Task<?>> tasks = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                boolean write = rnd.nextInt(3) == 0;
                int hold = rnd.nextInt(3);
                boolean chaos = rnd.nextInt(4) == 0;
                tasks.add(Asyncio.createTask(() -> {
                    try (var _ = write ? lock.write() : lock.read()) {
                        if (write) writersIn[0]++;
                        else readersIn[0]++;
                        assertTrue(writersIn[0] == 0 || (writersIn[0] == 1 && readersIn[0] == 0), "exclusion");
                        try {
                            runReady(hold);
                        } finally {
                            if (write) writersIn[0]--;
                            else readersIn[0]--;
                        }
                    }
                    // Usually the waiter just granted the lock: the dangerous moment.
                    if (chaos) SyncTesting.cancelOldestOther(tasks);
                }));
                if (rnd.nextInt(5) == 0) SyncTesting.cancelRandom(tasks, rnd);
                if (rnd.nextInt(3) == 0) runReady(rnd.nextInt(3));
            }
            int cancelled = SyncTesting.awaitAll(tasks);
            assertTrue(cancelled > 40, "the test should cancel many waiters, cancelled " + cancelled);
            assertFalse(lock.writeLocked());
            assertEquals(0, lock.readers());
            try (var _ = lock.write()) {
                assertTrue(lock.writeLocked(), "the lock is free for a writer at the end");
            }
        });
    }
}
