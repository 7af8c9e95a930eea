package io.jasyncio.net;

import static io.jasyncio.net.Recorder.port;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * startTls on a half-open connection: the peer already sent its FIN and the plain protocol kept
 * the connection open ({@code eofReceived} returned true), so the raw transport stopped reading.
 * As in asyncio (start_tls pauses, then resumes reading), the upgrade reads again, sees the EOF
 * once more and fails the handshake at once instead of waiting out the handshake timeout.
 */
@Timeout(30)
class StartTlsAfterEofTest extends TlsTestBase {

    @Test
    void aHandshakeOnAConnectionThePeerAlreadyHalfClosedFailsAtOnce() {
        Asyncio.run(() -> {
            // A plain server that sends its FIN at once and then only reads (never answers the hello).
            Server server = Net.createServer(() -> new Recorder() {
                @Override
                public void connectionMade(Transport t) {
                    super.connectionMade(t);
                    t.writeEof();
                }
            }, "127.0.0.1", 0);
            Recorder client = new Recorder();
            client.keepOpenOnEof = true;
            Connection<Recorder> c = Net.createConnection(() -> client, "127.0.0.1", port(server));
            client.eof.await();
            assertFalse(c.transport().isClosing(), "half-open: the plain protocol kept it open");
            // A long handshake timeout, a short bound: only a fresh read of the EOF ends it in time.
            TlsOptions tls = TlsOptions.of(certs.client()).withServerHostname("localhost")
                    .withHandshakeTimeout(Duration.ofSeconds(60));
            SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> Asyncio.waitFor(
                    () -> Net.startTls(c.transport(), client, tls, false), Duration.ofSeconds(10)));
            assertTrue(e.getMessage().contains("closed the connection during the TLS handshake"), e.getMessage());
            assertTrue(c.transport().isClosing(), "the connection is aborted");
            server.close();
            server.waitClosed();
        });
    }
}
