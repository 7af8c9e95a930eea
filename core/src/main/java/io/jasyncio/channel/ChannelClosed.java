package io.jasyncio.channel;

/**
 * Thrown by a {@link Channel} that refuses an operation because it was closed: by every send
 * after {@link Channel#close()} or {@link Channel#cancel()}, and by a receive once the channel is
 * closed and drained (at once after {@code cancel()}). For a consumer that calls
 * {@link Channel#receive()} by hand it is the normal end of the stream; iterating the channel
 * ({@code for (var x : channel)}) ends without it.
 *
 * <pre>{@code
 * while (true) {
 *     Job job;
 *     try {
 *         job = jobs.receive();
 *     } catch (ChannelClosed e) {
 *         break;                 // the producer closed the channel and every job was received
 *     }
 *     handle(job);
 * }
 * }</pre>
 *
 * <p>Unchecked, and an {@link IllegalStateException} like {@code io.jasyncio.sync.QueueShutDown}:
 * the channel is in a state that refuses the operation.
 */
public class ChannelClosed extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened, for the reader of a stack trace */
    public ChannelClosed(String message) {
        super(message);
    }
}
