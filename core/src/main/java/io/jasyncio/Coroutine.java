package io.jasyncio;

/**
 * An async function that produces a value: ordinary Java code that runs inside a {@link Task} and
 * may suspend (await futures, sleep, or block in JDK calls) without blocking its event loop.
 *
 * <p>Calling {@link #call()} from inside a task simply runs it in that task, like asyncio's
 * {@code await coro()}; {@link Asyncio#createTask(Coroutine)} runs it concurrently.
 *
 * <pre>{@code
 * Coroutine<String> fetch = () -> {
 *     Asyncio.sleep(Duration.ofMillis(10));
 *     return "data";
 * };
 * String s = Asyncio.run(fetch);
 * }</pre>
 *
 * @param <T> the result type
 * @see AsyncRunnable the variant without a result
 */
@FunctionalInterface
public interface Coroutine<T> {
    /** Runs the function in the current task; may suspend. */
    T call() throws Exception;

    /** Adapts a {@link AsyncRunnable} to a coroutine whose result is {@code null}. */
    static Coroutine<Void> of(AsyncRunnable body) {
        return () -> {
            body.run();
            return null;
        };
    }
}
