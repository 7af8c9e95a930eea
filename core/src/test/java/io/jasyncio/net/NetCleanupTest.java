package io.jasyncio.net;

import static io.jasyncio.net.HappyEyeballsTest.openSockets;
import static io.jasyncio.net.Recorder.port;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way of making a server, connection or endpoint that fails part-way releases the socket
 * it opened (counted in /proc/self/fd); and a server's life cycle as its accessors show it.
 */
@Timeout(20)
class NetCleanupTest {

    @Test
    void aFailedServerConnectionOrEndpointLeavesNoSocketOpen(@TempDir Path dir) throws Exception {
        Path regular = Files.writeString(dir.resolve("not-a-socket"), "x");
        Asyncio.run(() -> {
            Server server = Net.createServer(Recorder::new, "127.0.0.1", 0);
            int port = port(server);
            DatagramEndpoint<UdpTest.Datagrams> udp = Net.createDatagramEndpoint(UdpTest.Datagrams::new,
                    new InetSocketAddress("127.0.0.1", 0), null);
            InetSocketAddress udpBound = (InetSocketAddress) udp.transport().getExtraInfo("sockname");
            Path unixPath = dir.resolve("live.sock");
            Server unix = Net.createUnixServer(Recorder::new, unixPath);
            List<String> before = openSockets();

            assertThrows(BindException.class, () -> Net.createServer(Recorder::new, "127.0.0.1", port));
            assertThrows(BindException.class, () -> Net.createUnixServer(Recorder::new, regular));
            assertThrows(java.io.IOException.class, () -> Net.createUnixConnection(Recorder::new, dir.resolve("nobody.sock")));
            assertThrows(BindException.class, () -> Net.createDatagramEndpoint(UdpTest.Datagrams::new, udpBound, null));
            assertThrows(NullPointerException.class, () -> Net.createConnection(() -> null, "127.0.0.1", port));
            assertThrows(NullPointerException.class, () -> Net.createDatagramEndpoint(() -> null, null, udpBound));
            assertThrows(NullPointerException.class, () -> Net.createUnixConnection(() -> null, unixPath));
            // let the server's side of the refused connection go
            for (int i = 0; i < 5; i++) Asyncio.sleep(0.01);
            server.close();
            server.waitClosed();
            unix.close();
            unix.waitClosed();
            udp.transport().close();
            udp.protocol().lost.await();
            List<String> after = openSockets();
            assertTrue(before.containsAll(after), "left open: " + after + " (before: " + before + ")");
        });
    }

    @Test
    void theServersAccessorsFollowItsLifeCycle() {
        Asyncio.run(() -> {
            Server server = Net.createServer(Recorder::echo, "127.0.0.1", 0, ServerOptions.defaults().withStartServing(false));
            assertSame(Asyncio.getRunningLoop(), server.getLoop());
            InetSocketAddress address = (InetSocketAddress) server.address();
            assertTrue(server.toString().startsWith("Server[not serving [/127.0.0.1:" + address.getPort() + "]"), server.toString());
            server.startServing();
            server.startServing(); // idempotent
            assertTrue(server.isServing());
            assertEquals("hi", Recorder.echoRoundTrip(address.getPort(), "hi"));
            assertTrue(server.toString().startsWith("Server[serving"), server.toString());
            server.close();
            server.waitClosed(); // the echo's server side has ended too
            assertEquals("Server[closed [], 0 connections]", server.toString());
            server.startServing(); // a closed server stays closed
            assertFalse(server.isServing());
            assertEquals(List.of(), server.sockets());
            assertEquals(address, server.address(), "still readable after close");

            Server everywhere = Net.createServer(Recorder::new, "", 0);
            assertTrue(((InetSocketAddress) everywhere.address()).getAddress().isAnyLocalAddress(), "\"\" is every interface");
            everywhere.close();
        });
    }

    @Test
    void serveForeverCancelledEndsOnlyAfterTheLastConnection() {
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::new), "127.0.0.1", 0);
            Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", port(server));
            Recorder serverSide = Recorder.awaitFirst(accepted);
            serverSide.made.await();
            Task<Void> serving = Asyncio.createTask(server::serveForever);
            Asyncio.sleep(0);
            serving.cancel();
            boolean[] connectionGoneFirst = new boolean[1];
            serving.addDoneCallback(t -> connectionGoneFirst[0] = serverSide.lost.done());
            for (int i = 0; i < 5; i++) Asyncio.sleep(0); // serveForever closes the server and waits
            c.transport().close();
            assertThrows(CancelledError.class, serving::await);
            assertTrue(connectionGoneFirst[0], "serveForever ended before the connection did");
            assertFalse(server.isServing());
        });
    }

    @Test
    void startTlsRefusesAClosingTransport() {
        Asyncio.run(() -> {
            Server server = Net.createServer(Recorder::new, "127.0.0.1", 0);
            Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", port(server));
            c.transport().close();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Net.startTls(c.transport(), new Recorder(),
                    TlsOptions.of(javax.net.ssl.SSLContext.getDefault()), false));
            assertTrue(e.getMessage().contains("closing"), e.getMessage());
            assertSame(c.protocol(), c.transport().getProtocol(), "left as it was");
            c.protocol().lost.await();
            server.close();
        });
    }
}
