package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class UdpTest {

    /** Records datagrams; echoes them back when asked. */
    static class Datagrams implements DatagramProtocol {
        final EventLoop loop = Asyncio.getRunningLoop();
        final List<String> received = new ArrayList<>();
        final List<IOException> errors = new ArrayList<>();
        final Future<Throwable> lost = loop.createFuture();
        DatagramTransport transport;
        boolean echo;
        private Future<Void> next;

        @Override
        public void connectionMade(DatagramTransport t) {
            transport = t;
        }

        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress from) {
            if (echo) transport.sendto(data.duplicate(), from);
            received.add(StandardCharsets.US_ASCII.decode(data).toString());
            wake();
        }

        @Override
        public void errorReceived(IOException exc) {
            errors.add(exc);
            wake();
        }

        @Override
        public void connectionLost(Throwable exc) {
            lost.setResult(exc);
        }

        private void wake() {
            Future<Void> f = next;
            next = null;
            if (f != null) f.setResult(null);
        }

        /** Suspends until {@code n} datagrams or errors were recorded in total. */
        void awaitEvents(int n) {
            while (received.size() + errors.size() < n) {
                next = loop.createFuture();
                next.await();
            }
        }
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Test
    void udpEchoRoundTrip() {
        Asyncio.run(() -> {
            DatagramEndpoint<Datagrams> server = Net.createDatagramEndpoint(() -> {
                Datagrams d = new Datagrams();
                d.echo = true;
                return d;
            }, loopback(0), null);
            InetSocketAddress serverAddress = (InetSocketAddress) server.transport().getExtraInfo("sockname");
            assertNull(server.transport().getExtraInfo("peername"));

            DatagramEndpoint<Datagrams> client = Net.createDatagramEndpoint(Datagrams::new, null, serverAddress);
            assertEquals(serverAddress, client.transport().getExtraInfo("peername"));
            for (int i = 0; i < 3; i++) client.transport().sendto(ascii("ping " + i));
            client.protocol().awaitEvents(3);
            assertEquals(List.of("ping 0", "ping 1", "ping 2"), client.protocol().received);
            assertEquals(3, server.protocol().received.size());

            // An unconnected client names the destination, and cannot omit it.
            DatagramEndpoint<Datagrams> free = Net.createDatagramEndpoint(Datagrams::new, loopback(0), null);
            assertThrows(IllegalArgumentException.class, () -> free.transport().sendto(ascii("where?")));
            free.transport().sendto(ascii("hello"), serverAddress);
            free.protocol().awaitEvents(1);
            assertEquals(List.of("hello"), free.protocol().received);
            assertThrows(IllegalArgumentException.class,
                    () -> client.transport().sendto(ascii("x"), loopback(1)));

            for (DatagramEndpoint<Datagrams> e : List.of(server, client, free)) {
                e.transport().close();
                assertNull(e.protocol().lost.await());
                assertThrows(IllegalStateException.class, () -> e.transport().sendto(ascii("late"), serverAddress));
            }
        });
    }

    @Test
    void socketOptionsReusePortAndBroadcast() {
        Asyncio.run(() -> {
            DatagramOptions opts = DatagramOptions.defaults().withReusePort(true).withAllowBroadcast(true);
            DatagramEndpoint<Datagrams> a = Net.createDatagramEndpoint(Datagrams::new, loopback(0), null, opts);
            InetSocketAddress bound = (InetSocketAddress) a.transport().getExtraInfo("sockname");
            // A second socket on the same port: only possible with SO_REUSEPORT on both.
            DatagramEndpoint<Datagrams> b = Net.createDatagramEndpoint(Datagrams::new, bound, null, opts);
            DatagramChannel ch = (DatagramChannel) b.transport().getExtraInfo("socket");
            assertTrue(ch.getOption(java.net.StandardSocketOptions.SO_BROADCAST));
            assertThrows(java.net.BindException.class, () -> Net.createDatagramEndpoint(Datagrams::new, bound, null));
            a.transport().close();
            b.transport().close();
            a.protocol().lost.await();
            b.protocol().lost.await();
        });
    }

    @Test
    void aConnectedEndpointHearsThatThePeerIsUnreachable() throws IOException {
        int deadPort;
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(loopback(0));
            deadPort = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        Asyncio.run(() -> {
            DatagramEndpoint<Datagrams> client = Net.createDatagramEndpoint(Datagrams::new, null, loopback(deadPort));
            client.transport().sendto(ascii("anyone?"));
            client.protocol().awaitEvents(1);
            assertInstanceOf(PortUnreachableException.class, client.protocol().errors.get(0));
            assertFalse(client.transport().isClosing()); // errors do not end the endpoint
            client.transport().abort();
            assertNull(client.protocol().lost.await());
        });
    }

    @Test
    void emptyDatagramsGoOutUnconnectedAndAConnectedEndpointRefusesThemLoudly() {
        Asyncio.run(() -> {
            DatagramEndpoint<Datagrams> server = Net.createDatagramEndpoint(Datagrams::new, loopback(0), null);
            InetSocketAddress serverAddress = (InetSocketAddress) server.transport().getExtraInfo("sockname");
            DatagramEndpoint<Datagrams> free = Net.createDatagramEndpoint(Datagrams::new, loopback(0), null);
            free.transport().sendto(ByteBuffer.allocate(0), serverAddress);
            server.protocol().awaitEvents(1);
            assertEquals(List.of(""), server.protocol().received);

            // The JDK's connected DatagramChannel skips the system call for 0 bytes: an error
            // that says so, rather than a datagram silently never sent.
            DatagramEndpoint<Datagrams> connected = Net.createDatagramEndpoint(Datagrams::new, null, serverAddress);
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> connected.transport().sendto(ByteBuffer.allocate(0)));
            assertTrue(e.getMessage().contains("without remoteAddress"), e.getMessage());
            connected.transport().sendto(ascii("still usable"));
            server.protocol().awaitEvents(2);
            assertEquals(List.of("", "still usable"), server.protocol().received);
            for (DatagramEndpoint<Datagrams> d : List.of(server, free, connected)) d.transport().close();
        });
    }
}
