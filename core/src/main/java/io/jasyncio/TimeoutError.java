package io.jasyncio;

/**
 * A deadline passed: thrown by {@link Asyncio#waitFor}, by a {@link Timeout} scope that expired, and
 * by {@link AsCompleted#next()} — asyncio's {@code TimeoutError}. Unchecked, like every error of
 * this library that code inside a task reacts to.
 *
 * <pre>{@code
 * try {
 *     String page = Asyncio.waitFor(fetch, Duration.ofSeconds(2));
 * } catch (TimeoutError e) {
 *     // e.getCause() is the CancelledError that interrupted fetch
 * }
 * }</pre>
 *
 * <p>When a scope turns its own cancellation into a timeout, the {@link CancelledError} it caught
 * is the cause, as asyncio's {@code raise TimeoutError from exc}.
 */
public class TimeoutError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TimeoutError() {
        super();
    }

    public TimeoutError(String message) {
        super(message);
    }

    /** A timeout error caused by {@code cause}, usually the cancellation the deadline sent. */
    public TimeoutError(Throwable cause) {
        super(null, cause);
    }

    public TimeoutError(String message, Throwable cause) {
        super(message, cause);
    }
}
