package io.jasyncio.channel;

import static org.junit.jupiter.api.Assertions.fail;

import io.jasyncio.AsyncRunnable;
import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.TimerHandle;
import java.time.Duration;
import java.util.List;

/** Helpers shared by the tests of this package (as sync's SyncTesting). */
final class ChannelTesting {
    /** Far above what any test needs; only a lost wake-up gets near it. */
    static final Duration DEADLINE = Duration.ofSeconds(10);

    private ChannelTesting() {}

    /**
     * Runs {@code body} as the main task of a new loop; a lost wake-up (a task waiting forever)
     * fails the test after {@link #DEADLINE} instead of hanging it: every task is cancelled, and
     * again every 100 ms.
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

    /** Lets every ready task and callback run one step: asyncio's {@code await asyncio.sleep(0)}. */
    static void runReady() {
        Asyncio.sleep(Duration.ZERO);
    }

    static void runReady(int n) {
        for (int i = 0; i < n; i++) runReady();
    }

    /** Awaits every task; returns how many ended cancelled. Anything else they threw fails the test. */
    static int awaitAll(List<? extends Task<?>> tasks) {
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
}
