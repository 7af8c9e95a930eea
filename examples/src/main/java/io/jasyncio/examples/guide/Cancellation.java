package io.jasyncio.examples.guide;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import io.jasyncio.TimeoutError;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionException;

/**
 * The guide's page on cancellation, timeouts and checked exceptions, compiled. The snippets
 * appear verbatim in {@code docs/guide/02-cancellation.md}.
 *
 * <pre>{@code
 * String how = Asyncio.run(Cancellation::cancelAWorker);   // "cancelled: shutting down"
 * }</pre>
 */
public final class Cancellation {
    private Cancellation() {
    }

    /** Cancels a sleeping worker and reports how it ended. Suspending. */
    public static String cancelAWorker() {
        // tag::cancel[]
        Task<Void> worker = Asyncio.createTask(() -> {
            try {
                Asyncio.sleep(Duration.ofHours(1));
            } catch (CancelledError e) {
                System.out.println("cleaning up");   // asyncio: except asyncio.CancelledError:
                throw e;                             // always rethrow it
            }
        });
        Asyncio.sleep(Duration.ofMillis(10));
        worker.cancel("shutting down");
        try {
            worker.await();
        } catch (CancelledError e) {
            return "cancelled: " + e.getMessage();
        }
        // end::cancel[]
        return "not cancelled";
    }

    /** A catch of Exception does not swallow a cancellation. Suspending. */
    public static boolean catchExceptionDoesNotSwallowCancellation() {
        Task<Void> t = Asyncio.createTask(() -> {
            // tag::catch-exception[]
            try {
                Asyncio.sleep(Duration.ofHours(1));
            } catch (Exception e) {
                // never reached by a cancellation: CancelledError is an Error, like asyncio's BaseException
            }
            // end::catch-exception[]
        });
        Asyncio.sleep(Duration.ofMillis(10));
        t.cancel();
        try {
            t.await();
            return false;
        } catch (CancelledError e) {
            return true;
        }
    }

    /** Timeouts in both forms. Suspending. */
    public static String timeouts() throws Exception {
        // tag::timeout[]
        // asyncio:  async with asyncio.timeout(0.05): await slow()
        try {
            Asyncio.timeout(Duration.ofMillis(50), () -> Asyncio.sleep(Duration.ofSeconds(10)));
        } catch (TimeoutError e) {
            System.out.println("too slow");
        }
        // asyncio:  await asyncio.wait_for(task, 0.05)
        Task<String> slow = Asyncio.createTask(() -> Asyncio.sleep(Duration.ofSeconds(10), "late"));
        try {
            return Asyncio.waitFor(slow, Duration.ofMillis(50));
        } catch (TimeoutError e) {
            return "timed out; slow.cancelled() = " + slow.cancelled();
        }
        // end::timeout[]
    }

    static String readConfig() throws IOException {
        throw new IOException("config not found");
    }

    /** How checked exceptions travel between tasks. Suspending. */
    public static String checkedExceptions() {
        // tag::checked[]
        Task<String> t = Asyncio.createTask(Cancellation::readConfig);   // throws IOException
        try {
            return t.await();
        } catch (CompletionException e) {
            // Another task's checked exception arrives wrapped; unchecked ones arrive as they are.
            if (e.getCause() instanceof IOException io) return "failed: " + io.getMessage();
            throw e;
        }
        // end::checked[]
    }
}
