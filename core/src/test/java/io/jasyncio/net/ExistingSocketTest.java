package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static io.jasyncio.net.Recorder.echoRoundTrip;
import static io.jasyncio.net.Recorder.port;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Servers and connections on sockets made elsewhere: asyncio's {@code sock=} arguments. */
@Timeout(30)
class ExistingSocketTest extends TlsTestBase {
    @Test
    void aServerServesOnABoundSocketAndClosesIt() {
        Asyncio.run(() -> {
            ServerSocketChannel sock = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0), 50);
            Server server = Net.createServer(Recorder::echo, sock, ServerOptions.defaults());
            assertEquals(List.of(sock), server.sockets());
            assertTrue(server.isServing());
            assertEquals("adopted", echoRoundTrip(port(server), "adopted"));
            server.close();
            server.waitClosed();
            assertFalse(sock.isOpen(), "the server owns the socket it was given");
        });
    }

    @Test
    void aConnectionWrapsAConnectedSocket() {
        Asyncio.run(() -> {
            Server server = Net.createServer(Recorder::echo, "127.0.0.1", 0);
            // Connected in blocking mode by other code (here: off the loop), then handed over.
            SocketChannel sock = Asyncio.toThread(() -> SocketChannel.open(new InetSocketAddress("127.0.0.1", port(server))));
            assertTrue(sock.isBlocking());
            Connection<Recorder> c = Net.createConnection(Recorder::new, sock, null);
            assertSame(sock, c.transport().getExtraInfo("socket"));
            assertFalse(sock.isBlocking());
            assertEquals(sock.getRemoteAddress(), c.transport().getExtraInfo("peername"));
            c.transport().write(ascii("over a socket made elsewhere"));
            c.protocol().awaitReceived(28);
            assertEquals("over a socket made elsewhere", c.protocol().text());
            c.transport().close();
            assertNull(c.protocol().lost.await());
            assertFalse(sock.isOpen());
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void tlsOverAConnectedSocketNeedsAServerHostname() {
        Asyncio.run(() -> {
            Server server = Net.createServer(Recorder::echo, "127.0.0.1", 0, certs.serverOptions());
            SocketChannel sock = SocketChannel.open(new InetSocketAddress("127.0.0.1", port(server)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Net.createConnection(Recorder::new, sock, TlsOptions.of(certs.client())));
            assertTrue(e.getMessage().contains("serverHostname"), e.getMessage());
            assertTrue(sock.isOpen(), "a refused argument leaves the socket as it was");

            Connection<Recorder> c = Net.createConnection(Recorder::new, sock,
                    TlsOptions.of(certs.client()).withServerHostname("localhost"));
            assertEquals(certs.cert(), c.transport().getExtraInfo("peercert"));
            // The engine is made for the peer's port too (its sessions are cached by host and port).
            javax.net.ssl.SSLEngine engine = (javax.net.ssl.SSLEngine) c.transport().getExtraInfo("ssl_object");
            assertEquals("localhost", engine.getPeerHost());
            assertEquals(port(server), engine.getPeerPort());
            c.transport().write(ascii("secret"));
            c.protocol().awaitReceived(6);
            assertEquals("secret", c.protocol().text());
            c.transport().close();
            assertNull(c.protocol().lost.await());
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void aFailedHandshakeClosesTheGivenSocket() {
        Asyncio.run(() -> {
            Server server = Net.createServer(Recorder::echo, "127.0.0.1", 0, certs.serverOptions());
            SocketChannel sock = SocketChannel.open(new InetSocketAddress("127.0.0.1", port(server)));
            assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> Net.createConnection(Recorder::new, sock,
                    TlsOptions.of(certs.client()).withServerHostname("wrong.example")));
            assertFalse(sock.isOpen());
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void aConnectionCancelledDuringItsTlsHandshakeClosesTheGivenSocket() {
        Asyncio.run(() -> {
            // A plain server: it reads the client's hello and never answers.
            List<Recorder> accepted = new ArrayList<>();
            Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::new), "127.0.0.1", 0);
            SocketChannel sock = SocketChannel.open(new InetSocketAddress("127.0.0.1", port(server)));
            Task<Connection<Recorder>> connecting = Asyncio.createTask(() -> Net.createConnection(Recorder::new, sock,
                    TlsOptions.of(certs.client()).withServerHostname("localhost")));
            Recorder peer = Recorder.awaitFirst(accepted);
            peer.awaitReceived(1); // the handshake has begun
            connecting.cancel();
            assertThrows(CancelledError.class, connecting::await);
            Asyncio.sleep(0); // the abort releases the socket in its connectionLost callback
            assertFalse(sock.isOpen(), "the socket is closed at once, not left to the handshake timeout");
            peer.eof.await();
            server.close();
            server.waitClosed();
        });
    }

    /**
     * As in asyncio, whose create_connection closes the transport when its waiter is cancelled:
     * the protocol heard connectionMade (scheduled with the transport), so it hears
     * connectionLost too, although the caller gets CancelledError and no connection.
     */
    @Test
    void aConnectionCancelledBeforeItsProtocolIsConnectedStillEndsWithConnectionLost() {
        Asyncio.run(() -> {
            Server server = Net.createServer(Recorder::new, "127.0.0.1", 0);
            SocketChannel sock = SocketChannel.open(new InetSocketAddress("127.0.0.1", port(server)));
            List<Recorder> made = new ArrayList<>();
            Task<Connection<Recorder>> connecting = Asyncio.createTask(() -> Net.createConnection(() -> {
                Asyncio.currentTask().cancel(); // cancelled while the connection is being made
                Recorder r = new Recorder();
                made.add(r);
                return r;
            }, sock, null));
            assertThrows(CancelledError.class, connecting::await);
            Recorder protocol = made.get(0);
            for (int i = 0; i < 3 && !protocol.lost.done(); i++) Asyncio.sleep(0);
            assertTrue(protocol.made.done());
            assertTrue(protocol.lost.done(), "connectionLost follows connectionMade");
            assertNull(protocol.lost.result());
            assertFalse(sock.isOpen());
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void unixSocketsMadeElsewhere() {
        Path path = dir.resolve("adopted.sock");
        Asyncio.run(() -> {
            ServerSocketChannel listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                    .bind(UnixDomainSocketAddress.of(path));
            List<Recorder> accepted = new ArrayList<>();
            Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::echo), listening, ServerOptions.defaults());
            SocketChannel sock = SocketChannel.open(StandardProtocolFamily.UNIX);
            sock.connect(UnixDomainSocketAddress.of(path));
            Connection<Recorder> c = Net.createConnection(Recorder::new, sock, null);
            c.transport().write(ascii("unix"));
            c.protocol().awaitReceived(4);
            assertEquals("unix", c.protocol().text());
            c.transport().close();
            c.protocol().lost.await();
            Recorder.awaitFirst(accepted).lost.await();
            server.close();
            server.waitClosed();
            assertFalse(listening.isOpen());
            assertTrue(path.toFile().exists(), "the file of a socket made elsewhere is left to whoever made it");
        });
    }

    @Test
    void badSocketsAreRefusedAndLeftAsTheyWere() {
        Asyncio.run(() -> {
            ServerSocketChannel unbound = ServerSocketChannel.open();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Net.createServer(Recorder::new, unbound, ServerOptions.defaults()));
            assertTrue(e.getMessage().contains("not bound"), e.getMessage());
            assertTrue(unbound.isOpen());
            unbound.close();
            e = assertThrows(IllegalArgumentException.class, () -> Net.createServer(Recorder::new, unbound, ServerOptions.defaults()));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());

            SocketChannel unconnected = SocketChannel.open();
            e = assertThrows(IllegalArgumentException.class, () -> Net.createConnection(Recorder::new, unconnected, null));
            assertTrue(e.getMessage().contains("not connected"), e.getMessage());
            assertTrue(unconnected.isOpen());
            unconnected.close();
            e = assertThrows(IllegalArgumentException.class, () -> Net.createConnection(Recorder::new, unconnected, null));
            assertTrue(e.getMessage().startsWith("the socket is closed"), e.getMessage());
            assertThrows(NullPointerException.class, () -> Net.createConnection(Recorder::new, (SocketChannel) null, null));
        });
    }
}
