package io.jasyncio.net;

/**
 * What every transport offers: extra information and closing. asyncio's {@code BaseTransport}.
 *
 * <pre>{@code
 * InetSocketAddress peer = (InetSocketAddress) transport.getExtraInfo("peername");
 * transport.close();
 * }</pre>
 *
 * <p>Transports are not thread-safe: use them on their loop's thread (its callbacks and tasks);
 * from another thread go through {@code loop.callSoonThreadsafe}. In the loop's debug mode,
 * {@code write}, {@code sendto}, {@code close} and {@code abort} from another thread fail with
 * {@link IllegalStateException}. No method suspends.
 */
public interface BaseTransport {
    /**
     * Information about the connection, by asyncio's names: {@code "peername"} and
     * {@code "sockname"} (a {@link java.net.SocketAddress}), {@code "socket"} (the channel; do not
     * read, write or close it). Null for names the transport does not know.
     */
    Object getExtraInfo(String name);

    /** {@link #getExtraInfo(String)}, or {@code defaultValue} when it is null. */
    default Object getExtraInfo(String name, Object defaultValue) {
        Object v = getExtraInfo(name);
        return v != null ? v : defaultValue;
    }

    /** Whether the transport is closing or closed. */
    boolean isClosing();

    /**
     * Closes the transport: buffered data is still sent, then the protocol's
     * {@link BaseProtocol#connectionLost} is called with null. Idempotent.
     */
    void close();
}
