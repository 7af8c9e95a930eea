package io.jasyncio;

/**
 * Receives errors that have nobody else to receive them: exceptions thrown by callbacks, task
 * exceptions that were never retrieved, failures during shutdown. Set one with
 * {@link EventLoop#setExceptionHandler}; the default logs through {@link System.Logger} and the loop
 * keeps running.
 *
 * <pre>{@code
 * loop.setExceptionHandler((l, ctx) -> metrics.count(ctx.message()));
 * }</pre>
 */
@FunctionalInterface
public interface ExceptionHandler {
    /** Called on the loop thread; an exception thrown here is logged and otherwise ignored. */
    void handle(EventLoop loop, ErrorContext context);
}
