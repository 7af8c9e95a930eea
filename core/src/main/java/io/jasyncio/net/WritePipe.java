package io.jasyncio.net;

import io.jasyncio.ErrorContext;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * What the two write pipe transports share: asyncio's {@code _UnixWritePipeTransport} minus the
 * writing itself, done by the loop's selector ({@link SelectorWritePipe}) or by a thread blocked
 * in {@code write} ({@link ThreadWritePipe}). Loop thread only.
 *
 * <p>{@link #bufferSize} counts bytes accepted by {@link #write} and not yet written to the pipe;
 * the subclass reports progress with {@link #wrote}. A pipe has one direction, so
 * {@link #writeEof()} is {@link #close()}: both close once the buffer is written. As for socket
 * transports, writing after this side closed is a programming error (asyncio drops it
 * silently); writing after the reader went away is dropped, and the protocol was told in
 * {@code connectionLost}.
 */
abstract sealed class WritePipe implements WriteTransport permits SelectorWritePipe, ThreadWritePipe {
    static final System.Logger LOG = System.getLogger("io.jasyncio.net");
    private static final int LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;

    final EventLoop loop;
    private final WritePipeProtocol protocol;
    final WriteFlow flow;
    private Future<Void> waiter;
    long bufferSize;
    boolean closing;
    private boolean closeCalled;
    /** 1 once {@code connectionLost} is scheduled (asyncio's {@code _conn_lost} at its first increment). */
    int connLost;
    /**
     * Writes dropped because the pipe was closing or lost: asyncio counts them in
     * {@code _conn_lost} too, but here that would stop a closing pipe from writing its buffer.
     */
    private int dropped;

    WritePipe(EventLoop loop, WritePipeProtocol protocol, Future<Void> waiter) {
        this.loop = loop;
        this.protocol = Objects.requireNonNull(protocol, "the protocol factory returned null");
        this.flow = new WriteFlow(loop, this);
        this.waiter = waiter;
    }

    final void scheduleStart() {
        loop.callSoon(this::start);
    }

    private void start() {
        try {
            protocol.connectionMade(this);
        } catch (Throwable t) {
            SelectorTransport.rethrowIfFatal(t);
            loop.callExceptionHandler(ErrorContext.of("protocol.connectionMade() failed (transport: " + this + ")", t));
            closeWith(t);
        }
        Future<Void> w = waiter;
        waiter = null;
        if (w != null && !w.done()) w.setResult(null);
    }

    // ---- hooks ----

    /** Writes or queues {@code data} (non-empty; the transport is open); adds what it queued to {@link #bufferSize}. */
    abstract void send(ByteBuffer data);

    /** Drops whatever is queued (abort or error). */
    abstract void dropBuffer();

    /** Releases the pipe once the protocol heard {@code connectionLost}. */
    abstract void release();

    abstract Object pipe();

    // ---- progress from the subclass ----

    /** {@code n} queued bytes reached the pipe: resume the protocol, finish a pending close. */
    final void wrote(long n) {
        if (connLost > 0) return;
        bufferSize -= n;
        flow.shrank(bufferSize, protocol);
        if (bufferSize == 0 && closing && connLost == 0) {
            connLost++;
            callConnectionLost(null);
        }
    }

    /** A write failed (the reader went away: "Broken pipe"): close with the error (after the loss, {@link #closeWith} returns). */
    final void writeFailed(IOException e) {
        LOG.log(System.Logger.Level.DEBUG, () -> "Fatal write error on pipe transport " + this, e);
        closeWith(e);
    }

    /**
     * The reader's end is known to be closed (for a subprocess's stdin: the child exited):
     * asyncio's {@code _read_ready} of a write pipe. With data still buffered that data is lost,
     * which is an error; otherwise the pipe just closes.
     */
    void peerClosed() {
        peerClosedNow();
    }

    /** {@link #peerClosed()} once every write reported so far is accounted for. */
    final void peerClosedNow() {
        closeWith(bufferSize > 0 ? new IOException("Broken pipe: the reading end closed with "
                + bufferSize + " bytes still to write") : null);
    }

    final void closeWith(Throwable exc) {
        closing = true;
        if (connLost > 0) return;
        dropBuffer();
        bufferSize = 0;
        connLost++;
        loop.callSoon(() -> callConnectionLost(exc));
    }

    private void callConnectionLost(Throwable exc) {
        PipeEnds.callConnectionLost(loop, this, () -> protocol.connectionLost(exc), this::release);
    }

    // ---- WriteTransport ----

    @Override
    public void write(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        IoLoop.checkThread(loop, "WriteTransport.write()");
        if (closeCalled) throw new IllegalStateException("Cannot call write() after close(), writeEof() or abort(): " + this);
        if (!data.hasRemaining()) return;
        if (connLost > 0 || closing) {
            if (connLost + dropped >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
                LOG.log(System.Logger.Level.WARNING, "pipe closed by peer or write raised an exception: data dropped: {0}", this);
            }
            dropped++;
            data.position(data.limit());
            return;
        }
        send(data);
        flow.grew(bufferSize, protocol);
    }

    @Override
    public void writelines(Iterable<ByteBuffer> buffers) {
        for (ByteBuffer b : buffers) write(b);
    }

    @Override
    public void writeEof() {
        IoLoop.checkThread(loop, "WriteTransport.writeEof()");
        // Closing a pipe already lost (the reader went away) is not "the application closed it":
        // later writes are dropped, as asyncio does, rather than refused.
        if (closing) return;
        closeCalled = true;
        closeQuietly();
    }

    /**
     * Closes once the buffer is written, without making later writes errors: for the owner of a
     * pipe (a subprocess transport closing its child's stdin), not for the application.
     */
    final void closeQuietly() {
        if (closing) return;
        closing = true;
        if (bufferSize == 0) {
            connLost++;
            loop.callSoon(() -> callConnectionLost(null));
        }
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    /** Closes once the buffered data is written (the reader then sees EOF). Idempotent. */
    @Override
    public void close() {
        writeEof();
    }

    @Override
    public void abort() {
        IoLoop.checkThread(loop, "WriteTransport.abort()");
        if (connLost == 0) closeCalled = true;
        closeWith(null);
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    @Override
    public long getWriteBufferSize() {
        return bufferSize;
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        flow.setLimits(high, low, bufferSize, protocol);
    }

    @Override
    public WriteBufferLimits getWriteBufferLimits() {
        return flow.limits();
    }

    @Override
    public Object getExtraInfo(String name) {
        return "pipe".equals(name) ? pipe() : null;
    }

    @Override
    public String toString() {
        String state = connLost > 0 ? "closed" : closing ? "closing" : "open";
        return getClass().getSimpleName() + "[" + state + " " + pipe() + ", write buffer " + bufferSize + "]";
    }
}
