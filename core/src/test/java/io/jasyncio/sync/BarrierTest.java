package io.jasyncio.sync;

import static io.jasyncio.sync.SyncTesting.run;
import static io.jasyncio.sync.SyncTesting.runReady;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class BarrierTest {

    @Test
    void partiesBelowOneAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Barrier(0));
        assertEquals("Barrier parties must be >= 1, got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Barrier(-5));
        assertEquals(1, new Barrier(1).parties());
    }

    @Test
    void aBarrierOfOneNeverWaits() {
        run(() -> {
            Barrier barrier = new Barrier(1);
            for (int i = 0; i < 3; i++) assertEquals(0, barrier.await());
        });
    }

    @Test
    void threePartiesOverManyRoundsWithAResetInTheMiddle() {
        int rounds = 200;
        int resetRound = 100;
        run(() -> {
            Barrier barrier = new Barrier(3);
            List<Set<Integer>> indices = new ArrayList<>();
            for (int r = 0; r < rounds; r++) indices.add(new TreeSet<>());
            List<String> broken = new ArrayList<>();
            Event resetDone = new Event();
            List<Task<Void>> workers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int id = w;
                workers.add(Asyncio.createTask(() -> {
                    for (int r = 0; r < rounds; r++) {
                        if (r == resetRound && id == 2) resetDone.await(); // arrives only after the reset
                        while (true) {
                            try {
                                indices.get(r).add(barrier.await());
                                break;
                            } catch (BrokenBarrierError e) {
                                broken.add("worker " + id + " round " + r);
                            }
                        }
                    }
                }));
            }
            // Await the moment the two others wait in the reset round, then reset.
            while (barrier.nWaiting() < 2 || !indices.get(resetRound - 1).containsAll(Set.of(0, 1, 2))) runReady();
            assertEquals(2, barrier.nWaiting());
            barrier.reset();
            assertFalse(barrier.broken());
            resetDone.set();
            for (Task<Void> t : workers) t.await();
            assertEquals(Set.of("worker 0 round " + resetRound, "worker 1 round " + resetRound), Set.copyOf(broken));
            assertEquals(2, broken.size());
            for (int r = 0; r < rounds; r++) assertEquals(Set.of(0, 1, 2), indices.get(r), "round " + r);
            assertEquals(0, barrier.nWaiting());
            assertEquals("Barrier[filling, waiters:0/3]", barrier.toString());
        });
    }

    @Test
    void aTaskArrivingWhileTheRoundDrainsWaitsForTheNextRound() {
        run(() -> {
            Barrier barrier = new Barrier(2);
            Task<Integer> a = Asyncio.createTask(barrier::await);
            Task<Integer> b = Asyncio.createTask(barrier::await);
            Task<Integer> c = Asyncio.createTask(barrier::await); // arrives while a is still leaving
            runReady(4);
            assertEquals(0, a.await());
            assertEquals(1, b.await());
            assertFalse(c.done());
            assertEquals(1, barrier.nWaiting());
            assertEquals(1, barrier.await()); // second round: c arrived first
            assertEquals(0, c.await());
        });
    }

    @Test
    void abortBreaksWaitersAndLaterArrivalsUntilReset() {
        run(() -> {
            Barrier barrier = new Barrier(3);
            Task<Integer> a = Asyncio.createTask(barrier::await);
            Task<Integer> b = Asyncio.createTask(barrier::await);
            runReady();
            assertEquals(2, barrier.nWaiting());
            barrier.abort();
            assertTrue(barrier.broken());
            assertEquals("Barrier aborted or reset while waiting", assertThrows(BrokenBarrierError.class, a::await).getMessage());
            assertThrows(BrokenBarrierError.class, b::await);
            assertEquals("Barrier aborted", assertThrows(BrokenBarrierError.class, barrier::await).getMessage());
            assertEquals("Barrier[broken]", barrier.toString());
            barrier.reset();
            assertFalse(barrier.broken());
            Task<Integer> c = Asyncio.createTask(barrier::await);
            Task<Integer> d = Asyncio.createTask(barrier::await);
            assertEquals(0, barrier.await()); // main arrives before c and d run
            assertEquals(Set.of(1, 2), Set.of(c.await(), d.await()));
        });
    }

    @Test
    void aCancelledWaiterLeavesTheRound() {
        run(() -> {
            Barrier barrier = new Barrier(3);
            Task<Integer> a = Asyncio.createTask(barrier::await);
            Task<Integer> b = Asyncio.createTask(barrier::await);
            runReady();
            a.cancel();
            assertThrows(CancelledError.class, a::await);
            assertEquals(1, barrier.nWaiting());
            Task<Integer> c = Asyncio.createTask(barrier::await);
            int mine = barrier.await();
            // The round completes with b, main and c (main arrives before c runs). As in asyncio,
            // an index is the count of tasks inside at arrival, so main repeats b's index.
            assertEquals(1, b.await());
            assertEquals(1, mine);
            assertEquals(2, c.await());
            assertFalse(barrier.broken());
        });
    }
}
