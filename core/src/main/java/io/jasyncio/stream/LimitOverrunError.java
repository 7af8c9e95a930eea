package io.jasyncio.stream;

/**
 * A separator was not found within the reader's limit: asyncio's {@code LimitOverrunError}.
 * Thrown by {@link StreamReader#readUntil(byte[])}, which leaves the data in the reader's buffer
 * (read it with {@link StreamReader#read(int)} or skip {@link #consumed()} bytes), and by
 * {@link StreamReader#readLine()}, which discards the over-long line first.
 *
 * <pre>{@code
 * try {
 *     byte[] record = reader.readUntil(END);
 * } catch (LimitOverrunError e) {
 *     reader.readExactly(e.consumed());   // drop what cannot be a record
 * }
 * }</pre>
 *
 * <p>Unchecked: it says the peer broke the protocol's size rule, not that I/O failed.
 *
 * <p>Its accessors never suspend and may be called from any thread.
 */
public class LimitOverrunError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int consumed;

    /**
     * @param message  what went wrong
     * @param consumed how many bytes of the buffer were scanned without finding the separator
     *                 (or where it was found, past the limit)
     */
    public LimitOverrunError(String message, int consumed) {
        super(message);
        this.consumed = consumed;
    }

    /** How many bytes at the front of the buffer hold no separator (or precede the one found). */
    public int consumed() {
        return consumed;
    }
}
