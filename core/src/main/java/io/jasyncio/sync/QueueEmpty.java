package io.jasyncio.sync;

import java.util.NoSuchElementException;

/**
 * Thrown by {@link Queue#getNowait()} when the queue has no item: asyncio's {@code QueueEmpty}.
 *
 * <pre>{@code
 * try {
 *     Job job = queue.getNowait();
 * } catch (QueueEmpty e) {
 *     // nothing to do right now
 * }
 * }</pre>
 *
 * <p>Unchecked, and a {@link NoSuchElementException} because that is what Java's collections
 * throw when asked for an element they do not have ({@link java.util.Queue#remove()}).
 */
public class QueueEmpty extends NoSuchElementException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened, for the reader of a stack trace */
    public QueueEmpty(String message) {
        super(message);
    }
}
