package io.jasyncio.sync;

import static org.junit.jupiter.api.Assertions.fail;

import io.jasyncio.AsyncRunnable;
import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.TimerHandle;
import java.time.Duration;

/** Helpers shared by the tests of this package. */
final class SyncTesting {
    /**
     * Far above what any test needs (each takes milliseconds, seconds on a machine at load 20);
     * only a lost wake-up gets near it.
     */
    static final Duration DEADLINE = Duration.ofSeconds(20);

    private SyncTesting() {}

    /**
     * Runs {@code body} as the main task of a new loop. A lost wake-up would leave some task
     * waiting forever; a loop timer then fails the test with that diagnosis instead of letting
     * it hang: it cancels every task of the loop, and again every 100 ms, because a test that
     * awaits many tasks in turn may catch a cancellation and await the next stuck one.
     */
    static void run(AsyncRunnable body) {
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
    static void runReady() {
        Asyncio.sleep(Duration.ZERO);
    }

    /** {@link #runReady()} {@code n} times. */
    static void runReady(int n) {
        for (int i = 0; i < n; i++) runReady();
    }
}
