package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cancellation at random moments (seeded, with the loop's random schedule, so a failure replays
 * exactly) against tasks that nest shielded scopes, scopes with deadlines and timeouts in random
 * ways. Two rules must hold whatever the timing:
 * <ul>
 *   <li>no cancellation is lost: a task whose {@code cancel()} returned true ends cancelled, even
 *       when a shield held the request for a while; a task nobody cancelled ends normally (no
 *       held request leaks into it as a spurious cancellation or a wrong TimeoutError);</li>
 *   <li>no shield leaks: a {@code CancelledError} never reaches the body of a shielded scope
 *       unless that scope itself was cancelled.</li>
 * </ul>
 */
class ShieldRandomCancellationTest {
    private static final int WORKERS = 20;
    private static final int STEPS = 8;

    /** What the workers and the chaos share; loop thread only. */
    private static final class State {
        final List<String> violations = new ArrayList<>();
        final int[] shieldDepth = new int[WORKERS];
        int heldWhileShielded;
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 40);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    @Timeout(60)
    void noCancellationIsLostAndNoShieldLeaks(long seed) {
        State state = new State();
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setRandomSchedule(seed);
            List<Task<Void>> workers = new ArrayList<>();
            for (int i = 0; i < WORKERS; i++) {
                int id = i;
                Random rnd = new Random(seed * 1_000 + i);
                workers.add(Asyncio.createTask(() -> work(id, rnd, state), "worker-" + i));
            }
            boolean[] cancelledByChaos = new boolean[WORKERS];
            Random chaos = new Random(seed);
            while (workers.stream().anyMatch(t -> !t.done())) {
                Asyncio.sleep(Duration.ofMillis(chaos.nextInt(6)));
                int i = chaos.nextInt(WORKERS);
                if (chaos.nextBoolean() && workers.get(i).cancel("chaos")) {
                    cancelledByChaos[i] = true;
                    if (state.shieldDepth[i] > 0) state.heldWhileShielded++;
                }
            }
            for (int i = 0; i < WORKERS; i++) {
                Task<Void> t = workers.get(i);
                if (cancelledByChaos[i]) {
                    assertTrue(t.cancelled(), "seed " + seed + ": worker " + i + " was cancelled but ended " + t);
                } else {
                    assertFalse(t.cancelled(), "seed " + seed + ": worker " + i + " was never cancelled but ended cancelled");
                    assertNull(t.exception(), "seed " + seed + ": worker " + i + " failed");
                }
            }
        }, RunOptions.defaults().virtualTime(true));
        assertEquals(List.of(), state.violations);
        assertTrue(state.heldWhileShielded > 0, "seed " + seed + " never cancelled a shielded worker: the test proves nothing");
    }

    private static Duration ms(Random rnd, int bound) {
        return Duration.ofMillis(rnd.nextInt(bound));
    }

    private static void work(int id, Random rnd, State state) throws Exception {
        for (int step = 0; step < STEPS; step++) {
            switch (rnd.nextInt(5)) {
                case 0 -> Asyncio.sleep(ms(rnd, 10));
                case 1 -> {
                    // a shield, sometimes with its own deadline
                    CancelScope s = rnd.nextBoolean() ? CancelScope.create() : CancelScope.after(ms(rnd, 20));
                    s.shield(true);
                    s.run(() -> shieldedBody(id, s, rnd, state));
                }
                case 2 -> {
                    // a scope with a deadline around a shield: its deadline may be held, then caught
                    CancelScope outer = CancelScope.after(ms(rnd, 20));
                    outer.run(() -> {
                        CancelScope s = CancelScope.create();
                        s.shield(true);
                        s.run(() -> shieldedBody(id, s, rnd, state));
                        Asyncio.sleep(ms(rnd, 10));
                    });
                }
                case 3 -> {
                    // a timeout around a shield: its TimeoutError comes after the shielded part
                    try {
                        Asyncio.timeout(ms(rnd, 20), () -> {
                            CancelScope s = CancelScope.create();
                            s.shield(true);
                            s.run(() -> shieldedBody(id, s, rnd, state));
                            Asyncio.sleep(ms(rnd, 10));
                        });
                    } catch (TimeoutError ours) {
                        // the timeout's own: the worker goes on
                    }
                }
                default -> {
                    // a shield raised and lowered in the middle of an ordinary scope
                    CancelScope s = CancelScope.create();
                    s.run(() -> {
                        Asyncio.sleep(ms(rnd, 5));
                        s.shield(true);
                        shieldedBody(id, s, rnd, state);
                        s.shield(false);
                        Asyncio.sleep(ms(rnd, 5));
                    });
                }
            }
        }
    }

    /** Sleeps, perhaps under a timeout of its own; a CancelledError here must be the shield's own. */
    private static void shieldedBody(int id, CancelScope shield, Random rnd, State state) throws Exception {
        state.shieldDepth[id]++;
        try {
            if (rnd.nextBoolean()) {
                Asyncio.sleep(ms(rnd, 15));
            } else {
                try {
                    Asyncio.timeout(ms(rnd, 15), () -> Asyncio.sleep(ms(rnd, 15)));
                } catch (TimeoutError insideTheShield) {
                    // a timeout inside the shield works as usual
                }
            }
        } catch (CancelledError e) {
            if (!shield.cancelCalled()) {
                state.violations.add("worker " + id + ": a cancellation from outside reached a shielded body: " + e.getMessage());
            }
            throw e;
        } finally {
            state.shieldDepth[id]--;
        }
    }
}
