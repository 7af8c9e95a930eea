package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The order of data and a bare FIN (a TCP EOF without close_notify) at a {@link TlsProtocol},
 * with two TLS protocols wired back to back in memory: no socket, no kernel timing, so the window
 * that a real connection hits only under load (issue 16: a FIN overtook 35 KB) is hit every run.
 */
@Timeout(30)
class TlsEofOrderTest extends TlsTestBase {

    @Test
    void aBareFinRightAfterResumeReadingWaitsBehindTheDataStillToBeDelivered() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Pair p = Pair.connect(loop);
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
            Pair p = Pair.connect(loop);
            p.client.pauseReading();
            p.server.write(new byte[20_000]);
            p.settle();
            assertTrue(p.clientTls.eofReceived(), "paused: the raw transport stays open until the data is delivered");
            p.settle();
            assertEquals(List.of(), p.clientApp.events);
            p.client.resumeReading();
            p.settle();
            assertEquals(List.of("data 20000", "eof"), p.clientApp.summary());
            assertTrue(p.clientRaw.closing, "after the pending EOF, the raw transport is closed");
        });
    }

    /** Client and server TLS protocols whose raw transports hand each other the bytes through the loop. */
    private static final class Pair {
        final App clientApp = new App();
        final App serverApp = new App();
        final TlsProtocol clientTls;
        final Wire clientRaw;
        final Wire serverRaw;
        Transport client;
        Transport server;

        private Pair(EventLoop loop, Future<Void> handshake) {
            clientTls = new TlsProtocol(loop, TlsOptions.of(certs.client()), false, "localhost", 443,
                    clientApp, handshake, true);
            TlsProtocol serverTls = new TlsProtocol(loop, TlsOptions.of(certs.server()), true, null, 0,
                    serverApp, null, true);
            clientRaw = new Wire(loop, serverTls);
            serverRaw = new Wire(loop, clientTls);
            serverTls.connectionMade(serverRaw);
            clientTls.connectionMade(clientRaw);
        }

        static Pair connect(EventLoop loop) {
            Future<Void> handshake = loop.createFuture();
            Pair p = new Pair(loop, handshake);
            handshake.await();
            p.settle(); // the server's side finishes and sends its post-handshake records
            p.client = p.clientApp.transport;
            p.server = p.serverApp.transport;
            assertNotNull(p.server, "the server side finished its handshake");
            return p;
        }

        /** Runs loop turns until no bytes are in flight either way. */
        void settle() {
            do {
                Asyncio.sleep(0);
            } while (clientRaw.inFlight > 0 || serverRaw.inFlight > 0);
        }
    }

    /** The application's protocol: records what it hears. */
    private static final class App implements Protocol {
        final List<String> events = new ArrayList<>();
        Transport transport;

        @Override
        public void connectionMade(Transport transport) {
            this.transport = transport;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            events.add("data " + data.remaining());
            data.position(data.limit());
        }

        @Override
        public boolean eofReceived() {
            events.add("eof");
            return false;
        }

        /** Consecutive data events merged: how the engine cuts records is not the subject. */
        List<String> summary() {
            List<String> out = new ArrayList<>();
            long run = 0;
            for (String e : events) {
                if (e.startsWith("data ")) {
                    run += Long.parseLong(e.substring(5));
                    continue;
                }
                if (run > 0) out.add("data " + run);
                run = 0;
                out.add(e);
            }
            if (run > 0) out.add("data " + run);
            return out;
        }
    }

    /** A raw transport double: what is written reaches the peer's protocol in a later loop callback. */
    private static final class Wire implements Transport {
        private final EventLoop loop;
        private final Protocol peer;
        int inFlight;
        boolean closing;

        Wire(EventLoop loop, Protocol peer) {
            this.loop = loop;
            this.peer = peer;
        }

        @Override
        public void write(ByteBuffer data) {
            ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
            inFlight++;
            loop.callSoon(() -> {
                inFlight--;
                peer.dataReceived(copy);
            });
        }

        @Override
        public void writelines(Iterable<ByteBuffer> buffers) {
            for (ByteBuffer b : buffers) write(b);
        }

        @Override
        public void writeEof() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean canWriteEof() {
            return false;
        }

        @Override
        public void abort() {
            closing = true;
        }

        @Override
        public boolean isReading() {
            return !closing;
        }

        @Override
        public void pauseReading() {
        }

        @Override
        public void resumeReading() {
        }

        @Override
        public long getWriteBufferSize() {
            return 0;
        }

        @Override
        public void setWriteBufferLimits(int high, int low) {
        }

        @Override
        public WriteBufferLimits getWriteBufferLimits() {
            return new WriteBufferLimits(0, 0);
        }

        @Override
        public Protocol getProtocol() {
            return null;
        }

        @Override
        public void setProtocol(Protocol protocol) {
        }

        @Override
        public Object getExtraInfo(String name) {
            return null;
        }

        @Override
        public boolean isClosing() {
            return closing;
        }

        @Override
        public void close() {
            closing = true;
        }
    }
}
