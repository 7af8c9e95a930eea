package io.jasyncio.net;

import java.nio.ByteBuffer;

/**
 * A stream protocol that lends the transport its own buffer to read into, so bytes go from the
 * socket straight where the protocol wants them: asyncio's {@code BufferedProtocol}. The
 * transport calls {@link #getBuffer} and then {@link #bufferUpdated} instead of
 * {@link #dataReceived}, which is never called for a protocol of this type.
 *
 * <pre>{@code
 * class Frames implements BufferedProtocol {
 *     private final ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
 *     public ByteBuffer getBuffer(int sizeHint) { return buf; }    // read lands at buf.position()
 *     public void bufferUpdated(int n) { buf.flip(); parseFrames(buf); buf.compact(); }
 * }
 * }</pre>
 *
 * <p>As for every {@link BaseProtocol}, its methods run on the loop thread as callbacks and
 * must not suspend.
 */
public interface BufferedProtocol extends Protocol {
    /**
     * The buffer for the next read: the transport reads into it from its position up to its limit
     * and advances the position. It must have room (an empty buffer closes the connection as a
     * protocol error). Called before every read.
     *
     * @param sizeHint how many bytes the transport would like room for, or -1 for any amount
     */
    ByteBuffer getBuffer(int sizeHint);

    /** The last read put {@code nbytes} (> 0) into the buffer, whose position moved past them. */
    void bufferUpdated(int nbytes);
}
