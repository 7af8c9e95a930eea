package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.AsyncRunnable;
import io.jasyncio.Asyncio;
import io.jasyncio.RunOptions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing a TLS connection (asyncio's {@code _start_shutdown}) when something already waits at
 * this end: the peer's FIN, its close_notify, or a socket paused for too much ciphertext. Each
 * must finish at once (virtual time stays at 0), not by the shutdown timeout.
 */
@Timeout(30)
class TlsShutdownTest extends TlsTestBase {
    private static void virtual(AsyncRunnable body) {
        Asyncio.run(body, RunOptions.defaults().virtualTime(true));
    }

    private static TlsPair pausedClient() {
        TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), certs);
        p.client.pauseReading();
        return p;
    }

    @Test
    void closingWithTheSocketsEofPendingClosesAtOnce() {
        virtual(() -> {
            TlsPair p = pausedClient();
            p.serverRaw.close(); // a bare FIN, no close_notify: it waits behind the (no) data
            p.settle();
            assertFalse(p.clientRaw.isClosing(), "kept open until the application has the data");
            double t0 = Asyncio.getRunningLoop().time();
            p.client.close();
            assertNull(p.clientApp.lost.await());
            assertEquals(t0, Asyncio.getRunningLoop().time(), "closed by the timeout, not at once");
            assertFalse(p.clientRaw.aborted);
        });
    }

    @Test
    void closingWhenThePeersCloseNotifyAlreadyWaitsFinishesAtOnce() {
        virtual(() -> {
            TlsPair p = pausedClient();
            p.server.write(ascii("unread"));
            p.server.close(); // its close_notify waits at the client with the data
            p.settle();
            assertEquals(List.of(), p.clientApp.events);
            p.serverRaw.closing = true; // the server reads (and sends) nothing more: no FIN to wake the client
            double t0 = Asyncio.getRunningLoop().time();
            p.client.close();
            assertNull(p.clientApp.lost.await());
            assertEquals(t0, Asyncio.getRunningLoop().time(), "closed by the timeout, not at once");
            assertEquals(List.of("eof", "lost"), p.clientApp.summary(), "the data dropped after close()");
        });
    }

    @Test
    void closingResumesASocketPausedForTooMuchCiphertext() {
        virtual(() -> {
            TlsPair p = pausedClient();
            p.server.write(new byte[TlsProtocol.INCOMING_HIGH + 64 * 1024]);
            p.settle();
            assertTrue(p.clientRaw.readingPaused);
            p.client.close();
            assertFalse(p.clientRaw.readingPaused, "the peer's close_notify can only come through a read socket");
            assertEquals(1, p.clientRaw.resumeReadingCalls);
            p.server.close();
            assertNull(p.clientApp.lost.await());
            assertEquals(List.of("eof", "lost"), p.clientApp.summary());
        });
    }

    /**
     * The connection is lost (a reset) while records wait for a paused application, which then
     * resumes reading: as asyncio's {@code _do_read} outside the WRAPPED state, nothing is
     * delivered after {@code connectionLost}.
     */
    @Test
    void nothingIsDeliveredAfterConnectionLostWhenTheApplicationResumesLate() {
        virtual(() -> {
            TlsPair p = pausedClient();
            p.server.write(ascii("never read"));
            p.settle();
            assertTrue(p.clientTls.appTransport.readBufferSize() > 0, "the record waits at the client");
            p.serverRaw.abort();
            p.settle();
            assertEquals(List.of("lost IOException"), p.clientApp.events);
            p.client.resumeReading();
            p.settle();
            assertEquals(List.of("lost IOException"), p.clientApp.events);
        });
    }

    /** The TLS layer's debug log while {@code body} runs under virtual time. */
    private static List<String> debugLogOf(AsyncRunnable body) {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("io.jasyncio.net");
        java.util.logging.Level level = log.getLevel();
        log.setLevel(java.util.logging.Level.FINE);
        io.jasyncio.LogCapture logs = io.jasyncio.LogCapture.start();
        try {
            virtual(body);
            return logs.messages();
        } finally {
            logs.stop();
            log.setLevel(level);
        }
    }

    /** A connected pair whose client gives its TLS shutdown 3 s (of virtual time) to finish. */
    private static TlsPair connectedWithShutdownTimeout3s() {
        return TlsPair.connect(Asyncio.getRunningLoop(),
                TlsOptions.of(certs.client()).withShutdownTimeout(java.time.Duration.ofSeconds(3)),
                TlsOptions.of(certs.server()), new TlsPair.App(), new TlsPair.App());
    }

    /** No shutdown timer fired: the debug log has no "took longer" line. */
    private static void assertNoShutdownTimeout(List<String> logged) {
        assertTrue(logged.stream().noneMatch(m -> m.startsWith("TLS shutdown took longer")), logged.toString());
    }

    /** Lost (a reset) during the handshake: its timer goes with the connection, it does not fire later. */
    @Test
    void aConnectionLostDuringTheHandshakeLeavesNoHandshakeTimerBehind() {
        List<String> logged = debugLogOf(() -> {
            io.jasyncio.EventLoop loop = Asyncio.getRunningLoop();
            io.jasyncio.Future<Void> handshake = loop.createFuture();
            TlsPair p = TlsPair.start(loop, TlsOptions.of(certs.client()).withHandshakeTimeout(java.time.Duration.ofSeconds(2)),
                    TlsOptions.of(certs.server()), new TlsPair.App(), new TlsPair.App(), handshake);
            p.serverRaw.abort();
            assertThrows(java.util.concurrent.CompletionException.class, handshake::await);
            Asyncio.sleep(5);
        });
        assertTrue(logged.stream().noneMatch(m -> m.startsWith("TLS failure")), logged.toString());
    }

    /** A shutdown that finished (close_notify exchanged) stops its timer. */
    @Test
    void aCompletedShutdownLeavesNoShutdownTimerBehind() {
        List<String> logged = debugLogOf(() -> {
            TlsPair p = connectedWithShutdownTimeout3s();
            p.client.close();
            assertNull(p.clientApp.lost.await());
            Asyncio.sleep(5);
        });
        assertNoShutdownTimeout(logged);
    }

    /**
     * close() again while the shutdown waits for the peer's close_notify does nothing (asyncio's
     * {@code _start_shutdown} returns once shutting down): no second close_notify, no second
     * timer that would outlive the finished shutdown and fire later.
     */
    @Test
    void closingAgainWhileTheShutdownWaitsStartsNoSecondShutdown() {
        List<String> logged = debugLogOf(() -> {
            TlsPair p = connectedWithShutdownTimeout3s();
            p.client.close();
            long sent = p.clientRaw.written; // the close_notify
            p.client.close();
            assertEquals(sent, p.clientRaw.written, "one close_notify");
            assertNull(p.clientApp.lost.await());
            Asyncio.sleep(5);
        });
        assertNoShutdownTimeout(logged);
    }

    /**
     * close() after the connection was lost (a reset) starts no shutdown: nothing to send a
     * close_notify on, and no shutdown timer left to fire later.
     */
    @Test
    void closingAfterTheConnectionWasLostStartsNoShutdown() {
        List<String> logged = debugLogOf(() -> {
            TlsPair p = connectedWithShutdownTimeout3s();
            p.serverRaw.abort();
            assertInstanceOf(java.io.IOException.class, p.clientApp.lost.await());
            long sent = p.clientRaw.written;
            p.client.close(); // the raw transport is closed: a write to it would throw here
            assertEquals(sent, p.clientRaw.written, "no close_notify");
            Asyncio.sleep(5);
        });
        assertNoShutdownTimeout(logged);
    }
}
