package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.RunOptions;
import io.jasyncio.TimeoutError;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.logging.LogRecord;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the TLS layer logs at DEBUG (asyncio logs these only in debug mode): a TLS failure with
 * the raw transport it ends and the error, and a shutdown the peer never answers with the
 * timeout and the transport it aborts. On a {@link TlsPair} in memory, under virtual time.
 */
@Timeout(30)
class TlsDebugLogTest extends TlsTestBase {

    @Test
    void aTlsFailureIsLoggedAtDebugWithTheRawTransportAndTheError() {
        String[] raw = new String[1];
        Throwable[] failure = new Throwable[1];
        List<LogRecord> records = PipeDebugLogTest.debugRecords(() -> Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Void> handshake = loop.createFuture();
            TlsPair p = TlsPair.start(loop, TlsOptions.of(certs.client()).withHandshakeTimeout(Duration.ofSeconds(2)),
                    TlsOptions.of(certs.server()), new TlsPair.App(), new TlsPair.App(), handshake);
            p.serverRaw.closing = true; // reads nothing: the ClientHello is never answered
            raw[0] = p.clientRaw.toString(); // open, as when the timer fails the handshake
            failure[0] = assertInstanceOf(SSLHandshakeException.class,
                    assertThrows(CompletionException.class, handshake::await).getCause());
        }, RunOptions.defaults().virtualTime(true)));
        LogRecord r = PipeDebugLogTest.only(records, "TLS failure");
        assertEquals("TLS failure on " + raw[0], r.getMessage());
        assertSame(failure[0], r.getThrown());
    }

    @Test
    void aShutdownThePeerNeverAnswersIsLoggedAtDebugWithTheTimeoutAndTheTransport() {
        Transport[] app = new Transport[1];
        List<LogRecord> records = PipeDebugLogTest.debugRecords(() -> Asyncio.run(() -> {
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), TlsOptions.of(certs.client())
                    .withShutdownTimeout(Duration.ofSeconds(3)), TlsOptions.of(certs.server()), new TlsPair.App(), new TlsPair.App());
            p.serverRaw.closing = true; // the server's socket reads nothing more (and writes nothing)
            app[0] = p.client;
            p.client.close();
            assertInstanceOf(TimeoutError.class, p.clientApp.lost.await());
        }, RunOptions.defaults().virtualTime(true)));
        LogRecord r = PipeDebugLogTest.only(records, "TLS shutdown took longer");
        assertEquals("TLS shutdown took longer than {0}: aborting {1}", r.getMessage());
        assertArrayEquals(new Object[] {Duration.ofSeconds(3), app[0]}, r.getParameters());
    }
}
