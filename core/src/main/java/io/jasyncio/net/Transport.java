package io.jasyncio.net;

import java.nio.ByteBuffer;

/**
 * A stream connection (TCP or Unix socket) as its protocol sees it: asyncio's {@code Transport}.
 * Writes never block: what the socket does not take at once is buffered and sent when it can.
 *
 * <pre>{@code
 * transport.setWriteBufferLimits(256 * 1024, 64 * 1024);
 * transport.write(ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.US_ASCII)));
 * transport.writeEof();   // half close: we can still read
 * }</pre>
 *
 * <h2>Flow control</h2>
 * When the write buffer grows above the high-water mark the protocol's
 * {@link BaseProtocol#pauseWriting()} is called; when it drains to the low-water mark,
 * {@link BaseProtocol#resumeWriting()}. Defaults: 64 KiB and 16 KiB, as in asyncio.
 *
 * <h2>Threads</h2>
 * Not thread-safe: call on the loop's thread. No method suspends.
 */
public interface Transport extends ReadTransport, WriteTransport {
    /**
     * Sends the bytes between {@code data}'s position and limit, or buffers what the socket does
     * not take now; {@code data}'s position ends at its limit and the caller may reuse it at once.
     * Once the connection is lost without the application closing it (an error, or the peer's EOF
     * with {@link Protocol#eofReceived()} returning false), data is dropped, as in asyncio: the
     * protocol hears of it in {@link BaseProtocol#connectionLost}, and a warning is logged from
     * the fifth such write on.
     *
     * @throws IllegalStateException after {@link #close()}, {@link #abort()} or {@link #writeEof()},
     *                               or while {@link Net#sendfile} runs on this transport
     */
    void write(ByteBuffer data);

    /** {@link #write(ByteBuffer)} of a whole array, copied if it cannot be sent at once. */
    default void write(byte[] data) {
        write(ByteBuffer.wrap(data));
    }

    /** Writes each buffer in order, as {@link #write(ByteBuffer)} does. */
    void writelines(Iterable<ByteBuffer> buffers);

    /**
     * Half close: shuts the output down once the buffered data is sent, so the peer reads EOF;
     * reading goes on. Idempotent; does nothing on a closing transport.
     */
    void writeEof();

    /** Whether {@link #writeEof()} is supported: always true for TCP and Unix sockets. */
    boolean canWriteEof();

    /**
     * Closes at once, dropping buffered data; {@link BaseProtocol#connectionLost} is called with
     * null. Idempotent.
     */
    void abort();

    /** Whether the transport reads: not paused, not closing. */
    boolean isReading();

    /** Stops calling {@link Protocol#dataReceived} until {@link #resumeReading()}. Idempotent. */
    void pauseReading();

    /** Resumes reading after {@link #pauseReading()}. Idempotent. */
    void resumeReading();

    /** Bytes waiting in the write buffer. */
    long getWriteBufferSize();

    /**
     * Sets the water marks of write flow control (see the class comment) and applies them at once.
     *
     * @throws IllegalArgumentException unless {@code high >= low >= 0}
     */
    void setWriteBufferLimits(int high, int low);

    /** The water marks in force (asyncio's {@code get_write_buffer_limits()}). */
    WriteBufferLimits getWriteBufferLimits();

    /** The protocol receiving this transport's events. */
    Protocol getProtocol();

    /** Sends later events to {@code protocol} instead (asyncio's {@code set_protocol}). */
    void setProtocol(Protocol protocol);
}
