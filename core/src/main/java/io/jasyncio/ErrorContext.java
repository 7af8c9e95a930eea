package io.jasyncio;

import java.nio.channels.Channel;

/**
 * What an {@link ExceptionHandler} is told: asyncio's context dictionary as a record. The
 * components are asyncio's keys ({@code message}, {@code exception}, {@code future},
 * {@code handle}, {@code transport}, {@code protocol}, {@code socket}); those that do not apply
 * are null.
 *
 * <pre>{@code
 * loop.setExceptionHandler((l, ctx) -> {
 *     System.err.println(ctx.message() + ": " + ctx.exception());
 *     if (ctx.transport() != null) ctx.transport().abort(); // e.g. drop a connection that misbehaves
 * });
 * }</pre>
 *
 * <p>A value: its methods never suspend and may be called from any thread.
 *
 * @param message   what happened, never null
 * @param exception the exception, or {@code null}
 * @param future    the future or task concerned, or {@code null}
 * @param handle    the callback handle concerned, or {@code null}
 * @param transport the transport the error comes from ({@code io.jasyncio.net.BaseTransport}), or {@code null}
 * @param protocol  that transport's protocol ({@code io.jasyncio.net.BaseProtocol}), or {@code null}
 * @param socket    the socket channel concerned, or {@code null}
 */
public record ErrorContext(String message, Throwable exception, Future<?> future, Handle handle,
                           io.jasyncio.net.BaseTransport transport, io.jasyncio.net.BaseProtocol protocol, Channel socket) {
    public ErrorContext {
        if (message == null) throw new NullPointerException("message");
    }

    /** A context without I/O objects: the error does not come from a transport. */
    public ErrorContext(String message, Throwable exception, Future<?> future, Handle handle) {
        this(message, exception, future, handle, null, null, null);
    }

    /** A context with only a message and an exception. */
    public static ErrorContext of(String message, Throwable exception) {
        return new ErrorContext(message, exception, null, null);
    }
}
