package io.jasyncio;

import java.util.concurrent.CompletionException;

/**
 * How an awaitable ended: a value or an exception. {@link Asyncio#gatherReturnExceptions} returns
 * one per awaitable where asyncio's {@code gather(..., return_exceptions=True)} returns a list
 * mixing results and exception objects; a cancelled awaitable gives a {@link Failure} holding a
 * {@link CancelledError}, as in asyncio.
 *
 * <pre>{@code
 * for (Outcome<String> o : Asyncio.gatherReturnExceptions(a, b).await()) {
 *     switch (o) {
 *         case Outcome.Success<String>(String page) -> System.out.println(page);
 *         case Outcome.Failure<String>(Throwable e) -> System.err.println("failed: " + e);
 *     }
 * }
 * }</pre>
 *
 * <p>A value: its methods never suspend and may be called from any thread.
 *
 * @param <T> the value type
 */
public sealed interface Outcome<T> permits Outcome.Success, Outcome.Failure {

    /** Ended with {@code value} (which may be null). */
    record Success<T>(T value) implements Outcome<T> {}

    /** Ended with {@code exception}: what was thrown, or a {@link CancelledError} if cancelled. */
    record Failure<T>(Throwable exception) implements Outcome<T> {
        public Failure {
            if (exception == null) throw new NullPointerException("exception");
        }
    }

    /** Whether this is a {@link Success}. */
    default boolean succeeded() {
        return this instanceof Success<T>;
    }

    /** Whether this is a {@link Failure} by cancellation. */
    default boolean cancelled() {
        return exception() instanceof CancelledError;
    }

    /** The exception of a {@link Failure}, or null for a {@link Success}. */
    default Throwable exception() {
        return null;
    }

    /**
     * The value of a {@link Success}; for a {@link Failure}, throws as {@link Future#result()}
     * does: an unchecked exception as it is, a checked one wrapped in a
     * {@link CompletionException}.
     */
    default T result() {
        return switch (this) {
            case Success<T>(T value) -> value;
            case Failure<T>(Throwable e) -> throw Future.rethrowable(e);
        };
    }

    /**
     * The outcome of a done future: its result, its exception, or for a cancelled future a new
     * {@link CancelledError} with its cancellation message (asyncio's gather does the same).
     *
     * @throws InvalidStateError if the future is not done
     */
    static <T> Outcome<T> of(Future<T> done) {
        if (!done.done()) throw new InvalidStateError("Outcome.of() needs a done future: " + done);
        if (done.cancelled()) return new Failure<>(new CancelledError(done.cancelMessage()));
        Throwable e = done.exception();
        return e != null ? new Failure<>(e) : new Success<>(done.result());
    }
}
