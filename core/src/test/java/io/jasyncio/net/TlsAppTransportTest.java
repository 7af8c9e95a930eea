package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.AsyncRunnable;
import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.RunOptions;
import java.nio.ByteBuffer;
import java.util.List;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The transport a TLS connection gives its application, on a {@link TlsPair} in memory. */
@Timeout(30)
class TlsAppTransportTest extends TlsTestBase {
    private static void virtual(AsyncRunnable body) {
        Asyncio.run(body, RunOptions.defaults().virtualTime(true));
    }

    /** A pair whose handshake has not run yet (its waiter is returned in {@code handshake[0]}). */
    private static TlsPair starting(Future<?>[] handshake) {
        EventLoop loop = Asyncio.getRunningLoop();
        Future<Void> f = loop.createFuture();
        handshake[0] = f;
        return TlsPair.start(loop, TlsOptions.of(certs.client()), TlsOptions.of(certs.server()),
                new TlsPair.App(), new TlsPair.App(), f);
    }

    @Test
    void extraInfoAndToStringShowTheSessionOnceItExists() {
        virtual(() -> {
            Future<?>[] handshake = new Future<?>[1];
            TlsPair p = starting(handshake);
            Transport t = p.clientTls.appTransport;
            assertEquals("TlsTransport[handshaking over Wire[open]]", t.toString());
            assertNull(t.getExtraInfo("cipher"));
            assertNull(t.getExtraInfo("peercert"));
            assertSame(certs.client(), t.getExtraInfo("sslcontext"));
            SSLEngine engine = assertInstanceOf(SSLEngine.class, t.getExtraInfo("ssl_object"));
            assertTrue(engine.getUseClientMode());
            assertSame(p.clientRaw, t.getExtraInfo("wire"), "other names are the raw transport's");
            handshake[0].await();
            assertEquals("TlsTransport[TLSv1.3 over Wire[open]]", t.toString());
            assertEquals(engine.getSession().getCipherSuite(), t.getExtraInfo("cipher"));
            assertEquals(certs.cert(), t.getExtraInfo("peercert"));
            p.settle();
            assertNull(p.serverApp.transport.getExtraInfo("peercert"), "the client presented no certificate");
        });
    }

    @Test
    void isReadingFollowsPauseResumeAndClose() {
        virtual(() -> {
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), certs);
            assertTrue(p.client.isReading());
            p.client.pauseReading();
            assertFalse(p.client.isReading());
            assertFalse(p.clientRaw.readingPaused, "the socket is still read: only delivery stops");
            p.client.resumeReading();
            assertTrue(p.client.isReading());
            p.client.close();
            assertFalse(p.client.isReading());
            assertTrue(p.client.isClosing());
        });
    }

    @Test
    void theWriteBufferAndItsLimitsAreTheRawTransports() {
        virtual(() -> {
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), certs);
            p.clientRaw.writeBufferSize = 1234;
            assertEquals(1234, p.client.getWriteBufferSize());
            p.client.setWriteBufferLimits(64, 16);
            assertEquals(new WriteBufferLimits(64, 16), p.clientRaw.limits);
            assertSame(p.clientRaw.limits, p.client.getWriteBufferLimits());
        });
    }

    @Test
    void writingAfterCloseOrAbortIsAnError() {
        virtual(() -> {
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), certs);
            assertThrows(NullPointerException.class, () -> p.client.write((ByteBuffer) null));
            p.client.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.client.write(ascii("late")));
            assertTrue(e.getMessage().contains("after close() or abort()"), e.getMessage());

            TlsPair q = TlsPair.connect(Asyncio.getRunningLoop(), certs);
            q.client.abort();
            assertTrue(q.client.isClosing());
            assertThrows(IllegalStateException.class, () -> q.client.write(ascii("late")));
        });
    }

    /** The peer went away (the raw transport closes): writes are dropped quietly, as asyncio's. */
    @Test
    void writesOnceTheRawTransportIsClosingAreDropped() {
        virtual(() -> {
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), certs);
            p.clientRaw.closing = true;
            long before = p.clientRaw.written;
            ByteBuffer data = ascii("dropped");
            p.client.write(data);
            assertFalse(data.hasRemaining(), "consumed");
            assertEquals(before, p.clientRaw.written);
        });
    }

    /** The application did not close, the peer reset the connection: the TLS transport is closing too. */
    @Test
    void theTransportIsClosingOnceTheRawOneIsEvenIfTheApplicationNeverClosed() {
        virtual(() -> {
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), certs);
            assertFalse(p.client.isClosing());
            p.serverRaw.abort();
            p.settle();
            assertTrue(p.clientRaw.isClosing());
            assertTrue(p.client.isClosing());
            assertFalse(p.client.isReading());
        });
    }

    @Test
    void writelinesSendsEachBufferInOrder() {
        virtual(() -> {
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), certs);
            p.client.writelines(List.of(ascii("one "), ascii("two "), ascii("three")));
            p.settle();
            assertEquals("one two three", p.serverApp.text());
        });
    }

    @Test
    void setProtocolSwitchesWhereThePlaintextGoes() {
        virtual(() -> {
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), certs);
            assertSame(p.clientApp, p.client.getProtocol());
            assertThrows(NullPointerException.class, () -> p.client.setProtocol(null));
            TlsPair.App next = new TlsPair.App();
            p.client.setProtocol(next);
            assertSame(next, p.client.getProtocol());
            p.server.write(ascii("to the new one"));
            p.settle();
            assertEquals("to the new one", next.text());
            assertEquals("", p.clientApp.text());
        });
    }

    /** asyncio's {@code _do_read__buffered} stops when the protocol closes its transport. */
    @Test
    void aBufferedProtocolThatClosesInBufferUpdatedGetsNoMorePlaintext() {
        virtual(() -> {
            List<Integer> updates = new java.util.ArrayList<>();
            ByteBuffer small = ByteBuffer.allocate(100);
            class Closing extends TlsPair.App implements BufferedProtocol {
                @Override
                public ByteBuffer getBuffer(int sizeHint) {
                    assertTrue(sizeHint > 0);
                    return small.clear();
                }

                @Override
                public void bufferUpdated(int nbytes) {
                    updates.add(nbytes);
                    transport.close();
                }
            }
            Closing app = new Closing();
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), TlsOptions.of(certs.client()),
                    TlsOptions.of(certs.server()), app, new TlsPair.App());
            p.server.write(new byte[1000]); // one record, ten buffers' worth
            p.settle();
            assertEquals(List.of(100), updates);
        });
    }

    /** A VirtualMachineError from the application's protocol is not reported and swallowed: it leaves the loop. */
    @Test
    void aVirtualMachineErrorFromTheApplicationLeavesTheLoop() {
        for (String callback : List.of("connectionMade", "dataReceived", "eofReceived", "connectionLost")) {
            InternalError fatal = new InternalError(callback);
            InternalError thrown = assertThrows(InternalError.class, () -> virtual(() -> {
                TlsPair.App failing = new TlsPair.App() {
                    @Override
                    public void connectionMade(Transport t) {
                        super.connectionMade(t);
                        if (callback.equals("connectionMade")) throw fatal;
                    }

                    @Override
                    public void dataReceived(ByteBuffer data) {
                        if (callback.equals("dataReceived")) throw fatal;
                    }

                    @Override
                    public boolean eofReceived() {
                        if (callback.equals("eofReceived")) throw fatal;
                        return false;
                    }

                    @Override
                    public void connectionLost(Throwable exc) {
                        if (callback.equals("connectionLost")) throw fatal;
                    }
                };
                TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), TlsOptions.of(certs.client()),
                        TlsOptions.of(certs.server()), failing, new TlsPair.App());
                p.server.write(ascii("x"));
                p.server.close();
                p.settle();
                Asyncio.sleep(60); // past the shutdown timeout: the connection is gone either way
            }), callback);
            assertSame(fatal, thrown, callback);
        }
    }
}
