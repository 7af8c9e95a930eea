package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static io.jasyncio.net.Recorder.port;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.TimeoutError;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TLS reading flow control (the application's pause), the closing handshake, buffered protocols. */
@Timeout(30)
class TlsFlowTest extends TlsTestBase {
    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** A server whose connections send {@code data} as soon as they are made. */
    private static Server sender(byte[] data, boolean thenClose) throws Exception {
        return Net.createServer(() -> new Recorder() {
            @Override
            public void connectionMade(Transport t) {
                super.connectionMade(t);
                t.write(data);
                if (thenClose) t.close();
            }
        }, "127.0.0.1", 0, certs.serverOptions());
    }

    /** A client protocol that pauses reading in connectionMade and again after each delivery. */
    static final class Sipper extends Recorder {
        int deliveries;
        long receivedAtEof = -1;
        boolean sipping = true;

        @Override
        public void connectionMade(Transport t) {
            super.connectionMade(t);
            t.pauseReading();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            super.dataReceived(data);
            deliveries++;
            if (sipping) transport.pauseReading();
        }

        @Override
        public boolean eofReceived() {
            receivedAtEof = received.size();
            return super.eofReceived();
        }
    }

    @Test
    void pauseReadingStopsDeliveryEvenOfRecordsAlreadyReceived() {
        byte[] big = random(32 << 20); // more than the kernel's socket buffers hold
        Asyncio.run(() -> {
            List<Transport> serverSide = new ArrayList<>();
            Server server = Net.createServer(() -> new Recorder() {
                @Override
                public void connectionMade(Transport t) {
                    super.connectionMade(t);
                    serverSide.add(t);
                    t.write(big);
                }
            }, "127.0.0.1", 0, certs.serverOptions());
            Connection<Sipper> c = Net.createConnection(Sipper::new, "localhost", port(server), TlsOptions.of(certs.client()));
            Sipper s = c.protocol();
            TlsProtocol.AppTransport tls = (TlsProtocol.AppTransport) c.transport();
            // Records pile up in the TLS layer meanwhile, up to the incoming high-water mark.
            while (tls.readBufferSize() < TlsProtocol.INCOMING_HIGH) Asyncio.sleep(0.005); // polled; @Timeout bounds it
            for (int i = 0; i < 3; i++) Asyncio.sleep(0); // loop turns (each a select), not a sleep
            assertEquals(0, s.deliveries);
            assertFalse(c.transport().isReading());
            // ... and no further: the socket is not read, and the server cannot get rid of its data.
            assertTrue(serverSide.get(0).getWriteBufferSize() > 0, "the reading side did not push back");
            int waiting = tls.readBufferSize();
            assertTrue(waiting >= TlsProtocol.INCOMING_HIGH && waiting <= TlsProtocol.INCOMING_HIGH + IoLoop.MAX_READ,
                    "ciphertext waiting in the TLS layer: " + waiting);

            c.transport().resumeReading(); // delivers one record, whose callback pauses again
            while (s.deliveries == 0) Asyncio.sleep(0.001);
            for (int i = 0; i < 3; i++) Asyncio.sleep(0);
            assertEquals(1, s.deliveries, "plaintext delivered while reading was paused");
            assertTrue(s.received.size() > 0 && s.received.size() <= 16 * 1024);

            s.sipping = false;
            c.transport().resumeReading();
            s.awaitReceived(big.length);
            assertArrayEquals(big, s.received.toByteArray());
            c.transport().close();
            assertNull(s.lost.await());
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void closeNotifyWaitsBehindTheDataWhileReadingIsPaused() {
        byte[] data = random(200_000);
        Asyncio.run(() -> {
            Server server = sender(data, true);
            Connection<Sipper> c = Net.createConnection(Sipper::new, "localhost", port(server), TlsOptions.of(certs.client()));
            Sipper s = c.protocol();
            // Data arrived while the application reads nothing: an event, then loop turns.
            TlsProtocol.AppTransport tls = (TlsProtocol.AppTransport) c.transport();
            while (tls.readBufferSize() == 0) Asyncio.sleep(0.001);
            for (int i = 0; i < 3; i++) Asyncio.sleep(0);
            assertFalse(s.eof.done());
            while (!s.eof.done()) {
                c.transport().resumeReading();
                Asyncio.sleep(0.001);
            }
            assertEquals(data.length, s.receivedAtEof, "EOF overtook the data");
            assertArrayEquals(data, s.received.toByteArray());
            assertNull(s.lost.await());
            server.close();
            server.waitClosed();
        });
    }

    /** A JDK TLS server on a platform thread: writes {@code data}, then a bare FIN (no close_notify). */
    @Test
    void aBareEofWaitsBehindTheDataWhileReadingIsPaused() throws Exception {
        byte[] data = random(100_000);
        try (ServerSocket listener = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread peer = Thread.ofPlatform().start(() -> {
                try (Socket plain = listener.accept();
                     SSLSocket tls = (SSLSocket) certs.server().getSocketFactory().createSocket(plain, null, plain.getPort(), false)) {
                    tls.setUseClientMode(false);
                    OutputStream out = tls.getOutputStream();
                    out.write(data);
                    out.flush();
                    plain.shutdownOutput(); // TCP FIN with no close_notify before it
                    tls.getInputStream().read(); // until the client goes
                } catch (Exception ignored) {
                    // the client closing first is fine
                }
            });
            Asyncio.run(() -> {
                Connection<Sipper> c = Net.createConnection(Sipper::new, "localhost", listener.getLocalPort(),
                        TlsOptions.of(certs.client()));
                Sipper s = c.protocol();
                // Resume as soon as some ciphertext waits, while the rest and the FIN still arrive:
                // a FIN landing between resumeReading() and the delivery it schedules must still
                // wait behind the data (it overtook 35 KB of it before the fix).
                while (((TlsProtocol.AppTransport) c.transport()).readBufferSize() == 0) Asyncio.sleep(0.001);
                for (int i = 0; i < 3; i++) Asyncio.sleep(0);
                assertFalse(s.eof.done());
                assertTrue(c.transport().getExtraInfo("socket") instanceof java.nio.channels.SocketChannel ch && ch.isOpen());
                while (!s.eof.done()) {
                    c.transport().resumeReading();
                    Asyncio.sleep(0.001);
                }
                assertEquals(data.length, s.receivedAtEof, "EOF overtook the data");
                assertNull(s.lost.await());
            });
            peer.join(5000);
        }
    }

    /**
     * Closing sends close_notify and waits for the peer's before closing the socket (asyncio's
     * FLUSHING/SHUTDOWN states). The peer here is the JDK's blocking SSLSocket, which answers only
     * when its application closes it, 300 ms after it saw our close_notify. With TLS 1.2 the JDK's
     * engine closes both directions when it sends close_notify (TLS 1.2 lets the closer skip the
     * wait), so the socket closes at once; the peer still sees a clean close_notify.
     */
    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void closeWaitsForThePeersCloseNotify(String version) throws Exception {
        Asyncio.run(() -> {
            double[] closedAt = new double[2];
            List<Recorder> accepted = new ArrayList<>();
            Server server = Net.createServer(() -> {
                Recorder r = new Recorder() {
                    @Override
                    public void connectionMade(Transport t) {
                        super.connectionMade(t);
                        t.write(ascii("bye"));
                        closedAt[0] = loop.time();
                        t.close();
                        assertTrue(t.isClosing());
                    }

                    @Override
                    public void connectionLost(Throwable exc) {
                        closedAt[1] = loop.time();
                        super.connectionLost(exc);
                    }
                };
                accepted.add(r);
                return r;
            }, "127.0.0.1", 0, certs.serverOptions());
            int port = port(server);
            String got = Asyncio.toThread(() -> {
                try (SSLSocket tls = (SSLSocket) certs.client().getSocketFactory().createSocket("127.0.0.1", port)) {
                    tls.setEnabledProtocols(new String[] {version});
                    InputStream in = tls.getInputStream();
                    String text = new String(in.readNBytes(3));
                    assertEquals(-1, in.read()); // the server's close_notify
                    Thread.sleep(300);
                    return text + " " + tls.getSession().getProtocol();
                } // close() sends our close_notify
            });
            assertEquals("bye " + version, got);
            Recorder r = accepted.get(0);
            assertNull(r.lost.await());
            double waited = closedAt[1] - closedAt[0];
            if (version.equals("TLSv1.3")) {
                assertTrue(waited >= 0.25, "the socket closed " + waited + " s after close(), before the peer's close_notify");
            }
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void aPeerThatNeverAnswersCloseNotifyTimesTheShutdownOut() throws Exception {
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            Server server = Net.createServer(() -> {
                Recorder r = new Recorder();
                accepted.add(r);
                return r;
            }, "127.0.0.1", 0, ServerOptions.defaults().withTls(
                    TlsOptions.of(certs.server()).withShutdownTimeout(Duration.ofMillis(200))));
            int port = port(server);
            var peerDone = Asyncio.getRunningLoop().runInExecutor(null, () -> {
                try (SSLSocket tls = (SSLSocket) certs.client().getSocketFactory().createSocket("127.0.0.1", port)) {
                    InputStream in = tls.getInputStream();
                    tls.getOutputStream().write('x');
                    tls.getOutputStream().flush();
                    assertEquals(-1, in.read()); // the server's close_notify, which we never answer
                    Thread.sleep(2000);
                }
                return null;
            });
            while (accepted.isEmpty() || accepted.get(0).received.size() == 0) Asyncio.sleep(0.005);
            Recorder r = accepted.get(0);
            double t0 = r.loop.time();
            r.transport.close();
            assertInstanceOf(TimeoutError.class, r.lost.await());
            double took = r.loop.time() - t0;
            assertTrue(took >= 0.19 && took < 1.5, "took " + took);
            peerDone.await();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void aBufferedProtocolReadsPlaintextIntoItsOwnBuffer() {
        byte[] data = random(300_000);
        Asyncio.run(() -> {
            Server server = sender(data, true);
            BufferedProtocolTest.SmallBuffer p = new BufferedProtocolTest.SmallBuffer() {
                @Override
                public ByteBuffer getBuffer(int sizeHint) {
                    assertTrue(sizeHint > 0, "the hint is the plaintext waiting: " + sizeHint);
                    return buf;
                }
            };
            Connection<BufferedProtocolTest.SmallBuffer> c = Net.createConnection(() -> p, "localhost", port(server),
                    TlsOptions.of(certs.client()));
            Asyncio.waitFor(c.protocol().eof, Duration.ofSeconds(10));
            assertArrayEquals(data, p.got.toByteArray());
            assertFalse(p.dataReceivedCalled);
            assertTrue(p.reads >= data.length / 1000);
            server.close();
            server.waitClosed();
        });
    }

    /**
     * asyncio's {@code _control_ssl_reading}: the socket stops being read once the ciphertext
     * waiting reaches {@link TlsProtocol#INCOMING_HIGH} and is read again once it is down to
     * {@link TlsProtocol#INCOMING_LOW}, both bounds included. In memory, so the byte counts are exact.
     */
    @Test
    void theSocketPausesAtTheIncomingHighWaterMarkAndResumesAtTheLowOne() {
        Asyncio.run(() -> {
            TlsPair.App sipper = new TlsPair.App() {
                @Override
                public void dataReceived(ByteBuffer data) {
                    super.dataReceived(data);
                    transport.pauseReading(); // one record per resumeReading()
                }
            };
            TlsPair p = TlsPair.connect(Asyncio.getRunningLoop(), TlsOptions.of(certs.client()),
                    TlsOptions.of(certs.server()), sipper, new TlsPair.App());
            p.client.pauseReading();
            p.serverRaw.capture = new java.io.ByteArrayOutputStream();
            p.server.write(new byte[24 * 16384]);
            byte[] records = p.serverRaw.capture.toByteArray();
            List<Integer> ends = new ArrayList<>(); // where each TLS record ends in the stream
            for (int at = 0; at < records.length; ) {
                at += 5 + ((records[at + 3] & 0xff) << 8 | records[at + 4] & 0xff);
                ends.add(at);
            }
            int k = 0;
            while (ends.get(k) + TlsProtocol.INCOMING_LOW < TlsProtocol.INCOMING_HIGH) k++;
            int total = ends.get(k) + TlsProtocol.INCOMING_LOW; // k + 1 records, then LOW bytes more
            assertTrue(total >= TlsProtocol.INCOMING_HIGH + 1);

            TlsProtocol.AppTransport tls = p.clientTls.appTransport;
            p.clientTls.dataReceived(ByteBuffer.wrap(records, 0, TlsProtocol.INCOMING_HIGH - 1));
            assertFalse(p.clientRaw.readingPaused, "one byte below the high-water mark");
            p.clientTls.dataReceived(ByteBuffer.wrap(records, TlsProtocol.INCOMING_HIGH - 1, 1));
            assertTrue(p.clientRaw.readingPaused, "at the high-water mark");
            p.clientTls.dataReceived(ByteBuffer.wrap(records, TlsProtocol.INCOMING_HIGH, total - TlsProtocol.INCOMING_HIGH));
            assertEquals(total, tls.readBufferSize());
            for (int i = 0; i <= k; i++) {
                assertTrue(p.clientRaw.readingPaused, "waiting " + tls.readBufferSize());
                p.client.resumeReading();
                p.settle();
            }
            assertEquals(TlsProtocol.INCOMING_LOW, tls.readBufferSize());
            assertFalse(p.clientRaw.readingPaused, "at the low-water mark");
            assertEquals(1, p.clientRaw.pauseReadingCalls);
            assertEquals(1, p.clientRaw.resumeReadingCalls);
            assertEquals(k + 1, sipper.events.size(), "one record delivered per resumeReading()");
            p.client.abort();
        });
    }
}
