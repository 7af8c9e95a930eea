package io.jasyncio.net;

import io.jasyncio.ErrorContext;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * What the two read pipe transports share: asyncio's {@code _UnixReadPipeTransport} minus the
 * reading itself, which a subclass does either with the loop's selector ({@link SelectorReadPipe})
 * or with a thread blocked in {@code read} ({@link ThreadReadPipe}). Loop thread only.
 *
 * <p>States, as in asyncio: {@link #closing} means no more data callbacks; {@link #lost} that
 * {@code connectionLost} is scheduled (exactly once). {@link #paused} is the application's
 * pause; the subclass stops its source while paused or closing.
 */
abstract sealed class ReadPipe implements ReadTransport permits SelectorReadPipe, ThreadReadPipe {
    static final System.Logger LOG = System.getLogger("io.jasyncio.net");

    final EventLoop loop;
    private final ReadPipeProtocol protocol;
    private Future<Void> waiter;
    boolean closing;
    boolean paused;
    boolean lost;

    ReadPipe(EventLoop loop, ReadPipeProtocol protocol, Future<Void> waiter) {
        this.loop = loop;
        this.protocol = Objects.requireNonNull(protocol, "the protocol factory returned null");
        this.waiter = waiter;
    }

    /** asyncio's order: connectionMade, then reading starts, then the creator's waiter. */
    final void scheduleStart() {
        loop.callSoon(this::start);
    }

    private void start() {
        try {
            protocol.connectionMade(this);
        } catch (Throwable t) {
            SelectorTransport.rethrowIfFatal(t);
            protocolError(t, "protocol.connectionMade() failed");
        }
        if (!closing && !paused) startReading();
        Future<Void> w = waiter;
        waiter = null;
        if (w != null && !w.done()) w.setResult(null);
    }

    // ---- hooks ----

    /** Starts (or resumes) delivering readiness or data. */
    abstract void startReading();

    /** Stops delivering; data already read may still arrive and is held by the subclass. */
    abstract void stopReading();

    /** Releases the pipe once the protocol heard {@code connectionLost}. */
    abstract void release();

    /** The pipe object for {@code getExtraInfo("pipe")}. */
    abstract Object pipe();

    // ---- events from the subclass ----

    /**
     * Hands {@code data} to the protocol. Only while open: each caller checks first (the
     * selector's read returns on {@code closing}, the thread's events on {@code lost}, which
     * {@code closing} never goes without, held events stop at {@code closing}).
     */
    final void deliver(ByteBuffer data) {
        try {
            protocol.dataReceived(data);
        } catch (Throwable t) {
            SelectorTransport.rethrowIfFatal(t);
            protocolError(t, "Fatal error: protocol.dataReceived() call failed.");
        }
    }

    /**
     * The writer closed its end: eofReceived, then connectionLost(null), as asyncio. Only while
     * open: each caller checks first (the selector's read returns on {@code closing}, the thread's
     * events on {@code lost}, held events stop at {@code closing}).
     */
    final void deliverEof() {
        closing = true;
        stopReading();
        lost = true;
        loop.callSoon(() -> {
            try {
                protocol.eofReceived();
            } catch (Throwable t) {
                SelectorTransport.rethrowIfFatal(t);
                loop.callExceptionHandler(ErrorContext.of("protocol.eofReceived() failed (" + this + ")", t));
            }
        });
        loop.callSoon(() -> callConnectionLost(null));
    }

    /** A read error: asyncio logs it (debug) and closes with it. */
    final void fatalError(IOException e) {
        LOG.log(System.Logger.Level.DEBUG, () -> "Fatal read error on pipe transport " + this, e);
        closeWith(e);
    }

    private void protocolError(Throwable t, String message) {
        loop.callExceptionHandler(ErrorContext.of(message + " (transport: " + this + ", protocol: " + protocol + ")", t));
        closeWith(t);
    }

    final void closeWith(Throwable exc) {
        closing = true;
        if (lost) return;
        lost = true;
        stopReading();
        loop.callSoon(() -> callConnectionLost(exc));
    }

    private void callConnectionLost(Throwable exc) {
        PipeEnds.callConnectionLost(loop, this, () -> protocol.connectionLost(exc), this::release);
    }

    // ---- ReadTransport ----

    @Override
    public boolean isReading() {
        return !paused && !closing;
    }

    @Override
    public void pauseReading() {
        if (closing || paused) return;
        paused = true;
        stopReading();
    }

    @Override
    public void resumeReading() {
        if (closing || !paused) return;
        paused = false;
        startReading();
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    /** Stops reading and schedules {@code connectionLost(null)}. Idempotent. */
    @Override
    public void close() {
        IoLoop.checkThread(loop, "ReadTransport.close()");
        if (!closing) closeWith(null);
    }

    @Override
    public Object getExtraInfo(String name) {
        return "pipe".equals(name) ? pipe() : null;
    }

    /** closing is never set without lost (closeWith and deliverEof set both), so there is no "closing" state to print. */
    final String state() {
        return lost ? "closed" : paused ? "paused" : "open";
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + state() + " " + pipe() + "]";
    }
}
