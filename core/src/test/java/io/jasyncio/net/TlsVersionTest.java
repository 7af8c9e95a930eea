package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.RunOptions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link TlsProtocol} client speaking TLS 1.2, on a {@link TlsPair} in memory under virtual
 * time. Its handshake ends in an unwrap (the server's Finished), where a TLS 1.3 client's ends
 * in a wrap.
 */
@Timeout(30)
class TlsVersionTest extends TlsTestBase {

    @Test
    void aTls12ClientFinishesItsHandshakeCarriesDataBothWaysAndClosesCleanly() {
        Asyncio.run(() -> {
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), TlsOptions.of(certs.tls12Client()),
                    TlsOptions.of(certs.server()), new TlsPair.App(), new TlsPair.App());
            assertEquals("TlsTransport[TLSv1.2 over Wire[open]]", p.client.toString());
            assertEquals(1, p.clientApp.connections);
            p.client.write(ascii("ping"));
            p.server.write(ascii("pong"));
            p.settle();
            assertEquals("ping", p.serverApp.text());
            assertEquals("pong", p.clientApp.text());
            double t0 = Asyncio.getRunningLoop().time();
            p.client.close();
            p.settle();
            assertEquals(List.of("data 4", "eof", "lost"), p.serverApp.summary());
            assertEquals(List.of("data 4", "eof", "lost"), p.clientApp.summary(), "the closer took the server's close_notify");
            assertFalse(p.clientRaw.aborted || p.serverRaw.aborted, "both closed cleanly");
            assertEquals(t0, Asyncio.getRunningLoop().time(), "not by the shutdown timeout");
        }, RunOptions.defaults().virtualTime(true));
    }
}
