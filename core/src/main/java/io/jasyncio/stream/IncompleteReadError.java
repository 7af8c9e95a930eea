package io.jasyncio.stream;

import java.io.EOFException;

/**
 * The stream ended before a read was complete: asyncio's {@code IncompleteReadError}. Thrown by
 * {@link StreamReader#readExactly(int)} and {@link StreamReader#readUntil(byte[])}; the bytes read
 * so far are in {@link #partial()} (they are no longer in the reader).
 *
 * <pre>{@code
 * try {
 *     byte[] header = reader.readExactly(16);
 * } catch (IncompleteReadError e) {
 *     log("peer hung up after " + e.partial().length + " of " + e.expected() + " bytes");
 * }
 * }</pre>
 *
 * <p>An {@link EOFException}, as asyncio's is an {@code EOFError}: code that catches
 * {@code EOFException} from {@code DataInputStream} handles it too.
 *
 * <p>Its accessors never suspend and may be called from any thread.
 */
public class IncompleteReadError extends EOFException {
    private static final long serialVersionUID = 1L;

    private final byte[] partial;
    private final int expected;

    /**
     * @param partial  the bytes read before the end of the stream
     * @param expected how many were wanted, or -1 when that is not known (a {@code readUntil})
     */
    public IncompleteReadError(byte[] partial, int expected) {
        super(partial.length + " bytes read on a total of " + (expected < 0 ? "undefined" : String.valueOf(expected))
                + " expected bytes");
        this.partial = partial;
        this.expected = expected;
    }

    /** The bytes read before the stream ended (not a copy). */
    public byte[] partial() {
        return partial;
    }

    /** How many bytes were expected, or -1 for a {@code readUntil} ("undefined" in the message). */
    public int expected() {
        return expected;
    }
}
