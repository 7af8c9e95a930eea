package io.jasyncio;

/**
 * What an {@link ExceptionHandler} is told: asyncio's context dictionary as a record.
 *
 * <pre>{@code
 * loop.setExceptionHandler((l, ctx) -> System.err.println(ctx.message() + ": " + ctx.exception()));
 * }</pre>
 *
 * @param message   what happened, never null
 * @param exception the exception, or {@code null}
 * @param future    the future or task concerned, or {@code null}
 * @param handle    the callback handle concerned, or {@code null}
 */
public record ErrorContext(String message, Throwable exception, Future<?> future, Handle handle) {
    public ErrorContext {
        if (message == null) throw new NullPointerException("message");
    }

    /** A context with only a message and an exception. */
    public static ErrorContext of(String message, Throwable exception) {
        return new ErrorContext(message, exception, null, null);
    }
}
