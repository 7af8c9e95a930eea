package io.jasyncio.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.TimeoutError;
import io.jasyncio.TimerHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * TLS between a stream transport and the application's protocol, with the JDK's
 * {@link SSLEngine}: asyncio's {@code SSLProtocol}. To the raw transport it is the protocol; to the
 * application it offers {@link #appTransport}, a {@link Transport} that encrypts what it writes.
 *
 * <h2>Implementation notes</h2>
 * Everything runs on the loop thread, including the engine's delegated tasks (certificate checks,
 * key exchange), as asyncio runs OpenSSL in-thread. The engine and its buffers are in
 * {@link TlsRecords}, where ciphertext from the peer accumulates; {@link #progress} drives the
 * engine until it can do no more: running tasks, sending handshake records, unwrapping records
 * and handing plaintext to the application. The application's protocol hears {@code connectionMade} when the handshake
 * finishes (unless it is an upgrade, see {@link #callConnectionMade}), and its writes before that
 * wait in {@link #pending}.
 *
 * <p>Reading, as asyncio 3.11+: the application's {@code pauseReading} stops the delivery of
 * plaintext, not the socket; records that keep arriving wait in {@link #records}, and the raw
 * transport stops reading only when that holds {@link #INCOMING_HIGH} bytes (resuming at
 * {@link #INCOMING_LOW}). An EOF from the peer while delivery is paused waits behind the data.
 *
 * <p>Closing sends close_notify and waits for the peer's (data arriving meanwhile is dropped),
 * then closes the raw transport; the shutdown timeout bounds all of it, after which the
 * connection is aborted and the application's {@code connectionLost} gets a {@link TimeoutError}.
 * Closing during the handshake aborts. TLS has no half close, so {@code writeEof} is unsupported.
 */
final class TlsProtocol implements Protocol {
    private static final System.Logger LOG = System.getLogger("io.jasyncio.net");
    private static final ByteBuffer EMPTY = TlsRecords.EMPTY;
    /** Ciphertext waiting for delivery at which the socket stops being read (asyncio's default). */
    static final int INCOMING_HIGH = 256 * 1024;
    static final int INCOMING_LOW = INCOMING_HIGH / 4;

    private final EventLoop loop;
    private final TlsOptions options;
    private final TlsRecords records;
    private final SSLEngine engine;
    private Protocol app;
    private Future<Void> waiter;
    /**
     * False for {@link Net#startTls}: as asyncio's {@code call_connection_made=False}, the
     * application's protocol is connected already (to the plain transport) and takes the TLS one
     * from startTls's return value, so it must not hear {@code connectionMade} a second time.
     */
    private final boolean callConnectionMade;
    final AppTransport appTransport = new AppTransport();
    private Transport raw;

    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
    private long pendingSize;

    private boolean handshakeDone;
    private boolean appConnected;
    private boolean appClosing;
    private boolean appCloseCalled;
    private boolean eofDelivered;
    private boolean failed;
    /** The application paused reading: plaintext is not delivered until it resumes. */
    private boolean appReadingPaused;
    /** We paused the raw transport because too much ciphertext waits in {@link #records}. */
    private boolean rawReadingPaused;
    /** The peer's EOF arrived while delivery was paused; it is delivered after the data. */
    private boolean eofPending;
    private boolean shutdownTimedOut;
    /**
     * What ended the connection from this side (a TLS error, an exception from the application's
     * protocol): as asyncio's {@code _fatal_error}, the application's {@code connectionLost} gets
     * it, not the null of the raw transport's abort, which would read as a clean end.
     */
    private Throwable failure;
    private TimerHandle handshakeTimer;
    private TimerHandle shutdownTimer;

    /**
     * @param peerHost client side: the host connected to (for SNI and the hostname check); null
     *                 on the server side
     * @param waiter   completed when the handshake is done (or failed); may be null
     * @param callConnectionMade whether the application's protocol hears {@code connectionMade}
     *                 when the handshake is done (false when upgrading a connection)
     */
    TlsProtocol(EventLoop loop, TlsOptions options, boolean serverSide, String peerHost, int peerPort,
                Protocol app, Future<Void> waiter, boolean callConnectionMade) {
        this.loop = loop;
        this.callConnectionMade = callConnectionMade;
        this.options = options;
        this.app = Objects.requireNonNull(app, "the protocol factory returned null");
        this.waiter = waiter;
        records = new TlsRecords(options, serverSide, peerHost, peerPort);
        engine = records.engine;
    }

    // ---- the raw transport's protocol ----

    @Override
    public void connectionMade(Transport transport) {
        raw = transport;
        if (appClosing) {
            // Closed before the raw connection started (Server.closeClients right after an
            // accept): startShutdown had no transport to close then, so close it now rather than
            // shake hands on a connection nobody wants.
            transport.close();
            return;
        }
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
        records.received(data);
        progress();
    }

    @Override
    public boolean eofReceived() {
        if (!handshakeDone) {
            fail(new SSLHandshakeException("the peer closed the connection during the TLS handshake"));
            return false;
        }
        // (A second EOF cannot come: the raw transport stops reading at the first, and
        // controlRawReading never resumes it once eofPending is set.)
        // Records that came before the FIN go first. resumeReading() unpauses at once but
        // delivers in a later callback, so "not paused" does not mean "nothing waits" (issue 16:
        // a bare FIN in that window overtook 35 KB of data).
        if (!deliveryPaused()) progress();
        if (failed) return false;
        if (deliveryPaused()) {
            eofPending = true;
            return true; // keep the raw transport open until the application has the data
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
            if (exc == null) exc = failure != null ? failure : shutdownTimedOut ? new TimeoutError("TLS shutdown timed out") : null;
            try {
                app.connectionLost(exc);
            } catch (Throwable t) {
                SelectorTransport.rethrowIfFatal(t);
                loop.callExceptionHandler(SelectorTransport.errorContext("protocol.connectionLost() failed", t, appTransport, app));
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

    /**
     * Drives the engine until it needs more input from the peer, or the application has paused
     * reading, then starts or stops reading the socket by how much ciphertext waits.
     */
    private void progress() {
        runEngine();
        controlRawReading();
    }

    private void runEngine() {
        try {
            while (!failed && !deliveryPaused()) {
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
                    default -> { // NOT_HANDSHAKING: the engine never reports FINISHED here, only in a result
                        if (!handshakeDone) handshakeFinished();
                        if (!unwrap()) return;
                    }
                }
            }
        } catch (SSLException e) {
            fail(e);
        }
    }

    /** Plaintext waits: the application paused reading (closing drains and drops instead). */
    private boolean deliveryPaused() {
        return handshakeDone && appReadingPaused && !appClosing;
    }

    /** asyncio's {@code _control_ssl_reading}: bounds the ciphertext waiting while delivery is paused. */
    private void controlRawReading() {
        if (eofPending || failed) return; // (progress runs only once the raw connection started)
        int waiting = records.waiting();
        if (!rawReadingPaused && waiting >= INCOMING_HIGH) {
            rawReadingPaused = true;
            raw.pauseReading();
        } else if (rawReadingPaused && waiting <= INCOMING_LOW) {
            rawReadingPaused = false;
            raw.resumeReading();
        }
    }

    /**
     * The application resumed reading: deliver what waits, then a pending EOF. A failure, or a
     * pause since, stops {@link #runEngine} and the EOF below by themselves; only an engine whose
     * raw connection has not started must not run (its handshake status would read as done).
     */
    private void resumeDelivery() {
        if (raw == null) return;
        progress();
        if (eofPending && !deliveryPaused() && !failed) {
            eofPending = false;
            deliverEof();
            if (!raw.isClosing()) raw.close();
        }
    }

    /** One unwrap; false when no progress is possible without more data. */
    private boolean unwrap() throws SSLException {
        if (engine.isInboundDone()) return false;
        SSLEngineResult r = records.unwrap();
        switch (r.getStatus()) {
            case BUFFER_UNDERFLOW -> {
                records.fitPacket();
                return false;
            }
            case BUFFER_OVERFLOW -> {
                deliverAppData();
                records.fitApplicationData();
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
                // A record consumed: more may wait (plaintext comes only from a record consumed).
                return r.bytesConsumed() > 0 || r.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_UNWRAP;
            }
        }
    }

    /** Encrypts all of {@code src} (or one handshake record when it is empty) and sends it. */
    private boolean wrap(ByteBuffer src) throws SSLException {
        return records.wrap(src, raw);
    }

    private void handshakeFinished() {
        handshakeDone = true;
        if (handshakeTimer != null) handshakeTimer.cancel();
        appConnected = true;
        if (callConnectionMade) {
            try {
                app.connectionMade(appTransport);
            } catch (Throwable t) {
                SelectorTransport.rethrowIfFatal(t);
                protocolError(t, "protocol.connectionMade() failed");
            }
        }
        Future<Void> w = waiter;
        waiter = null;
        if (w != null && !w.done()) w.setResult(null);
        try { // a failing connectionMade (failed) sends nothing of what was written early
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
        ByteBuffer appIn = records.plaintext();
        try {
            if (appIn.hasRemaining() && appConnected && !appClosing) {
                if (app instanceof BufferedProtocol bp) {
                    deliverInto(bp, appIn);
                } else {
                    app.dataReceived(appIn);
                }
            }
        } catch (Throwable t) {
            SelectorTransport.rethrowIfFatal(t);
            protocolError(t, "Fatal error: protocol.dataReceived() call failed.");
        } finally {
            records.clearPlaintext();
        }
    }

    /** asyncio's {@code _do_read__buffered}: copies the plaintext into the protocol's buffers. */
    private void deliverInto(BufferedProtocol bp, ByteBuffer appIn) {
        while (appIn.hasRemaining() && !appClosing && !failed) {
            ByteBuffer buf = StreamTransport.bufferOf(bp, appIn.remaining());
            int n = Math.min(buf.remaining(), appIn.remaining());
            buf.put(buf.position(), appIn, appIn.position(), n).position(buf.position() + n);
            appIn.position(appIn.position() + n);
            bp.bufferUpdated(n);
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
            SelectorTransport.rethrowIfFatal(t);
            protocolError(t, "Fatal error: protocol.eofReceived() call failed.");
        }
    }

    private void protocolError(Throwable t, String message) {
        loop.callExceptionHandler(SelectorTransport.errorContext(message, t, appTransport, app));
        failed = true;
        failure = t;
        raw.abort();
    }

    /**
     * A TLS failure: the waiter (client side) fails with it, the connection is aborted and the
     * application (when connected) hears it in {@code connectionLost}. Like
     * asyncio, a failed handshake is logged at debug level only: it is the peer's doing.
     */
    private void fail(Exception e) {
        if (failed) return;
        failed = true;
        failure = e;
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

    /**
     * asyncio's {@code _start_shutdown}: sends close_notify, then waits (reading on, dropping
     * data) for the peer's, whose arrival closes the raw transport in {@link #unwrap}.
     */
    private void startShutdown() {
        if (appClosing) return;
        appClosing = true;
        if (raw == null || raw.isClosing()) return;
        if (!handshakeDone) { // (after a failure the raw transport is closing already: returned above)
            raw.abort();
            return;
        }
        shutdownTimer = loop.callLater(options.shutdownTimeout(), () -> {
            LOG.log(System.Logger.Level.DEBUG, "TLS shutdown took longer than {0}: aborting {1}", options.shutdownTimeout(), appTransport);
            shutdownTimedOut = true;
            raw.abort();
        });
        engine.closeOutbound();
        try {
            wrap(EMPTY);
        } catch (SSLException e) {
            fail(e);
            return;
        }
        if (engine.isInboundDone() || eofPending) {
            // The peer's close_notify (or EOF) came already, or the engine closes both ways (TLS 1.2).
            raw.close();
            return;
        }
        if (rawReadingPaused) {
            rawReadingPaused = false;
            raw.resumeReading();
        }
        // Records already waiting may hold the peer's close_notify; not from inside a callback
        // of ours, though (the application may be closing from dataReceived).
        if (records.waiting() > 0) loop.callSoon(this::progress);
    }

    // ---- the application's transport ----

    /** What the application writes to: plaintext in, TLS records out through the raw transport. */
    final class AppTransport implements Transport {
        @Override
        public void write(ByteBuffer data) {
            Objects.requireNonNull(data, "data");
            if (appCloseCalled) throw new IllegalStateException("Cannot call write() after close() or abort(): " + this);
            if (!data.hasRemaining() || raw.isClosing()) { // (a failure aborted the raw transport)
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
            return !appReadingPaused && !isClosing();
        }

        @Override
        public void pauseReading() {
            appReadingPaused = true;
        }

        @Override
        public void resumeReading() {
            if (!appReadingPaused) return;
            appReadingPaused = false;
            loop.callSoon(TlsProtocol.this::resumeDelivery);
        }

        @Override
        public long getWriteBufferSize() {
            return raw.getWriteBufferSize() + pendingSize;
        }

        @Override
        public void setWriteBufferLimits(int high, int low) {
            raw.setWriteBufferLimits(high, low);
        }

        @Override
        public WriteBufferLimits getWriteBufferLimits() {
            return raw.getWriteBufferLimits();
        }

        /** Ciphertext received and not yet delivered (asyncio's {@code get_read_buffer_size}). */
        int readBufferSize() {
            return records.waiting();
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
