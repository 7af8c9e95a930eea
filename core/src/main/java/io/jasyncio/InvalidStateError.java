package io.jasyncio;

/**
 * A future or task was used in a state that does not allow the operation: asyncio's
 * {@code InvalidStateError}, for example {@link Future#result()} on a pending future or
 * {@link Future#setResult} on a future that is already done.
 *
 * <pre>{@code
 * Future<Integer> f = loop.createFuture();
 * f.setResult(1);
 * f.setResult(2); // throws InvalidStateError
 * }</pre>
 */
public class InvalidStateError extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public InvalidStateError(String message) {
        super(message);
    }
}
