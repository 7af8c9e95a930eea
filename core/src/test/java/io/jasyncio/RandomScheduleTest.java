package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.sync.Event;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** EventLoop.setRandomSchedule: seeded permutation of each iteration's batch, per-producer FIFO kept. */
@Timeout(60)
class RandomScheduleTest {
    private static final int SEEDS = 200;

    /** Runs {@code body} on a new loop, randomized with {@code seed} (null: asyncio's FIFO order). */
    private static <T> T runWith(Long seed, Coroutine<T> body) {
        try (EventLoop loop = new EventLoop()) {
            if (seed != null) loop.setRandomSchedule(seed);
            return loop.runUntilComplete(body);
        }
    }

    /**
     * Order in which 8 independent producers' callbacks run: callback i is scheduled by its own
     * "producer" callback i, so the 8 land in one iteration with 8 different producers.
     */
    private static List<Integer> independentOrder(Long seed) {
        return runWith(seed, () -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<Integer> order = new ArrayList<>();
            Future<Void> done = loop.createFuture();
            for (int i = 0; i < 8; i++) {
                int id = i;
                loop.callSoon(() -> loop.callSoon(() -> {
                    order.add(id);
                    if (order.size() == 8) done.setResult(null);
                }));
            }
            done.await();
            return order;
        });
    }

    @Test
    void independentProducersArePermutedAndASeedReplaysExactly() {
        List<Integer> fifo = independentOrder(null);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), fifo);
        int differing = 0;
        for (long seed = 0; seed < 50; seed++) {
            List<Integer> order = independentOrder(seed);
            assertEquals(order, independentOrder(seed), "seed " + seed + " replays the same order");
            if (!order.equals(fifo)) differing++;
        }
        assertTrue(differing > 40, "almost every seed should reorder 8 independent producers, got " + differing);
    }

    @Test
    void whatOneProducerSchedulesKeepsItsOrder() {
        for (long seed = 0; seed < 50; seed++) {
            List<String> log = runWith(seed, () -> {
                EventLoop loop = Asyncio.getRunningLoop();
                List<String> out = new ArrayList<>();
                // Two producers, each scheduling a run of callbacks in one go, and two tasks
                // each taking steps: within each, the order must hold.
                loop.callSoon(() -> {
                    for (int i = 0; i < 20; i++) {
                        int n = i;
                        loop.callSoon(() -> out.add("a" + n));
                    }
                });
                loop.callSoon(() -> {
                    for (int i = 0; i < 20; i++) {
                        int n = i;
                        loop.callSoon(() -> out.add("b" + n));
                    }
                });
                Task<Void> t1 = Asyncio.createTask(() -> {
                    for (int i = 0; i < 20; i++) {
                        out.add("t" + i);
                        Asyncio.sleep(java.time.Duration.ZERO);
                    }
                });
                Task<Void> t2 = Asyncio.createTask(() -> {
                    for (int i = 0; i < 20; i++) {
                        out.add("u" + i);
                        Asyncio.sleep(java.time.Duration.ZERO);
                    }
                });
                t1.await();
                t2.await();
                return out;
            });
            for (String p : List.of("a", "b", "t", "u")) {
                List<Integer> seq = log.stream().filter(s -> s.startsWith(p)).map(s -> Integer.parseInt(s.substring(1))).toList();
                assertEquals(java.util.stream.IntStream.range(0, 20).boxed().toList(), seq, "order of " + p + " under seed " + seed);
            }
        }
    }

    /**
     * A deliberately racy example: a query handler reads the session that a login handler sets.
     * The two handlers wait for two replies that arrive in the same loop iteration (here from two
     * callbacks, as two socket reads would). Under FIFO the login reply always wins, so the bug
     * never shows; it is still a bug, because nothing orders two different producers.
     */
    private static String racyLoginThenQuery(Long seed, boolean fixed) {
        return runWith(seed, () -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<String> loginReply = loop.createFuture();
            Future<String> queryReply = loop.createFuture();
            Event loggedIn = new Event();
            String[] session = {null};
            Task<Void> login = Asyncio.createTask(() -> {
                session[0] = loginReply.await();
                loggedIn.set();
            });
            Task<String> query = Asyncio.createTask(() -> {
                String rows = queryReply.await();
                if (fixed) loggedIn.await(); // the fix: wait for what you depend on
                if (session[0] == null) throw new IllegalStateException("query handled before login");
                return session[0] + ":" + rows;
            });
            Asyncio.sleep(java.time.Duration.ZERO); // both handlers wait now
            loop.callSoon(() -> loginReply.setResult("s1"));
            loop.callSoon(() -> queryReply.setResult("rows"));
            login.await();
            try {
                return query.await();
            } catch (IllegalStateException e) {
                return "BUG: " + e.getMessage();
            }
        });
    }

    @Test
    void findsARealOrderingBugThatFifoHidesAndTheFailingSeedReplays() {
        assertEquals("s1:rows", racyLoginThenQuery(null, false), "FIFO never shows the bug");
        List<Long> failing = new ArrayList<>();
        for (long seed = 0; seed < SEEDS; seed++) {
            if (racyLoginThenQuery(seed, false).startsWith("BUG")) failing.add(seed);
        }
        assertFalse(failing.isEmpty(), "some seed must expose the race");
        assertTrue(failing.size() < SEEDS, "and some seed must not");
        for (long seed : failing.subList(0, Math.min(5, failing.size()))) {
            assertEquals("BUG: query handled before login", racyLoginThenQuery(seed, false), "seed " + seed + " replays the failure");
        }
        for (long seed = 0; seed < SEEDS; seed++) {
            assertEquals("s1:rows", racyLoginThenQuery(seed, true), "the fixed code passes under seed " + seed);
        }
    }

    @Test
    void onlyTheLoopThreadMayTurnItOn() throws Exception {
        try (EventLoop loop = new EventLoop()) {
            loop.setRandomSchedule(1); // before it runs: allowed
            loop.runUntilComplete(() -> {
                IllegalStateException e = Asyncio.toThread(() -> assertThrows(IllegalStateException.class, () -> loop.setRandomSchedule(2)));
                assertTrue(e.getMessage().startsWith("setRandomSchedule() was called from thread"), e.getMessage());
                return null;
            });
        }
    }
}
