package io.jasyncio;

/**
 * An async function without a result: the void variant of {@link Coroutine}.
 *
 * <pre>{@code
 * Asyncio.run(() -> {
 *     System.out.println("Hello ...");
 *     Asyncio.sleep(Duration.ofSeconds(1));
 *     System.out.println("... World!");
 * });
 * }</pre>
 */
@FunctionalInterface
public interface AsyncRunnable {
    /** Runs the function in the current task; may suspend. */
    void run() throws Exception;
}
