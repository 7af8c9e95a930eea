package io.jasyncio.sync;

/**
 * Thrown by a {@link Queue} that was shut down ({@link Queue#shutdown(boolean)}): by every put,
 * and by gets once the queue is empty (at once after an immediate shutdown). asyncio 3.13's
 * {@code QueueShutDown}. For consumers it is the normal end of the stream of items:
 *
 * <pre>{@code
 * while (true) {
 *     Job job;
 *     try {
 *         job = queue.get();
 *     } catch (QueueShutDown e) {
 *         break;                 // producers are done and the queue is drained
 *     }
 *     handle(job);
 *     queue.taskDone();
 * }
 * }</pre>
 *
 * <p>Unchecked, and an {@link IllegalStateException}: the queue is in a state that refuses the
 * operation, as {@link QueueFull} is.
 */
public class QueueShutDown extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened, for the reader of a stack trace */
    public QueueShutDown(String message) {
        super(message);
    }
}
