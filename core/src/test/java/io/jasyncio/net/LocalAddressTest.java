package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static io.jasyncio.net.Recorder.port;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code createConnection(..., localAddress)}: asyncio's {@code local_addr}. */
@Timeout(20)
class LocalAddressTest {

    @Test
    void theSocketIsBoundToTheLocalAddressBeforeItConnects() {
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::echo), "127.0.0.1", 0);
            // 127.0.0.2 is loopback on Linux but never the address the system would pick
            Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", port(server), null,
                    new InetSocketAddress("127.0.0.2", 0));
            InetSocketAddress sockname = (InetSocketAddress) c.transport().getExtraInfo("sockname");
            assertEquals(InetAddress.ofLiteral("127.0.0.2"), sockname.getAddress());
            assertNotEquals(0, sockname.getPort());
            c.transport().write(ascii("from .2"));
            c.protocol().awaitReceived(7);
            assertEquals("from .2", c.protocol().text());
            assertEquals(sockname, accepted.get(0).transport.getExtraInfo("peername"));
            c.transport().close();
            c.protocol().lost.await();

            // an unresolved local address is resolved off the loop; only its IPv4 addresses fit here
            Connection<Recorder> named = Net.createConnection(Recorder::new, "127.0.0.1", port(server), null,
                    InetSocketAddress.createUnresolved("localhost", 0));
            assertEquals(InetAddress.ofLiteral("127.0.0.1"),
                    ((InetSocketAddress) named.transport().getExtraInfo("sockname")).getAddress());
            named.transport().close();
            named.protocol().lost.await();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void aLocalAddressInUseOrOfTheWrongFamilyFailsWithBindException() {
        Asyncio.run(() -> {
            Server server = Net.createServer(Recorder::echo, "127.0.0.1", 0);
            int port = port(server);
            BindException inUse = assertThrows(BindException.class, () -> Net.createConnection(Recorder::new,
                    "127.0.0.1", port, null, new InetSocketAddress("127.0.0.1", port)));
            assertTrue(inUse.getMessage().startsWith("error while attempting to bind on address"), inUse.getMessage());
            BindException family = assertThrows(BindException.class, () -> Net.createConnection(Recorder::new,
                    "127.0.0.1", port, null, new InetSocketAddress(InetAddress.ofLiteral("::1"), 0)));
            assertTrue(family.getMessage().contains("no matching local address with family=INET found"), family.getMessage());
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void whenNoLocalAddressBindsTheLastFailureIsThrownWithTheEarlierOnesSuppressed() {
        Asyncio.run(() -> {
            Server server = Net.createServer(Recorder::echo, "127.0.0.1", 0);
            Server other = Net.createServer(Recorder::echo, "127.0.0.2", 0);
            InetSocketAddress inUse1 = new InetSocketAddress("127.0.0.1", port(server));
            InetSocketAddress inUse2 = new InetSocketAddress("127.0.0.2", port(other));
            InetSocketAddress v6 = new InetSocketAddress(InetAddress.ofLiteral("::1"), 0);
            // locals as an unresolved name gives them: several, of both families
            BindException e = assertThrows(BindException.class, () -> Connector.connect(Asyncio.getRunningLoop(),
                    IoLoop.of(Asyncio.getRunningLoop()), List.of(inUse1), List.of(inUse1, v6, inUse2), null));
            assertTrue(e.getMessage().contains(inUse2.toString()), e.getMessage());
            assertEquals(1, e.getSuppressed().length, "the first failure, the IPv6 one skipped");
            assertTrue(e.getSuppressed()[0].getMessage().contains(inUse1.toString()), e.getSuppressed()[0].getMessage());

            InetSocketAddress remote6 = new InetSocketAddress(InetAddress.ofLiteral("::1"), port(server));
            BindException family = assertThrows(BindException.class, () -> Connector.connect(Asyncio.getRunningLoop(),
                    IoLoop.of(Asyncio.getRunningLoop()), List.of(remote6), List.of(inUse1), null));
            assertTrue(family.getMessage().contains("family=INET6"), family.getMessage());
            server.close();
            other.close();
        });
    }
}
