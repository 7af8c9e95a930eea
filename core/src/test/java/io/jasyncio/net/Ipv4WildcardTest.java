package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.net.UdpTest.Datagrams;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * "0.0.0.0" means every IPv4 address and nothing else, as in CPython (the socket is made with the
 * address's family, AF_INET). The JDK's default (dual-stack IPv6) socket would bind "0.0.0.0" as
 * "::" and so also take IPv6 traffic, e.g. to ::1; these tests see that difference.
 */
@Timeout(30)
class Ipv4WildcardTest {

    private static final InetAddress V6_LOOPBACK = InetAddress.ofLiteral("::1");

    /** Whether this machine has an IPv6 loopback (else only the bound family is checked). */
    private static boolean ipv6Loopback() {
        try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET6)) {
            probe.bind(new InetSocketAddress(V6_LOOPBACK, 0));
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    @Test
    void aTcpServerOnZeroAddressIsAnIpv4SocketThatRefusesIpv6Connections() {
        boolean v6 = ipv6Loopback();
        Asyncio.run(() -> {
            Server server = Net.createServer(Recorder::echo, "0.0.0.0", 0);
            assertEquals(1, server.sockets().size());
            InetSocketAddress local = (InetSocketAddress) server.sockets().get(0).getLocalAddress();
            assertInstanceOf(Inet4Address.class, local.getAddress(), "bound " + local);
            assertTrue(local.getAddress().isAnyLocalAddress(), "bound " + local);
            // IPv4 connections are served...
            Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", local.getPort());
            c.transport().write(ascii("v4"));
            c.protocol().awaitReceived(2);
            c.transport().close();
            // ...and an IPv6 one finds nothing listening on that port.
            if (v6) {
                assertThrows(ConnectException.class,
                        () -> Net.createConnection(Recorder::new, "::1", local.getPort()));
            }
            server.close();
        });
    }

    @Test
    void aDatagramEndpointOnZeroAddressIsAnIpv4SocketThatIpv6DatagramsDoNotReach() {
        boolean v6 = ipv6Loopback();
        Asyncio.run(() -> {
            DatagramEndpoint<Datagrams> endpoint = Net.createDatagramEndpoint(Datagrams::new,
                    new InetSocketAddress("0.0.0.0", 0), null);
            InetSocketAddress local = (InetSocketAddress) endpoint.transport().getExtraInfo("sockname");
            assertInstanceOf(Inet4Address.class, local.getAddress(), "bound " + local);
            assertTrue(local.getAddress().isAnyLocalAddress(), "bound " + local);
            if (v6) {
                // A datagram to ::1 on that port is answered by "port unreachable" (ICMPv6), which a
                // connected UDP socket reports on its next receive: no socket took it.
                try (DatagramChannel sender6 = DatagramChannel.open(StandardProtocolFamily.INET6)) {
                    sender6.configureBlocking(false);
                    sender6.connect(new InetSocketAddress(V6_LOOPBACK, local.getPort()));
                    sender6.write(ascii("v6"));
                    assertThrows(PortUnreachableException.class, () -> Asyncio.waitFor(
                            () -> Sockets.sockRecvfrom(sender6, ByteBuffer.allocate(16)), Duration.ofSeconds(10)));
                }
            }
            // An IPv4 datagram arrives, and it is the first the endpoint got.
            try (DatagramChannel sender4 = DatagramChannel.open(StandardProtocolFamily.INET)) {
                sender4.configureBlocking(false);
                Sockets.sockSendto(sender4, ascii("v4"), new InetSocketAddress("127.0.0.1", local.getPort()));
                endpoint.protocol().awaitEvents(1);
            }
            assertEquals(java.util.List.of("v4"), endpoint.protocol().received);
            endpoint.transport().close();
        });
    }
}
