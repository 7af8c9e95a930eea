package io.jasyncio.channel;

/**
 * Thrown by {@link Broadcast.Receiver#receive()} when the receiver fell so far behind that
 * messages it had not received yet were overwritten: Tokio's {@code RecvError::Lagged}. The
 * receiver has been moved to the oldest message still held, so the next receive goes on from
 * there; {@link #skipped()} says how many messages it lost.
 *
 * <pre>{@code
 * while (true) {
 *     try {
 *         handle(rx.receive());
 *     } catch (Lagged e) {
 *         log("missed " + e.skipped() + " updates");   // then simply go on
 *     }
 * }
 * }</pre>
 *
 * <p>Its accessors never suspend and may be called from any thread.
 */
public class Lagged extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final long skipped;

    /** @param skipped how many messages the receiver lost */
    public Lagged(long skipped) {
        super("receiver lagged by " + skipped + " messages: they were overwritten before it received them; "
                + "it goes on from the oldest message still held (receive faster, or give the Broadcast a larger capacity)");
        this.skipped = skipped;
    }

    /** How many messages the receiver lost. */
    public long skipped() {
        return skipped;
    }
}
