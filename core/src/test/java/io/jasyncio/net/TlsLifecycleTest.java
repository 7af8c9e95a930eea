package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.AsyncRunnable;
import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.RunOptions;
import io.jasyncio.TimeoutError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link TlsProtocol}'s life from the handshake to the close, on a {@link TlsPair} in memory
 * under virtual time: timers, writes before the handshake finishes, closing at each stage, the
 * peer's close_notify, and failures after the handshake.
 */
@Timeout(30)
class TlsLifecycleTest extends TlsTestBase {
    private static void virtual(AsyncRunnable body) {
        Asyncio.run(body, RunOptions.defaults().virtualTime(true));
    }

    /** The exception the handshake's waiter failed with (await wraps a checked one). */
    private static SSLHandshakeException handshakeFailure(Future<Void> handshake) {
        Throwable e = assertThrows(CompletionException.class, handshake::await).getCause();
        return assertInstanceOf(SSLHandshakeException.class, e);
    }

    private static TlsOptions client() {
        return TlsOptions.of(certs.client());
    }

    private static TlsOptions server() {
        return TlsOptions.of(certs.server());
    }

    @Test
    void aFinishedHandshakeStopsItsTimer() {
        virtual(() -> {
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), client().withHandshakeTimeout(Duration.ofSeconds(1)),
                    server().withHandshakeTimeout(Duration.ofSeconds(1)), new TlsPair.App(), new TlsPair.App());
            Asyncio.sleep(10);
            assertFalse(p.clientRaw.isClosing() || p.serverRaw.isClosing(), "a connection aborted after the handshake");
            p.client.write(ascii("still up"));
            p.settle();
            assertEquals("still up", p.serverApp.text());
        });
    }

    @Test
    void aHandshakeThePeerNeverAnswersTimesOut() {
        virtual(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Void> handshake = loop.createFuture();
            TlsPair p = TlsPair.start(loop, client().withHandshakeTimeout(Duration.ofSeconds(2)), server(),
                    new TlsPair.App(), new TlsPair.App(), handshake);
            p.serverRaw.closing = true; // reads nothing: the ClientHello is never answered
            SSLHandshakeException e = handshakeFailure(handshake);
            assertTrue(e.getMessage().contains("longer than"), e.getMessage());
            assertEquals(2.0, loop.time(), 1e-6);
            assertTrue(p.clientRaw.aborted);
        });
    }

    @Test
    void thePeerClosingDuringTheHandshakeFailsTheWaiterAndAborts() {
        virtual(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Void> handshake = loop.createFuture();
            TlsPair p = TlsPair.start(loop, client(), server(), new TlsPair.App(), new TlsPair.App(), handshake);
            p.serverRaw.close(); // its FIN reaches the client before any answer to the ClientHello
            SSLHandshakeException e = handshakeFailure(handshake);
            assertTrue(e.getMessage().contains("closed the connection during the TLS handshake"), e.getMessage());
            assertTrue(p.clientRaw.aborted);
            assertFalse(p.clientApp.made.done());
        });
    }

    @Test
    void writesMadeBeforeTheHandshakeFinishesAreSentInOrderOnceItDoes() {
        virtual(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Void> handshake = loop.createFuture();
            TlsPair p = TlsPair.start(loop, client(), server(), new TlsPair.App(), new TlsPair.App(), handshake);
            Transport early = p.clientTls.appTransport;
            early.write(ascii("ab"));
            early.write(ByteBuffer.allocate(0));
            ByteBuffer cd = ascii("cd");
            early.write(cd);
            assertFalse(cd.hasRemaining(), "the write took the bytes");
            assertEquals(4, early.getWriteBufferSize(), "held back until the handshake finishes");
            handshake.await();
            assertEquals(0, early.getWriteBufferSize());
            p.settle();
            assertEquals("abcd", p.serverApp.text());
        });
    }

    @Test
    void closingDuringTheHandshakeAbortsAndFailsTheWaiter() {
        virtual(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Void> handshake = loop.createFuture();
            TlsPair p = TlsPair.start(loop, client(), server(), new TlsPair.App(), new TlsPair.App(), handshake);
            p.clientTls.appTransport.close();
            assertTrue(p.clientRaw.aborted, "no close_notify before the session exists");
            handshakeFailure(handshake);
            assertFalse(p.clientApp.made.done());
        });
    }

    @Test
    void thePeersCloseNotifyEndsTheConnectionWithEofThenConnectionLost() {
        io.jasyncio.LogCapture logs = io.jasyncio.LogCapture.start();
        try {
            virtual(() -> {
                TlsPair.App clientApp = new TlsPair.App();
                clientApp.keepOpenOnEof = true; // no effect with TLS: logged, and the connection closes
                TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), client(), server(), clientApp, new TlsPair.App());
                p.server.write(ascii("bye"));
                p.server.close();
                assertTrue(p.server.isClosing());
                p.settle();
                assertEquals(List.of("data 3", "eof", "lost"), p.clientApp.summary());
                assertEquals(List.of("eof", "lost"), p.serverApp.summary());
                assertTrue(((javax.net.ssl.SSLEngine) p.server.getExtraInfo("ssl_object")).isInboundDone(),
                        "the client answered with its close_notify, not with a bare FIN");
                assertFalse(p.clientRaw.aborted || p.serverRaw.aborted, "both closed cleanly");
            });
        } finally {
            logs.stop();
        }
        String warning = "returning true from eofReceived() has no effect when using TLS";
        assertEquals(1, logs.messages().stream().filter(warning::equals).count(),
                "asyncio's warning, once, for the client that asked to stay open: " + logs.messages());
    }

    @Test
    void aShutdownThePeerNeverAnswersTimesOutWithATimeoutError() {
        virtual(() -> {
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), client().withShutdownTimeout(Duration.ofSeconds(3)),
                    server(), new TlsPair.App(), new TlsPair.App());
            p.serverRaw.closing = true; // the server's socket reads nothing more (and writes nothing)
            double t0 = Asyncio.getRunningLoop().time();
            p.client.close();
            assertInstanceOf(TimeoutError.class, p.clientApp.lost.await());
            assertEquals(3.0, Asyncio.getRunningLoop().time() - t0, 1e-6);
            assertTrue(p.clientRaw.aborted);
        });
    }

    /**
     * A record that fails to decrypt after the handshake ends the connection with the error, as
     * asyncio's {@code _fatal_error} does: {@code connectionLost(null)} would tell a stream reader
     * that the peer ended the stream cleanly (a truncation nobody notices).
     */
    @Test
    void aCorruptRecordAfterTheHandshakeEndsTheConnectionWithTheTlsError() {
        virtual(() -> {
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), certs);
            p.clientTls.dataReceived(forgedRecord());
            assertInstanceOf(SSLException.class, p.clientApp.lost.await());
            assertTrue(p.clientRaw.aborted);
            assertInstanceOf(IOException.class, p.serverApp.lost.await(), "the server's side was reset");
        });
    }

    /** As asyncio's {@code _fatal_error}: the protocol's exception reaches its own connectionLost. */
    @Test
    void aFailingDataReceivedAbortsAndEndsTheConnectionWithItsException() {
        virtual(() -> {
            IllegalStateException boom = new IllegalStateException("cannot parse");
            TlsPair.App failing = new TlsPair.App() {
                @Override
                public void dataReceived(ByteBuffer data) {
                    throw boom;
                }
            };
            List<io.jasyncio.ErrorContext> handled = new java.util.ArrayList<>();
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> handled.add(ctx));
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), client(), server(), failing, new TlsPair.App());
            p.server.write(ascii("x"));
            assertSame(boom, failing.lost.await());
            assertTrue(p.clientRaw.aborted);
            assertEquals(1, handled.size());
            assertEquals("Fatal error: protocol.dataReceived() call failed.", handled.get(0).message());
            assertSame(p.client, handled.get(0).transport());
            assertSame(failing, handled.get(0).protocol());
        });
    }

    @Test
    void theHandshakeWaiterFailsWithTheIoErrorThatEndedTheConnection() {
        virtual(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Void> reset = loop.createFuture();
            TlsPair p = TlsPair.start(loop, client(), server(), new TlsPair.App(), new TlsPair.App(), reset);
            p.serverRaw.abort();
            Throwable e = assertThrows(CompletionException.class, reset::await).getCause();
            assertEquals(IOException.class, e.getClass(), "the reset itself, not a handshake error: " + e);

            Future<Void> odd = loop.createFuture();
            TlsPair q = TlsPair.start(loop, client(), server(), new TlsPair.App(), new TlsPair.App(), odd);
            IllegalStateException why = new IllegalStateException("odd");
            q.clientTls.connectionLost(why);
            assertSame(why, handshakeFailure(odd).getCause());
            assertFalse(q.clientApp.lost.done(), "the application never connected");
        });
    }

    @Test
    void writingFlowControlReachesTheApplicationOnlyWhileItIsConnected() {
        virtual(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Void> handshake = loop.createFuture();
            TlsPair p = TlsPair.start(loop, client(), server(), new TlsPair.App(), new TlsPair.App(), handshake);
            p.clientTls.pauseWriting();
            p.clientTls.resumeWriting();
            assertEquals(0, p.clientApp.pauses + p.clientApp.resumes, "not connected yet");
            handshake.await();
            p.clientTls.pauseWriting();
            p.clientTls.resumeWriting();
            assertEquals(1, p.clientApp.pauses);
            assertEquals(1, p.clientApp.resumes);
            p.clientTls.appTransport.abort();
            p.clientApp.lost.await();
            p.clientTls.pauseWriting();
            p.clientTls.resumeWriting();
            assertEquals(1, p.clientApp.pauses, "after connectionLost");
            assertEquals(1, p.clientApp.resumes, "after connectionLost");
        });
    }

    @Test
    void aFailingConnectionLostIsReportedToTheExceptionHandler() {
        virtual(() -> {
            List<io.jasyncio.ErrorContext> handled = new java.util.ArrayList<>();
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> handled.add(ctx));
            IllegalStateException boom = new IllegalStateException("in connectionLost");
            TlsPair.App failing = new TlsPair.App() {
                @Override
                public void connectionLost(Throwable exc) {
                    super.connectionLost(exc);
                    throw boom;
                }
            };
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), client(), server(), failing, new TlsPair.App());
            p.client.abort();
            failing.lost.await();
            p.settle();
            assertEquals(1, handled.size());
            assertEquals("protocol.connectionLost() failed", handled.get(0).message());
            assertSame(boom, handled.get(0).exception());
            assertSame(failing, handled.get(0).protocol());
        });
    }

    /** The session exists but the application refused it: nothing it wrote early goes out. */
    @Test
    void aFailingConnectionMadeAbortsAndDropsTheEarlyWrites() {
        virtual(() -> {
            List<io.jasyncio.ErrorContext> handled = new java.util.ArrayList<>();
            EventLoop loop = Asyncio.getRunningLoop();
            loop.setExceptionHandler((l, ctx) -> handled.add(ctx));
            IllegalStateException boom = new IllegalStateException("refused");
            TlsPair.App refusing = new TlsPair.App() {
                @Override
                public void connectionMade(Transport t) {
                    super.connectionMade(t);
                    throw boom;
                }
            };
            Future<Void> handshake = loop.createFuture();
            TlsPair p = TlsPair.start(loop, client(), server(), refusing, new TlsPair.App(), handshake);
            p.clientTls.appTransport.write(ascii("early"));
            assertSame(boom, refusing.lost.await());
            p.settle();
            assertTrue(p.clientRaw.aborted);
            assertEquals("", p.serverApp.text());
            assertEquals("protocol.connectionMade() failed", handled.get(0).message());
        });
    }

    @Test
    void closingWhileReadingIsPausedStillCompletesTheShutdownAndDropsTheData() {
        virtual(() -> {
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), certs);
            p.client.pauseReading();
            p.server.write(ascii("unread"));
            p.settle();
            p.client.close();
            p.settle();
            assertEquals(List.of("eof", "lost"), p.clientApp.summary(), "the data dropped, the server's close_notify taken");
            assertFalse(p.clientRaw.aborted, "closed after the close_notify exchange, not by the timeout");
            assertEquals(List.of("eof", "lost"), p.serverApp.summary());
        });
    }

    /** Reading paused before the session exists stops the delivery, not the handshake. */
    @Test
    void readingPausedBeforeTheHandshakeFinishesHoldsTheDataNotTheHandshake() {
        virtual(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Void> handshake = loop.createFuture();
            TlsPair p = TlsPair.start(loop, client(), server(), new TlsPair.App(), new TlsPair.App(), handshake);
            Transport early = p.clientTls.appTransport;
            early.pauseReading();
            handshake.await();
            p.settle();
            p.serverApp.transport.write(ascii("held"));
            p.settle();
            assertEquals("", p.clientApp.text());
            early.resumeReading();
            p.settle();
            assertEquals("held", p.clientApp.text());
        });
    }

    /** A forged record, as if from the peer: fails to decrypt. */
    static ByteBuffer forgedRecord() {
        byte[] forged = new byte[5 + 64];
        forged[0] = 23; // application_data
        forged[1] = 3;
        forged[2] = 3;
        forged[4] = 64;
        return ByteBuffer.wrap(forged);
    }

    /** The FIN makes the waiting records go first; when one of them fails, no EOF follows. */
    @Test
    void aTlsErrorInTheRecordsBeforeAFinEndsTheConnectionWithoutAnEof() {
        virtual(() -> {
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), certs);
            p.client.pauseReading();
            p.clientTls.dataReceived(forgedRecord());
            p.client.resumeReading(); // delivery scheduled; the FIN comes first
            assertFalse(p.clientTls.eofReceived(), "the raw transport closes");
            assertInstanceOf(SSLException.class, p.clientApp.lost.await());
            assertFalse(p.clientApp.eof.done(), "an EOF after a TLS failure");
        });
    }

    @Test
    void aFailingEofReceivedAbortsAndEndsTheConnectionWithItsException() {
        virtual(() -> {
            List<io.jasyncio.ErrorContext> handled = new java.util.ArrayList<>();
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> handled.add(ctx));
            IllegalStateException boom = new IllegalStateException("in eofReceived");
            TlsPair.App failing = new TlsPair.App() {
                @Override
                public boolean eofReceived() {
                    throw boom;
                }
            };
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), client(), server(), failing, new TlsPair.App());
            p.server.close();
            assertSame(boom, failing.lost.await());
            assertTrue(p.clientRaw.aborted);
            assertEquals("Fatal error: protocol.eofReceived() call failed.", handled.get(0).message());
        });
    }

    /** The application resumes before the raw connection started: nothing runs the engine early. */
    @Test
    void resumingReadingBeforeTheConnectionStartsLeavesTheHandshakeToIt() {
        virtual(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Void> handshake = loop.createFuture();
            TlsPair p = TlsPair.create(loop, client(), server(), new TlsPair.App(), new TlsPair.App(), handshake);
            p.clientTls.appTransport.pauseReading();
            p.clientTls.appTransport.resumeReading();
            Asyncio.sleep(0);
            assertFalse(handshake.done());
            assertFalse(p.clientApp.made.done(), "connected before any handshake");
            p.begin();
            handshake.await();
            p.settle();
            assertEquals(1, p.clientApp.connections);
            p.serverApp.transport.write(ascii("ok"));
            p.settle();
            assertEquals("ok", p.clientApp.text());
        });
    }

    /** Server.closeClients right after an accept: the close waits for the raw connection, then closes it. */
    @Test
    void closingBeforeTheRawConnectionStartsClosesItAsItStarts() {
        virtual(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Void> handshake = loop.createFuture();
            TlsPair p = TlsPair.create(loop, client(), server(), new TlsPair.App(), new TlsPair.App(), handshake);
            p.clientTls.appTransport.close();
            p.begin();
            assertTrue(p.clientRaw.isClosing());
            assertFalse(p.clientRaw.aborted);
            assertEquals(0, p.clientRaw.written, "no handshake on a connection nobody wants");
            handshakeFailure(handshake);
        });
    }

    /** The peer's close_notify and then its FIN wait while paused: the application hears one EOF. */
    @Test
    void aCloseNotifyFollowedByAFinWhilePausedIsOneEof() {
        virtual(() -> {
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), certs);
            p.client.pauseReading();
            p.server.write(ascii("last"));
            p.server.close();
            p.settle();
            p.serverRaw.close(); // and its FIN, without waiting for our close_notify
            p.settle();
            assertEquals(List.of(), p.clientApp.events);
            p.client.resumeReading();
            p.settle();
            assertEquals(List.of("data 4", "eof", "lost"), p.clientApp.summary());
        });
    }

    /**
     * The peer's FIN waits while reading is paused, then the application aborts: it has heard
     * connectionLost, so resuming reading afterwards delivers no EOF (nothing after
     * connectionLost, as asyncio's protocol outside the WRAPPED state).
     */
    @Test
    void aFinWaitingWhilePausedIsNotDeliveredAfterTheApplicationAborted() {
        virtual(() -> {
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), certs);
            p.client.pauseReading();
            p.serverRaw.close(); // a FIN without close_notify: it waits for the application to resume
            p.settle();
            assertEquals(List.of(), p.clientApp.events);
            p.client.abort();
            p.settle();
            assertEquals(List.of("lost"), p.clientApp.events);
            p.client.resumeReading();
            p.settle();
            assertEquals(List.of("lost"), p.clientApp.events);
        });
    }
}
