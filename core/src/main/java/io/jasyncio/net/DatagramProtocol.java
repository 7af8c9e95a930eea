package io.jasyncio.net;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * The callbacks of a UDP endpoint: asyncio's {@code DatagramProtocol}. Called on the loop thread.
 *
 * <pre>{@code
 * class UdpEcho implements DatagramProtocol {
 *     private DatagramTransport transport;
 *     public void connectionMade(DatagramTransport t) { transport = t; }
 *     public void datagramReceived(ByteBuffer data, SocketAddress from) { transport.sendto(data, from); }
 * }
 * DatagramEndpoint<UdpEcho> e = Net.createDatagramEndpoint(UdpEcho::new, new InetSocketAddress("127.0.0.1", 9999), null);
 * }</pre>
 *
 * <p>A callback that throws goes to the loop's exception handler and the endpoint is closed.
 */
public interface DatagramProtocol extends BaseProtocol {
    /** The endpoint is ready; keep {@code transport} to send. */
    default void connectionMade(DatagramTransport transport) {
    }

    /**
     * A datagram arrived from {@code from}. {@code data} is a read-only view of the loop's read
     * buffer, valid until this method returns: copy what you keep.
     */
    default void datagramReceived(ByteBuffer data, SocketAddress from) {
    }

    /**
     * A send or receive failed without ending the endpoint, e.g. an ICMP port unreachable
     * reported on a connected endpoint ({@link java.net.PortUnreachableException}).
     */
    default void errorReceived(IOException exc) {
    }
}
