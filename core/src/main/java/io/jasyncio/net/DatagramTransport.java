package io.jasyncio.net;

import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * A UDP endpoint as its protocol sees it: asyncio's {@code DatagramTransport}. Not thread-safe:
 * call on the loop's thread. No method suspends.
 *
 * <pre>{@code
 * transport.sendto(ByteBuffer.wrap(payload), new InetSocketAddress("127.0.0.1", 9999));
 * }</pre>
 *
 * <p>Datagrams the socket cannot take at once are queued (each one whole) and count toward the
 * write buffer size that drives {@link BaseProtocol#pauseWriting()} like a stream's.
 */
public interface DatagramTransport extends BaseTransport {
    /**
     * Sends the bytes between {@code data}'s position and limit as one datagram to {@code address},
     * or to the connected peer when {@code address} is null. The caller may reuse {@code data}
     * at once. Send errors go to {@link DatagramProtocol#errorReceived}.
     *
     * @throws IllegalArgumentException if the endpoint is connected and {@code address} is another one,
     *                                  or it is not connected and {@code address} is null
     * @throws IllegalStateException    after {@link #close()} or {@link #abort()}
     */
    void sendto(ByteBuffer data, SocketAddress address);

    /** {@link #sendto(ByteBuffer, SocketAddress)} to the connected peer. */
    default void sendto(ByteBuffer data) {
        sendto(data, null);
    }

    /** Closes at once, dropping queued datagrams; idempotent. */
    void abort();

    /** Bytes of datagrams waiting to be sent. */
    long getWriteBufferSize();

    /** Flow-control water marks, as {@link Transport#setWriteBufferLimits(int, int)}. */
    void setWriteBufferLimits(int high, int low);

    /** The water marks in force (asyncio's {@code get_write_buffer_limits()}). */
    WriteBufferLimits getWriteBufferLimits();
}
