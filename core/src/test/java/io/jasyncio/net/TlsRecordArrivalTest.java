package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.AsyncRunnable;
import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.RunOptions;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a {@link TlsProtocol} takes the peer's records however the socket cuts them: several in one
 * read are all processed on that read (nothing waits for more data that already came), and a
 * record cut in pieces waits for its rest. On a {@link TlsPair} in memory, whose wires can
 * collect what a side sends so the test hands it over in the pieces it chooses.
 */
@Timeout(30)
class TlsRecordArrivalTest extends TlsTestBase {
    private static void virtual(AsyncRunnable body) {
        Asyncio.run(body, RunOptions.defaults().virtualTime(true));
    }

    /** Runs {@code send}, collecting what {@code wire} sends meanwhile instead of delivering it. */
    private static byte[] collect(TlsPair p, TlsPair.Wire wire, Runnable send) {
        wire.capture = new ByteArrayOutputStream();
        send.run();
        p.settle();
        byte[] out = wire.capture.toByteArray();
        wire.capture = null;
        return out;
    }

    @Test
    void theServersWholeFirstFlightInOneReadFinishesTheClientsHandshakeOnThatRead() {
        virtual(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Void> handshake = loop.createFuture();
            TlsPair p = TlsPair.create(loop, TlsOptions.of(certs.client()), TlsOptions.of(certs.server()),
                    new TlsPair.App(), new TlsPair.App(), handshake);
            byte[] flight = collect(p, p.serverRaw, p::begin); // the ClientHello reaches the server; its answer is kept
            assertTrue(flight.length > 0);
            assertFalse(handshake.done());
            p.clientTls.dataReceived(ByteBuffer.wrap(flight));
            assertTrue(handshake.done(), "records that had arrived were left waiting for more data");
            assertEquals(1, p.clientApp.connections);
        });
    }

    @Test
    void recordsOfApplicationDataInOneReadAreAllDeliveredOnThatRead() {
        virtual(() -> {
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), certs);
            byte[] records = collect(p, p.serverRaw, () -> {
                p.server.write(ascii("one "));
                p.server.write(ascii("two "));
                p.server.write(ascii("three"));
            });
            p.clientTls.dataReceived(ByteBuffer.wrap(records));
            assertEquals("one two three", p.clientApp.text());
        });
    }

    @Test
    void aRecordCutInPiecesIsDeliveredWhenItsLastByteArrives() {
        virtual(() -> {
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), certs);
            byte[] record = collect(p, p.serverRaw, () -> p.server.write(ascii("whole")));
            for (int i = 0; i < record.length - 1; i++) {
                p.clientTls.dataReceived(ByteBuffer.wrap(record, i, 1));
                assertEquals("", p.clientApp.text(), "after byte " + i);
            }
            p.clientTls.dataReceived(ByteBuffer.wrap(record, record.length - 1, 1));
            assertEquals("whole", p.clientApp.text());
        });
    }
}
