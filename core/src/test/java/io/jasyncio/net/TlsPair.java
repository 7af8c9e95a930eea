package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A client and a server {@link TlsProtocol} wired back to back in memory: no socket, no kernel
 * timing, so a test reaches any interleaving of records, EOFs and the application's calls by
 * driving loop turns itself (and runs under virtual time). Each side's raw transport is a
 * {@link Wire}, which hands what is written to the peer's protocol in a later loop callback.
 */
final class TlsPair {
    final App clientApp;
    final App serverApp;
    final TlsProtocol clientTls;
    final TlsProtocol serverTls;
    final Wire clientRaw;
    final Wire serverRaw;
    /** The application transports, once each side finished its handshake. */
    Transport client;
    Transport server;

    private TlsPair(EventLoop loop, TlsOptions clientOptions, TlsOptions serverOptions, App clientApp, App serverApp,
                    Future<Void> handshake) {
        this.clientApp = clientApp;
        this.serverApp = serverApp;
        clientTls = new TlsProtocol(loop, clientOptions, false, "localhost", 443, clientApp, handshake, true);
        serverTls = new TlsProtocol(loop, serverOptions, true, null, 0, serverApp, null, true);
        clientRaw = new Wire(loop, clientTls);
        serverRaw = new Wire(loop, serverTls);
        clientRaw.peer = serverRaw;
        serverRaw.peer = clientRaw;
    }

    /** Both sides made, their raw connections not started yet ({@link #begin}). */
    static TlsPair create(EventLoop loop, TlsOptions clientOptions, TlsOptions serverOptions,
                          App clientApp, App serverApp, Future<Void> handshake) {
        return new TlsPair(loop, clientOptions, serverOptions, clientApp, serverApp, handshake);
    }

    /** Both sides made, their raw connections started, the handshake under way (not awaited). */
    static TlsPair start(EventLoop loop, TlsOptions clientOptions, TlsOptions serverOptions,
                         App clientApp, App serverApp, Future<Void> handshake) {
        return create(loop, clientOptions, serverOptions, clientApp, serverApp, handshake).begin();
    }

    /** Starts both raw connections: the server's, then the client's, which sends its hello. */
    TlsPair begin() {
        serverTls.connectionMade(serverRaw);
        clientTls.connectionMade(clientRaw);
        return this;
    }

    /** A pair whose handshake finished on both sides, with default options and recording applications. */
    static TlsPair connect(EventLoop loop, TlsTesting certs) {
        return connect(loop, TlsOptions.of(certs.client()), TlsOptions.of(certs.server()), new App(), new App());
    }

    static TlsPair connect(EventLoop loop, TlsOptions clientOptions, TlsOptions serverOptions, App clientApp, App serverApp) {
        Future<Void> handshake = loop.createFuture();
        TlsPair p = start(loop, clientOptions, serverOptions, clientApp, serverApp, handshake);
        handshake.await();
        p.settle(); // the server's side finishes and sends its post-handshake records
        p.client = clientApp.transport;
        p.server = serverApp.transport;
        assertNotNull(p.server, "the server side finished its handshake");
        return p;
    }

    /** Runs loop turns until no bytes and no EOF are in flight either way. */
    void settle() {
        do {
            Asyncio.sleep(0);
        } while (clientRaw.inFlight > 0 || serverRaw.inFlight > 0);
    }

    /** The application's protocol: a {@link Recorder} that also lists its events in order. */
    static class App extends Recorder {
        final List<String> events = new ArrayList<>();

        @Override
        public void dataReceived(ByteBuffer data) {
            events.add("data " + data.remaining());
            super.dataReceived(data);
        }

        @Override
        public boolean eofReceived() {
            events.add("eof");
            return super.eofReceived();
        }

        @Override
        public void connectionLost(Throwable exc) {
            events.add(exc == null ? "lost" : "lost " + exc.getClass().getSimpleName());
            super.connectionLost(exc);
        }

        /** The events with consecutive data merged: how the engine cuts records is not the subject. */
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

    /**
     * A raw transport double that behaves as a socket would: what is written reaches the peer's
     * protocol in a later loop callback (in order, dropped once the peer closed); {@code close()}
     * ends with the peer's EOF after the data and with {@code connectionLost(null)} here;
     * {@code abort()} resets the peer. It records what the TLS layer asks of it.
     */
    static final class Wire implements Transport {
        private final EventLoop loop;
        private final Protocol protocol;
        Wire peer;
        int inFlight;
        boolean closing;
        boolean aborted;
        boolean readingPaused;
        int pauseReadingCalls;
        int resumeReadingCalls;
        /** Bytes written through this wire so far. */
        long written;
        /** What {@link #getWriteBufferSize} reports. */
        long writeBufferSize;
        WriteBufferLimits limits = new WriteBufferLimits(0, 0);
        /** When set, what is written collects here instead of reaching the peer. */
        java.io.ByteArrayOutputStream capture;
        private boolean lost;

        Wire(EventLoop loop, Protocol protocol) {
            this.loop = loop;
            this.protocol = protocol;
        }

        @Override
        public void write(ByteBuffer data) {
            if (closing) throw new IllegalStateException("write after close: the TLS layer checks isClosing()");
            ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
            written += copy.remaining();
            if (capture != null) {
                capture.write(copy.array(), 0, copy.limit());
                return;
            }
            Wire to = peer;
            inFlight++;
            loop.callSoon(() -> {
                inFlight--;
                if (!to.closing) to.protocol.dataReceived(copy);
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
        public void close() {
            if (closing) return;
            closing = true;
            Wire to = peer;
            inFlight++;
            loop.callSoon(() -> {
                inFlight--;
                lose(null);
                to.eofFromPeer();
            });
        }

        @Override
        public void abort() {
            if (closing && lost) return;
            closing = true;
            aborted = true;
            Wire to = peer;
            inFlight++;
            loop.callSoon(() -> {
                inFlight--;
                lose(null);
                to.closing = true;
                to.lose(new IOException("Connection reset by peer"));
            });
        }

        private void eofFromPeer() {
            if (closing) return;
            if (!protocol.eofReceived()) close();
        }

        private void lose(Throwable exc) {
            if (lost) return;
            lost = true;
            protocol.connectionLost(exc);
        }

        @Override
        public boolean isReading() {
            return !closing && !readingPaused;
        }

        @Override
        public void pauseReading() {
            pauseReadingCalls++;
            readingPaused = true;
        }

        @Override
        public void resumeReading() {
            resumeReadingCalls++;
            readingPaused = false;
        }

        @Override
        public long getWriteBufferSize() {
            return writeBufferSize;
        }

        @Override
        public void setWriteBufferLimits(int high, int low) {
            limits = new WriteBufferLimits(high, low);
        }

        @Override
        public WriteBufferLimits getWriteBufferLimits() {
            return limits;
        }

        @Override
        public Protocol getProtocol() {
            return protocol;
        }

        @Override
        public void setProtocol(Protocol protocol) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object getExtraInfo(String name) {
            return name.equals("wire") ? this : null;
        }

        @Override
        public boolean isClosing() {
            return closing;
        }

        @Override
        public String toString() {
            return "Wire[" + (closing ? "closing" : "open") + "]";
        }
    }
}
