package io.jasyncio.net;

import java.nio.ByteBuffer;

/**
 * The writing half of a transport: asyncio's {@code WriteTransport}. A {@link Transport} (socket)
 * is one, and so is the transport of a write pipe ({@link Pipes#connectWritePipe}) or of a
 * subprocess's stdin. Writes never block: what the pipe or socket does not take at once is
 * buffered; the protocol hears {@link BaseProtocol#pauseWriting()} above the high-water mark and
 * {@link BaseProtocol#resumeWriting()} at the low-water mark (defaults 64 KiB and 16 KiB).
 *
 * <pre>{@code
 * transport.write("hello\n".getBytes(StandardCharsets.US_ASCII));
 * transport.close();   // flushes, then closes
 * }</pre>
 *
 * <p>Loop thread only; no method suspends.
 */
public interface WriteTransport extends BaseTransport {
    /**
     * Sends the bytes between {@code data}'s position and limit, or buffers what cannot be sent
     * now; the position ends at the limit and the caller may reuse the buffer at once. After the
     * peer went away, data is dropped and the protocol hears of it in
     * {@link BaseProtocol#connectionLost}.
     *
     * @throws IllegalStateException after this side closed the transport
     */
    void write(ByteBuffer data);

    /** {@link #write(ByteBuffer)} of a whole array. */
    default void write(byte[] data) {
        write(ByteBuffer.wrap(data));
    }

    /** Writes each buffer in order, as {@link #write(ByteBuffer)} does. */
    void writelines(Iterable<ByteBuffer> buffers);

    /**
     * Closes the writing side once buffered data is sent, so the peer reads EOF. On a socket,
     * reading goes on; on a pipe, which has one direction only, this is {@link #close()}.
     */
    void writeEof();

    /** Whether {@link #writeEof()} is supported. */
    boolean canWriteEof();

    /** Closes at once, dropping buffered data; the protocol hears {@code connectionLost(null)}. Idempotent. */
    void abort();

    /** Bytes waiting in the write buffer. */
    long getWriteBufferSize();

    /**
     * Sets the water marks of write flow control and applies them at once.
     *
     * @throws IllegalArgumentException unless {@code high >= low >= 0}
     */
    void setWriteBufferLimits(int high, int low);

    /**
     * {@link #setWriteBufferLimits(int, int)} with {@code low = high / 4}; a negative {@code high}
     * is refused there (its {@code low} is negative or above it).
     */
    default void setWriteBufferLimits(int high) {
        setWriteBufferLimits(high, high / 4);
    }

    /** The water marks in force (asyncio's {@code get_write_buffer_limits()}). */
    WriteBufferLimits getWriteBufferLimits();
}
