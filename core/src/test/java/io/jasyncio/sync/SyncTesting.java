package io.jasyncio.sync;

import static org.junit.jupiter.api.Assertions.fail;

import io.jasyncio.AsyncRunnable;
import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.TimerHandle;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;

/** Helpers shared by the tests of this package (and by the channel tests, whose waits work the same way). */
public final class SyncTesting {
    /**
     * Far above what any test needs (each takes milliseconds, seconds on a machine at load 20);
     * only a lost wake-up gets near it.
     */
    public static final Duration DEADLINE = Duration.ofSeconds(20);

    private SyncTesting() {}

    /**
     * Runs {@code body} as the main task of a new loop. A lost wake-up would leave some task
     * waiting forever; a loop timer then fails the test with that diagnosis instead of letting
     * it hang: it cancels every task of the loop, and again every 100 ms, because a test that
     * awaits many tasks in turn may catch a cancellation and await the next stuck one.
     */
    public static void run(AsyncRunnable body) {
        boolean[] expired = {false};
        try {
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                TimerHandle[] watchdog = new TimerHandle[1];
                Runnable[] expire = new Runnable[1];
                expire[0] = () -> {
                    expired[0] = true;
                    for (Task<?> t : loop.allTasks()) t.cancel("deadline exceeded");
                    watchdog[0] = loop.callLater(Duration.ofMillis(100), expire[0]);
                };
                watchdog[0] = loop.callLater(DEADLINE, expire[0]);
                try {
                    body.run();
                } finally {
                    watchdog[0].cancel();
                }
            });
        } catch (RuntimeException | Error e) {
            if (!expired[0]) throw e;
        }
        if (expired[0]) fail("still waiting after " + DEADLINE + ": a wake-up was lost (or a test awaits the wrong thing)");
    }

    /**
     * Lets every task and callback that is ready run one step before the caller continues:
     * asyncio's {@code await asyncio.sleep(0)}. Deterministic (the loop's ready queue is FIFO);
     * not a timed wait.
     */
    public static void runReady() {
        Asyncio.sleep(Duration.ZERO);
    }

    /** {@link #runReady()} {@code n} times. */
    public static void runReady(int n) {
        for (int i = 0; i < n; i++) runReady();
    }

    /**
     * Cancels the oldest live task other than the current one that is not being cancelled
     * already (those may linger, e.g. re-acquiring a condition's lock, and would absorb the
     * chaos), if any.
     */
    public static void cancelOldestOther(List<? extends Task<?>> tasks) {
        Task<?> me = Asyncio.currentTask();
        for (Task<?> t : tasks) {
            if (t != me && !t.done() && t.cancelling() == 0) {
                t.cancel("chaos");
                return;
            }
        }
    }

    /** Cancels a random live task of {@code tasks}, if any. */
    public static void cancelRandom(List<? extends Task<?>> tasks, Random rnd) {
        List<? extends Task<?>> live = tasks.stream().filter(t -> !t.done()).toList();
        if (!live.isEmpty()) live.get(rnd.nextInt(live.size())).cancel("chaos");
    }

    /** Awaits every task; returns how many ended cancelled. Anything else they threw fails the test. */
    public static int awaitAll(List<? extends Task<?>> tasks) {
        int cancelled = 0;
        for (Task<?> t : tasks) {
            try {
                t.await();
            } catch (CancelledError e) {
                cancelled++;
            }
        }
        return cancelled;
    }

    /**
     * Runs ready tasks until {@code state} has not changed for a few rounds: every task is then
     * waiting for something that only the test can provide. Each round is one deterministic
     * {@link #runReady()}.
     */
    public static void untilNothingMoves(IntSupplier state) {
        int stable = 0;
        int last = state.getAsInt();
        while (stable < 3) {
            runReady();
            int now = state.getAsInt();
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
    }
}
