package io.jasyncio;

/**
 * When {@link Asyncio#wait} returns: asyncio's {@code FIRST_COMPLETED}, {@code FIRST_EXCEPTION}
 * and {@code ALL_COMPLETED}.
 *
 * <pre>{@code
 * WaitResult<Task<String>> r = Asyncio.wait(tasks, null, ReturnWhen.FIRST_COMPLETED);
 * }</pre>
 */
public enum ReturnWhen {
    /** When any future finishes or is cancelled. */
    FIRST_COMPLETED,
    /**
     * When any future finishes by raising an exception (a cancellation does not count), or when
     * all are done.
     */
    FIRST_EXCEPTION,
    /** When all futures are done. */
    ALL_COMPLETED
}
