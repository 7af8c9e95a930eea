package io.jasyncio.examples.guide;

import io.jasyncio.Asyncio;
import io.jasyncio.RunOptions;
import io.jasyncio.Task;
import java.time.Duration;

/**
 * The guide's page on virtual time and debugging, compiled; snippets in
 * {@code docs/guide/06-testing-debugging.md}.
 *
 * <pre>{@code
 * double t = Debugging.aDayInVirtualTime();   // 86400.0, at once
 * }</pre>
 */
public final class Debugging {
    private Debugging() {
    }

    /** Sleeps a day on virtual time; returns the loop's clock at the end (seconds). */
    public static double aDayInVirtualTime() {
        // tag::virtual-time[]
        double end = Asyncio.run(() -> {
            Asyncio.sleep(Duration.ofDays(1));       // returns at once: the clock jumps to the timer
            return Asyncio.getRunningLoop().time();
        }, RunOptions.defaults().virtualTime(true));
        // end::virtual-time[]
        return end;
    }

    /** A dump of the running tasks, as a stuck program would print it. Suspending. */
    public static String dumpWhileWaiting() {
        // tag::dump[]
        Task<Void> waiter = Asyncio.createTask(() -> Asyncio.sleep(Duration.ofHours(1)), "waiter");
        Asyncio.sleep(Duration.ZERO);                  // let it start
        String dump = Asyncio.dumpTasks();             // every task of every loop, with its stack
        waiter.cancel();
        // end::dump[]
        return dump;
    }

    /** Debug mode: slow steps are logged with the task's stack. */
    public static void debugMode() {
        // tag::debug[]
        // Or run with JASYNCIO_DEBUG=1 in the environment.
        Asyncio.run(() -> {
            long end = System.nanoTime() + 150_000_000;
            while (System.nanoTime() < end) { }      // 150 ms without suspending: logged as a slow step
        }, RunOptions.defaults().debug(true).slowCallbackDuration(Duration.ofMillis(100)));
        // end::debug[]
    }
}
