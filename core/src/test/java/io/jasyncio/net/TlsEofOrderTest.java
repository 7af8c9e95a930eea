package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The order of data and a bare FIN (a TCP EOF without close_notify) at a {@link TlsProtocol},
 * with two TLS protocols wired back to back in memory: no socket, no kernel timing, so the window
 * that a real connection hits only under load (issue 16: a FIN overtook 35 KB) is hit every run
 * ({@link TlsPair}).
 */
@Timeout(30)
class TlsEofOrderTest extends TlsTestBase {

    @Test
    void aBareFinRightAfterResumeReadingWaitsBehindTheDataStillToBeDelivered() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            TlsPair p = TlsPair.connect(loop, certs);
            p.client.pauseReading();
            byte[] data = new byte[35_000];
            p.server.write(data);
            p.settle();
            assertEquals(List.of(), p.clientApp.events, "paused: nothing is delivered");
            assertTrue(p.clientTls.appTransport.readBufferSize() > data.length, "all the ciphertext waits at the client");

            // One callback, as on a loaded loop: resumeReading() schedules the delivery, and the
            // peer's FIN is read before that delivery runs.
            p.client.resumeReading();
            boolean keepOpen = p.clientTls.eofReceived();

            assertFalse(keepOpen, "no half close in TLS: the raw transport closes");
            assertEquals(List.of("data " + data.length, "eof"), p.clientApp.summary());
            p.settle(); // the scheduled delivery finds nothing more to give
            assertEquals(List.of("data " + data.length, "eof"), p.clientApp.summary());
        });
    }

    @Test
    void aBareFinWhilePausedIsDeliveredAfterTheDataOnResume() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            TlsPair p = TlsPair.connect(loop, certs);
            p.client.pauseReading();
            p.server.write(new byte[20_000]);
            p.settle();
            assertTrue(p.clientTls.eofReceived(), "paused: the raw transport stays open until the data is delivered");
            p.settle();
            assertEquals(List.of(), p.clientApp.events);
            p.client.resumeReading();
            p.settle();
            assertEquals(List.of("data 20000", "eof", "lost"), p.clientApp.summary());
            assertTrue(p.clientRaw.closing, "after the pending EOF, the raw transport is closed");
        });
    }
}
