package io.jasyncio.stream;

import static io.jasyncio.stream.StreamTesting.ascii;
import static io.jasyncio.stream.StreamTesting.port;
import static io.jasyncio.stream.StreamTesting.text;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.ErrorContext;
import io.jasyncio.Future;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.TlsOptions;
import io.jasyncio.net.TlsTesting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Streams over TLS: from the first byte, and upgraded in the middle (STARTTLS). */
@Timeout(30)
class StreamsTlsTest {
    static SSLContext serverContext;
    static SSLContext clientContext;

    /** A throwaway self-signed certificate for localhost/127.0.0.1, made with the JDK's keytool. */
    @BeforeAll
    static void certificate(@TempDir Path dir) throws Exception {
        TlsTesting certs = TlsTesting.generateWithKeytool(dir);
        serverContext = certs.server();
        clientContext = certs.client();
    }

    @Test
    void tlsFromTheStart() {
        Asyncio.run(() -> {
            Server server = Streams.startServer(StreamsTest.UPPER, "127.0.0.1", 0,
                    ServerOptions.defaults().withTls(TlsOptions.of(serverContext)));
            StreamPair c = Streams.openConnection("127.0.0.1", port(server), TlsOptions.of(clientContext));
            assertNotNull(c.writer().getExtraInfo("sslcontext"));
            assertFalse(c.writer().canWriteEof());
            c.writer().write(ascii("secret\n"));
            assertEquals("SECRET\n", text(c.reader().readLine()));
            c.writer().close();
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
        });
    }

    /**
     * After STARTTLS the connection is the TLS one: a handler that then fails is reported with the
     * TLS transport (asyncio's context names the transport the writer writes to), and the
     * connection it closes is the TLS connection, so the client sees a clean end of stream.
     */
    @Test
    void aHandlerFailingAfterStartTlsIsReportedWithTheTlsTransport() {
        Asyncio.run(() -> {
            List<ErrorContext> reported = new ArrayList<>();
            Future<Void> seen = Asyncio.getRunningLoop().createFuture();
            Asyncio.getRunningLoop().setExceptionHandler((loop, ctx) -> {
                reported.add(ctx);
                if (!seen.done()) seen.setResult(null);
            });
            IllegalStateException bug = new IllegalStateException("handler bug after STARTTLS");
            Server server = Streams.startServer((r, w) -> {
                assertEquals("STARTTLS\n", text(r.readLine()));
                w.write(ascii("GO\n"));
                w.startTls(TlsOptions.of(serverContext));
                assertEquals("after\n", text(r.readLine()));
                throw bug;
            }, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            c.writer().write(ascii("STARTTLS\n"));
            assertEquals("GO\n", text(c.reader().readLine()));
            c.writer().startTls(TlsOptions.of(clientContext).withServerHostname("localhost"));
            c.writer().write(ascii("after\n"));
            seen.await();
            assertEquals(1, reported.size(), reported.toString());
            ErrorContext ctx = reported.get(0);
            assertSame(bug, ctx.exception());
            assertNotNull(ctx.transport(), "the report names the connection");
            assertNotNull(ctx.transport().getExtraInfo("sslcontext"), "the transport reported is the TLS one: " + ctx.transport());
            assertArrayEquals(new byte[0], c.reader().read(-1), "the server closed the TLS connection: a clean EOF");
            c.writer().close();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void startTlsUpgradesBothEnds() {
        Asyncio.run(() -> {
            Server server = Streams.startServer((r, w) -> {
                assertEquals("STARTTLS\n", text(r.readLine()));
                w.write(ascii("GO\n"));
                w.startTls(TlsOptions.of(serverContext));
                for (byte[] line : r) {
                    w.write(ascii(text(line).toUpperCase()));
                    w.drain();
                }
                w.close();
            }, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            c.writer().write(ascii("STARTTLS\n"));
            assertEquals("GO\n", text(c.reader().readLine()));
            assertNull(c.writer().getExtraInfo("sslcontext"));
            c.writer().startTls(TlsOptions.of(clientContext).withServerHostname("localhost"));
            assertNotNull(c.writer().getExtraInfo("sslcontext"));
            assertNotNull(c.writer().getExtraInfo("peercert"));
            for (String s : List.of("one\n", "two\n")) {
                c.writer().write(ascii(s));
                assertEquals(s.toUpperCase(), text(c.reader().readLine()));
            }
            c.writer().close();
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
        });
    }
}
