package io.jasyncio.net;

import io.jasyncio.ErrorContext;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.TimerHandle;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * TLS between a stream transport and the application's protocol, with the JDK's
 * {@link SSLEngine}: asyncio's {@code SSLProtocol}. To the raw transport it is the protocol; to the
 * application it offers {@link #appTransport}, a {@link Transport} that encrypts what it writes.
 *
 * <h2>Implementation notes</h2>
 * Everything runs on the loop thread, including the engine's delegated tasks (certificate checks,
 * key exchange), as asyncio runs OpenSSL in-thread. Ciphertext from the peer accumulates in
 * {@link #netIn} (kept in write mode); {@link #progress} drives the engine until it can do no more:
 * running tasks, sending handshake records, unwrapping records and handing plaintext to the
 * application. The application's protocol hears {@code connectionMade} when the handshake
 * finishes, and its writes before that wait in {@link #pending}. Closing sends close_notify and
 * then closes the raw transport, which flushes it (bounded by the shutdown timeout); TLS has no
 * half close, so {@code writeEof} is unsupported.
 */
final class TlsProtocol implements Protocol {
    private static final System.Logger LOG = System.getLogger("io.jasyncio.net");
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final EventLoop loop;
    private final TlsOptions options;
    private final SSLEngine engine;
    private Protocol app;
    private Future<Void> waiter;
    final AppTransport appTransport = new AppTransport();
    private Transport raw;

    private ByteBuffer netIn;
    private ByteBuffer appIn;
    private ByteBuffer netOut;
    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
    private long pendingSize;

    private boolean handshakeDone;
    private boolean appConnected;
    private boolean appClosing;
    private boolean appCloseCalled;
    private boolean eofDelivered;
    private boolean failed;
    private TimerHandle handshakeTimer;
    private TimerHandle shutdownTimer;

    /**
     * @param peerHost client side: the host connected to (for SNI and the hostname check); null
     *                 on the server side
     * @param waiter   completed when the handshake is done (or failed); may be null
     */
    TlsProtocol(EventLoop loop, TlsOptions options, boolean serverSide, String peerHost, int peerPort,
                Protocol app, Future<Void> waiter) {
        this.loop = loop;
        this.options = options;
        this.app = Objects.requireNonNull(app, "the protocol factory returned null");
        this.waiter = waiter;
        if (serverSide) {
            engine = options.context().createSSLEngine();
            engine.setUseClientMode(false);
        } else {
            String name = options.serverHostname() != null ? options.serverHostname() : peerHost;
            engine = name == null || name.isEmpty()
                    ? options.context().createSSLEngine()
                    : options.context().createSSLEngine(name, peerPort);
            engine.setUseClientMode(true);
            if (name != null && !name.isEmpty()) {
                SSLParameters p = engine.getSSLParameters();
                if (!isIpLiteral(name)) p.setServerNames(List.of(new SNIHostName(name)));
                p.setEndpointIdentificationAlgorithm("HTTPS");
                engine.setSSLParameters(p);
            }
        }
        int packet = engine.getSession().getPacketBufferSize();
        netIn = ByteBuffer.allocate(packet);
        netOut = ByteBuffer.allocate(packet);
        appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    private static boolean isIpLiteral(String host) {
        try {
            InetAddress.ofLiteral(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // ---- the raw transport's protocol ----

    @Override
    public void connectionMade(Transport transport) {
        raw = transport;
        handshakeTimer = loop.callLater(options.handshakeTimeout(), () -> fail(
                new SSLHandshakeException("TLS handshake is taking longer than " + options.handshakeTimeout())));
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            fail(e);
            return;
        }
        progress();
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        if (netIn.remaining() < data.remaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(netIn.position() + Math.max(data.remaining(), netIn.capacity()));
            netIn.flip();
            bigger.put(netIn);
            netIn = bigger;
        }
        netIn.put(data);
        progress();
    }

    @Override
    public boolean eofReceived() {
        if (!handshakeDone) {
            fail(new SSLHandshakeException("the peer closed the connection during the TLS handshake"));
            return false;
        }
        deliverEof();
        return false; // no half close in TLS: the raw transport closes
    }

    @Override
    public void connectionLost(Throwable exc) {
        cancelTimers();
        if (waiter != null && !waiter.done()) {
            IOException why = exc instanceof IOException io ? io
                    : new SSLHandshakeException("the connection was lost during the TLS handshake");
            if (exc != null && !(exc instanceof IOException)) why.initCause(exc);
            waiter.setException(why);
        }
        waiter = null;
        if (appConnected) {
            appConnected = false;
            try {
                app.connectionLost(exc);
            } catch (Throwable t) {
                StreamTransport.rethrowIfFatal(t);
                loop.callExceptionHandler(ErrorContext.of("protocol.connectionLost() failed (" + appTransport + ")", t));
            }
        }
    }

    @Override
    public void pauseWriting() {
        if (appConnected) app.pauseWriting();
    }

    @Override
    public void resumeWriting() {
        if (appConnected) app.resumeWriting();
    }

    // ---- the engine ----

    /** Drives the engine until it needs more input from the peer. */
    private void progress() {
        try {
            while (!failed) {
                SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
                switch (hs) {
                    case NEED_TASK -> {
                        Runnable task;
                        while ((task = engine.getDelegatedTask()) != null) task.run();
                    }
                    case NEED_WRAP -> {
                        if (!wrap(EMPTY)) return;
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        if (!unwrap()) return;
                    }
                    default -> {
                        if (!handshakeDone) handshakeFinished();
                        if (!unwrap()) return;
                    }
                }
            }
        } catch (SSLException e) {
            fail(e);
        }
    }

    /** One unwrap; false when no progress is possible without more data. */
    private boolean unwrap() throws SSLException {
        if (engine.isInboundDone()) return false;
        netIn.flip();
        SSLEngineResult r;
        try {
            r = engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
        }
        if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED && !handshakeDone) handshakeFinished();
        switch (r.getStatus()) {
            case BUFFER_UNDERFLOW -> {
                int need = engine.getSession().getPacketBufferSize();
                if (netIn.capacity() < need) {
                    ByteBuffer bigger = ByteBuffer.allocate(need);
                    netIn.flip();
                    bigger.put(netIn);
                    netIn = bigger;
                }
                return false;
            }
            case BUFFER_OVERFLOW -> {
                deliverAppData();
                int need = engine.getSession().getApplicationBufferSize();
                if (appIn.capacity() < need) appIn = ByteBuffer.allocate(need);
                return true;
            }
            case CLOSED -> {
                // The peer's close_notify: what came before it is delivered, then EOF.
                deliverAppData();
                deliverEof();
                if (!engine.isOutboundDone()) {
                    engine.closeOutbound();
                    wrap(EMPTY);
                }
                if (!raw.isClosing()) raw.close();
                return false;
            }
            default -> {
                deliverAppData();
                return r.bytesConsumed() > 0 || r.bytesProduced() > 0
                        || r.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_UNWRAP;
            }
        }
    }

    /** Encrypts all of {@code src} (or one handshake record when it is empty) and sends it. */
    private boolean wrap(ByteBuffer src) throws SSLException {
        boolean progressed = false;
        while (true) {
            netOut.clear();
            SSLEngineResult r = engine.wrap(src, netOut);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = ByteBuffer.allocate(Math.max(netOut.capacity() * 2, engine.getSession().getPacketBufferSize()));
                continue;
            }
            netOut.flip();
            if (netOut.hasRemaining() && !raw.isClosing()) raw.write(netOut);
            progressed |= r.bytesConsumed() > 0 || r.bytesProduced() > 0;
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) return progressed;
            if (!src.hasRemaining() || r.bytesConsumed() == 0 && r.bytesProduced() == 0) return progressed;
        }
    }

    private void handshakeFinished() {
        handshakeDone = true;
        if (handshakeTimer != null) handshakeTimer.cancel();
        appConnected = true;
        try {
            app.connectionMade(appTransport);
        } catch (Throwable t) {
            StreamTransport.rethrowIfFatal(t);
            protocolError(t, "protocol.connectionMade() failed");
        }
        Future<Void> w = waiter;
        waiter = null;
        if (w != null && !w.done()) w.setResult(null);
        if (failed) return;
        try {
            while (!pending.isEmpty() && !failed) {
                ByteBuffer b = pending.poll();
                pendingSize -= b.remaining();
                wrap(b);
            }
        } catch (SSLException e) {
            fail(e);
        }
    }

    private void deliverAppData() {
        appIn.flip();
        try {
            if (appIn.hasRemaining() && appConnected && !appClosing) {
                app.dataReceived(appIn);
            }
        } catch (Throwable t) {
            StreamTransport.rethrowIfFatal(t);
            protocolError(t, "Fatal error: protocol.dataReceived() call failed.");
        } finally {
            appIn.clear();
        }
    }

    private void deliverEof() {
        if (eofDelivered || !appConnected) return;
        eofDelivered = true;
        try {
            if (app.eofReceived()) {
                LOG.log(System.Logger.Level.WARNING, "returning true from eofReceived() has no effect when using TLS");
            }
        } catch (Throwable t) {
            StreamTransport.rethrowIfFatal(t);
            protocolError(t, "Fatal error: protocol.eofReceived() call failed.");
        }
    }

    private void protocolError(Throwable t, String message) {
        loop.callExceptionHandler(ErrorContext.of(message + " (transport: " + appTransport + ", protocol: " + app + ")", t));
        failed = true;
        raw.abort();
    }

    /**
     * A TLS failure: the waiter (client side) fails with it and the connection is aborted. Like
     * asyncio, a failed handshake is logged at debug level only: it is the peer's doing.
     */
    private void fail(Exception e) {
        if (failed) return;
        failed = true;
        LOG.log(System.Logger.Level.DEBUG, () -> "TLS failure on " + raw, e);
        Future<Void> w = waiter;
        waiter = null;
        if (w != null && !w.done()) w.setException(e);
        if (raw != null) raw.abort();
    }

    private void cancelTimers() {
        if (handshakeTimer != null) handshakeTimer.cancel();
        if (shutdownTimer != null) shutdownTimer.cancel();
    }

    /** Sends close_notify and closes the raw transport once it is flushed. */
    private void startShutdown() {
        if (appClosing) return;
        appClosing = true;
        if (raw.isClosing()) return;
        if (handshakeDone && !failed) {
            engine.closeOutbound();
            try {
                wrap(EMPTY);
            } catch (SSLException e) {
                LOG.log(System.Logger.Level.DEBUG, "sending close_notify failed", e);
            }
        }
        shutdownTimer = loop.callLater(options.shutdownTimeout(), () -> {
            LOG.log(System.Logger.Level.WARNING, "TLS shutdown took longer than {0}: aborting {1}", options.shutdownTimeout(), appTransport);
            raw.abort();
        });
        raw.close();
    }

    // ---- the application's transport ----

    /** What the application writes to: plaintext in, TLS records out through the raw transport. */
    final class AppTransport implements Transport {
        @Override
        public void write(ByteBuffer data) {
            Objects.requireNonNull(data, "data");
            if (appCloseCalled) throw new IllegalStateException("Cannot call write() after close() or abort(): " + this);
            if (!data.hasRemaining() || failed || raw.isClosing()) {
                data.position(data.limit());
                return;
            }
            if (!handshakeDone) {
                ByteBuffer copy = ByteBuffer.allocate(data.remaining());
                copy.put(data).flip();
                pending.add(copy);
                pendingSize += copy.remaining();
                return;
            }
            try {
                wrap(data);
            } catch (SSLException e) {
                fail(e);
            }
        }

        @Override
        public void writelines(Iterable<ByteBuffer> buffers) {
            for (ByteBuffer b : buffers) write(b);
        }

        /** TLS cannot half close. @throws UnsupportedOperationException always */
        @Override
        public void writeEof() {
            throw new UnsupportedOperationException("TLS does not support half close (writeEof)");
        }

        @Override
        public boolean canWriteEof() {
            return false;
        }

        @Override
        public void abort() {
            appCloseCalled = true;
            appClosing = true;
            raw.abort();
        }

        @Override
        public boolean isReading() {
            return raw.isReading();
        }

        @Override
        public void pauseReading() {
            raw.pauseReading();
        }

        @Override
        public void resumeReading() {
            raw.resumeReading();
        }

        @Override
        public long getWriteBufferSize() {
            return raw.getWriteBufferSize() + pendingSize;
        }

        @Override
        public void setWriteBufferLimits(int high, int low) {
            raw.setWriteBufferLimits(high, low);
        }

        /** Whether the application was last told to pause writing (for the sendfile fallback). */
        boolean writingPaused() {
            return appConnected && raw instanceof StreamTransport s && s.writingPaused();
        }

        @Override
        public Protocol getProtocol() {
            return app;
        }

        @Override
        public void setProtocol(Protocol protocol) {
            app = Objects.requireNonNull(protocol, "protocol");
        }

        @Override
        public Object getExtraInfo(String name) {
            return switch (name) {
                case "sslcontext" -> options.context();
                case "ssl_object" -> engine;
                case "cipher" -> handshakeDone ? engine.getSession().getCipherSuite() : null;
                case "peercert" -> peerCertificate();
                default -> raw.getExtraInfo(name);
            };
        }

        private Object peerCertificate() {
            try {
                return handshakeDone ? engine.getSession().getPeerCertificates()[0] : null;
            } catch (SSLPeerUnverifiedException e) {
                return null;
            }
        }

        @Override
        public boolean isClosing() {
            return appClosing || raw.isClosing();
        }

        @Override
        public void close() {
            appCloseCalled = true;
            startShutdown();
        }

        @Override
        public String toString() {
            return "TlsTransport[" + (handshakeDone ? engine.getSession().getProtocol() : "handshaking") + " over " + raw + "]";
        }
    }
}
