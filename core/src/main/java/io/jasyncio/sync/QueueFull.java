package io.jasyncio.sync;

/**
 * Thrown by {@link Queue#putNowait} when the queue holds {@code maxsize} items: asyncio's
 * {@code QueueFull}.
 *
 * <pre>{@code
 * try {
 *     queue.putNowait(job);
 * } catch (QueueFull e) {
 *     // shed load, or use queue.put(job), which waits for room
 * }
 * }</pre>
 *
 * <p>Unchecked, and an {@link IllegalStateException} because that is what Java's bounded
 * collections throw when an element does not fit ({@link java.util.Queue#add}).
 */
public class QueueFull extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened, for the reader of a stack trace */
    public QueueFull(String message) {
        super(message);
    }
}
