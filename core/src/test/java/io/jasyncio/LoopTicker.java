package io.jasyncio;

import java.time.Duration;

/**
 * A task that sleeps 10 ms in a loop and records how late each wake-up was, per phase: the
 * probe of the "does not block the loop" tests (a loop blocked by a call is as late as the call
 * is long). Phase 0 is "alone", phase 1 "during the work under test". Loop thread only.
 *
 * <pre>{@code
 * LoopTicker ticker = LoopTicker.start();
 * Asyncio.sleep(Duration.ofMillis(500));   // lateness alone
 * ticker.phase(1);
 * workThatMustNotBlockTheLoop();
 * ticker.cancel();
 * assertTrue(ticker.worstMillis(1) <= ticker.worstMillis(0) + 20);
 * }</pre>
 */
public final class LoopTicker {
    private final double[] worst = new double[2];
    private final int[] ticks = new int[2];
    private int phase;
    private Task<Void> task;

    private LoopTicker() {}

    /** Starts ticking in phase 0, as a task of the running loop. */
    public static LoopTicker start() {
        LoopTicker t = new LoopTicker();
        EventLoop loop = Asyncio.getRunningLoop();
        t.task = Asyncio.createTask(() -> {
            while (true) {
                double due = loop.time() + 0.010;
                Asyncio.sleep(Duration.ofMillis(10));
                int p = t.phase;
                t.worst[p] = Math.max(t.worst[p], (loop.time() - due) * 1000);
                t.ticks[p]++;
            }
        });
        return t;
    }

    /** Records the following ticks under {@code p} (0 or 1). */
    public void phase(int p) {
        phase = p;
    }

    /** The latest wake-up seen in phase {@code p}, in ms. */
    public double worstMillis(int p) {
        return worst[p];
    }

    /** How many ticks phase {@code p} saw. */
    public int ticks(int p) {
        return ticks[p];
    }

    /** Stops the ticker task. */
    public void cancel() {
        task.cancel();
    }
}
