package io.jasyncio.net;

import java.nio.ByteBuffer;

/**
 * The callbacks of a stream connection (TCP or Unix socket): asyncio's {@code Protocol}. A
 * factory makes one per connection; the transport calls it on the loop thread in this order:
 * {@code connectionMade}, {@code dataReceived}*, {@code eofReceived}?, {@code connectionLost}.
 *
 * <pre>{@code
 * class Echo implements Protocol {
 *     private Transport transport;
 *     public void connectionMade(Transport t) { transport = t; }
 *     public void dataReceived(ByteBuffer data) { transport.write(data); }
 * }
 * Server server = Net.createServer(Echo::new, "127.0.0.1", 8888);
 * }</pre>
 *
 * <p>A callback that throws goes to the loop's exception handler, and the connection is closed
 * (the server keeps serving).
 */
public interface Protocol extends BaseProtocol {
    /** The connection is up; keep {@code transport} to write. Called before any other callback. */
    default void connectionMade(Transport transport) {
    }

    /**
     * Bytes arrived. {@code data} holds them between its position and limit, and is a read-only
     * view of the loop's read buffer, reused for the next read: consume them before returning
     * (parse, {@link Transport#write} them, or copy what you keep). Never hold on to it.
     */
    default void dataReceived(ByteBuffer data) {
    }

    /**
     * The peer will send nothing more (it shut its output down). Return true to keep the
     * connection open for writing (then close it yourself); false, the default, closes it.
     */
    default boolean eofReceived() {
        return false;
    }
}
