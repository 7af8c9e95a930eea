package io.jasyncio.stream;

import static io.jasyncio.stream.StreamTesting.ascii;
import static io.jasyncio.stream.StreamTesting.port;
import static io.jasyncio.stream.StreamTesting.text;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Future;
import io.jasyncio.net.Server;
import io.jasyncio.net.TlsOptions;
import io.jasyncio.net.TlsTesting;
import io.jasyncio.net.Transport;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.logging.LogRecord;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** STARTTLS at its edges: a full write buffer, an EOF right after the handshake, failures. */
@Timeout(30)
class StreamsStartTlsTest {
    static SSLContext serverContext;
    static SSLContext clientContext;

    @BeforeAll
    static void certificate(@TempDir Path dir) throws Exception {
        TlsTesting certs = TlsTesting.generateWithKeytool(dir);
        serverContext = certs.server();
        clientContext = certs.client();
    }

    /**
     * A server that answers STARTTLS with more plaintext than the write buffer's high-water mark
     * and upgrades at once: the plaintext reaches the client before the handshake, and writing
     * with drain() goes on over TLS afterwards (the upgrade waited for the buffer to drain, so no
     * pause of the plain transport is left behind with nobody to resume it).
     */
    @Test
    void plaintextAboveTheHighWaterMarkBeforeStartTlsArrivesFirstAndDrainWorksAfterTheUpgrade() {
        byte[] big = new byte[8 << 20];
        Arrays.fill(big, (byte) 'p');
        Asyncio.run(() -> {
            Future<Long> bufferedAtUpgrade = Asyncio.getRunningLoop().createFuture();
            Server server = Streams.startServer((r, w) -> {
                assertEquals("STARTTLS\n", text(r.readLine()));
                w.write(big);
                w.write(ascii("GO\n"));
                bufferedAtUpgrade.setResult(((Transport) w.transport()).getWriteBufferSize());
                w.startTls(TlsOptions.of(serverContext));
                w.write(ascii("after\n"));
                w.drain();
                w.write(ascii("done\n"));
                w.drain();
                assertEquals("bye\n", text(r.readLine()));
                w.close();
            }, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            c.writer().write(ascii("STARTTLS\n"));
            assertTrue(bufferedAtUpgrade.await() > 64 * 1024,
                    "the server's write buffer is above the high-water mark: " + bufferedAtUpgrade.result());
            assertArrayEquals(big, c.reader().readExactly(big.length));
            assertEquals("GO\n", text(c.reader().readLine()));
            c.writer().startTls(TlsOptions.of(clientContext).withServerHostname("localhost"));
            assertFalse(c.writer().canWriteEof(), "the writer writes through TLS now, which has no half close");
            assertThrows(UnsupportedOperationException.class, c.writer()::writeEof);
            assertEquals("after\n", text(c.reader().readLine()));
            assertEquals("done\n", text(c.reader().readLine()));
            c.writer().write(ascii("bye\n"));
            assertArrayEquals(new byte[0], c.reader().read(-1));
            c.writer().close();
            server.close();
            server.waitClosed();
        });
    }

    /**
     * A client that does not trust the server's certificate: its startTls fails with the
     * certificate error, the connection is aborted, and both ends of the stream learn it (a read
     * and waitClosed() give the handshake's error instead of waiting forever), as asyncio, whose
     * TLS protocol passes the loss on to the stream's protocol after a failed upgrade.
     */
    @Test
    void aClientThatDoesNotTrustTheServerFailsStartTlsAndItsStreamEndsWithThatError() {
        Asyncio.run(() -> {
            Future<Throwable> serverSaw = Asyncio.getRunningLoop().createFuture();
            Server server = Streams.startServer((r, w) -> {
                assertEquals("STARTTLS\n", text(r.readLine()));
                w.write(ascii("GO\n"));
                Throwable failure = assertThrows(SSLException.class, () -> w.startTls(TlsOptions.of(serverContext)));
                assertTrue(w.isClosing());
                assertSame(failure, assertThrows(SSLException.class, () -> r.read(-1)), "the reader ends with the handshake's error");
                serverSaw.setResult(failure);
            }, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            c.writer().write(ascii("STARTTLS\n"));
            assertEquals("GO\n", text(c.reader().readLine()));
            Transport plain = (Transport) c.writer().transport();
            SSLContext trustsOthers = SSLContext.getInstance("TLS");
            trustsOthers.init(null, null, null); // the JDK's CA certificates: not our self-signed one
            SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                    () -> c.writer().startTls(TlsOptions.of(trustsOthers).withServerHostname("localhost")));
            assertTrue(e.getMessage().contains("PKIX path building failed"), e.toString());
            assertSame(plain, c.writer().transport(), "no TLS transport was handed out");
            assertTrue(plain.isClosing(), "the connection is aborted");
            assertSame(e, assertThrows(SSLHandshakeException.class, () -> c.reader().read(-1)));
            assertSame(e, assertThrows(SSLHandshakeException.class, () -> c.writer().waitClosed()));
            assertNotNull(serverSaw.await(), "the server's startTls failed too");
            server.close();
            server.waitClosed();
        });
    }

    /**
     * A startTls cancelled while it waits for the handshake aborts the connection, as asyncio
     * does; the stream then ends as an aborted connection ends: EOF, and waitClosed() returns (the
     * cancellation is the task's, not the connection's error).
     */
    @Test
    void aStartTlsCancelledDuringTheHandshakeEndsTheStreamWithEof() {
        Asyncio.run(() -> {
            Future<byte[]> clientHelloSeen = Asyncio.getRunningLoop().createFuture();
            Server server = Streams.startServer((r, w) -> {
                assertEquals("STARTTLS\n", text(r.readLine()));
                w.write(ascii("GO\n"));
                // This server never upgrades: the ClientHello arrives as plain bytes.
                clientHelloSeen.setResult(r.read(1));
                r.read(-1);
                w.close();
            }, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            c.writer().write(ascii("STARTTLS\n"));
            assertEquals("GO\n", text(c.reader().readLine()));
            Future<Void> upgrade = Asyncio.getRunningLoop().createTask(() ->
                    c.writer().startTls(TlsOptions.of(clientContext).withServerHostname("localhost")));
            assertArrayEquals(new byte[] {22}, clientHelloSeen.await(), "a TLS handshake record");
            upgrade.cancel();
            assertThrows(CancelledError.class, upgrade::await);
            assertTrue(c.writer().isClosing(), "the connection is aborted");
            assertArrayEquals(new byte[0], c.reader().read(-1));
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
        });
    }

    /**
     * A startTls that fails before any byte of TLS is exchanged (here an SSLContext nobody
     * initialized) leaves the plain connection as it was: it still keeps a half close open, so
     * after the peer's EOF we can still send a reply.
     */
    @Test
    void aStartTlsFailingBeforeTheHandshakeLeavesThePlainConnectionHalfClosable() {
        Asyncio.run(() -> {
            Future<String> serverGot = Asyncio.getRunningLoop().createFuture();
            Server server = Streams.startServer((r, w) -> {
                assertEquals("still plain?\n", text(r.readLine()));
                w.write(ascii("yes\n"));
                w.writeEof();
                serverGot.setResult(text(r.read(-1)));
                w.close();
            }, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            SSLContext uninitialized = SSLContext.getInstance("TLS");
            assertThrows(IllegalStateException.class, () -> c.writer().startTls(TlsOptions.of(uninitialized)));
            assertNull(c.writer().getExtraInfo("sslcontext"));
            c.writer().write(ascii("still plain?\n"));
            assertEquals("yes\n", text(c.reader().readLine()));
            assertArrayEquals(new byte[0], c.reader().read(-1), "the server's half close");
            assertFalse(c.writer().isClosing(), "a plain connection stays open for writing after the peer's EOF");
            c.writer().write(ascii("reply\n"));
            c.writer().close();
            assertEquals("reply\n", serverGot.await());
            server.close();
            server.waitClosed();
        });
    }

    /**
     * The upgraded connection stays TLS when a second startTls is refused: the peer's
     * close_notify then ends it as a TLS connection (EOF, no half close kept open, and so no
     * "returning true from eofReceived() has no effect" warning).
     */
    @Test
    void aSecondStartTlsIsRefusedAndTheConnectionStaysTls() throws Exception {
        try (ServerLoggingTest.Records log = new ServerLoggingTest.Records()) {
            Asyncio.run(() -> {
                Future<byte[]> serverRead = Asyncio.getRunningLoop().createFuture();
                Server server = Streams.startServer((r, w) -> {
                    assertEquals("STARTTLS\n", text(r.readLine()));
                    w.write(ascii("GO\n"));
                    w.startTls(TlsOptions.of(serverContext));
                    Transport tls = (Transport) w.transport();
                    assertThrows(IllegalArgumentException.class, () -> w.startTls(TlsOptions.of(serverContext)));
                    assertSame(tls, w.transport());
                    w.write(ascii("still TLS\n"));
                    serverRead.setResult(r.read(-1));
                }, "127.0.0.1", 0);
                StreamPair c = Streams.openConnection("127.0.0.1", port(server));
                c.writer().write(ascii("STARTTLS\n"));
                assertEquals("GO\n", text(c.reader().readLine()));
                c.writer().startTls(TlsOptions.of(clientContext).withServerHostname("localhost"));
                assertEquals("still TLS\n", text(c.reader().readLine()));
                c.writer().close();
                c.writer().waitClosed();
                assertArrayEquals(new byte[0], serverRead.await());
                server.close();
                server.waitClosed();
            });
            assertNoHalfCloseWarning(log);
        }
    }

    /**
     * The client's Finished, its data and its close_notify arrive in one segment, so the server's
     * TLS protocol hands the stream the data and the EOF before the server's startTls returns:
     * the EOF already counts as TLS (the stream reads it as the end, and keeps no half close).
     */
    @Test
    void aCloseNotifyArrivingWithTheHandshakesLastMessageEndsTheUpgradedStream() throws Exception {
        try (ServerLoggingTest.Records log = new ServerLoggingTest.Records()) {
            Asyncio.run(() -> {
                Future<byte[]> serverRead = Asyncio.getRunningLoop().createFuture();
                Server server = Streams.startServer((r, w) -> {
                    assertEquals("STARTTLS\n", text(r.readLine()));
                    w.write(ascii("GO\n"));
                    w.startTls(TlsOptions.of(serverContext));
                    serverRead.setResult(r.read(-1));
                }, "127.0.0.1", 0);
                int port = port(server);
                Asyncio.toThread(() -> {
                    OneFlightTlsClient.startTlsSendAndClose(clientContext, port, ascii("last words\n"));
                    return null;
                });
                assertEquals("last words\n", text(serverRead.await()));
                server.close();
                server.waitClosed();
            });
            assertNoHalfCloseWarning(log);
        }
    }

    private static void assertNoHalfCloseWarning(ServerLoggingTest.Records log) {
        for (LogRecord r : log.snapshot()) {
            assertFalse(String.valueOf(r.getMessage()).contains("eofReceived"), r.getLevel() + " " + r.getMessage());
        }
    }
}
