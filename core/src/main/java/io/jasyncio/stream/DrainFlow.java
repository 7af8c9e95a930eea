package io.jasyncio.stream;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.net.BaseProtocol;
import java.io.IOException;
import java.net.SocketException;
import java.util.ArrayDeque;

/**
 * Write flow control as a {@link StreamWriter} sees it: asyncio's {@code FlowControlMixin} plus
 * the close waiter. The transport's {@code pauseWriting}/{@code resumeWriting} become
 * {@link #drainHelper()} waits and its {@code connectionLost} completes {@link #closeWaiter()}.
 * A socket connection's {@link StreamReaderProtocol} is one (a subclass, so that a connection
 * holds one object for both: 24 bytes fewer); a subprocess's stdin pipe is driven by one
 * directly. Loop thread only.
 */
class DrainFlow implements BaseProtocol {
    final EventLoop loop;
    // `paused` between the transport's pauseWriting and resumeWriting.
    private boolean paused;
    private boolean connectionLost;
    /** The error the connection was lost with (null: a clean close), once it is lost. */
    private Throwable lossError;
    /**
     * What only some connections ever need, made the first time one of them is: an idle
     * connection holds none of it (one field instead of three: 8 bytes per connection).
     */
    private Rare rare;

    private static final class Rare {
        /**
         * Completes when the connection is lost: null, or the error it was lost with. Made when
         * {@link #closeWaiter()} is first asked for (most connections never are).
         */
        Future<Void> closed;
        /**
         * Tasks in drain(); each future completes with null or the error drain() must throw. Made
         * by the first drain() that has to wait.
         */
        ArrayDeque<Future<Throwable>> drainWaiters;
        /** The "Connection lost" error drain() raised last, so the handler's end can be recognized. */
        SocketException lostRaised;
        /** The writer's {@link StreamWriter#asOutputStream()} view (kept here: one field fewer per writer). */
        WriterOutputStream outputStream;
    }

    /**
     * {@code writer}'s OutputStream view, the same object every call. jasyncio makes one writer
     * per flow; a second writer on the same flow (only tests make one) gets a view per call.
     */
    WriterOutputStream outputStream(StreamWriter writer) {
        Rare r = rare();
        if (r.outputStream == null) r.outputStream = new WriterOutputStream(writer);
        return r.outputStream.writer == writer ? r.outputStream : new WriterOutputStream(writer);
    }

    private Rare rare() {
        Rare r = rare;
        if (r == null) rare = r = new Rare();
        return r;
    }

    DrainFlow(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    public void pauseWriting() {
        paused = true;
    }

    @Override
    public void resumeWriting() {
        paused = false;
        wakeDrainers(null);
    }

    private void wakeDrainers(Throwable exc) {
        Rare r = rare;
        if (r == null || r.drainWaiters == null) return;
        for (Future<Throwable> w : r.drainWaiters) {
            if (!w.done()) w.setResult(exc);
        }
    }

    @Override
    public void connectionLost(Throwable exc) {
        if (connectionLost) return;
        connectionLost = true;
        lossError = exc;
        if (rare != null && rare.closed != null) completeClosed();
        if (paused) wakeDrainers(exc);
    }

    private void completeClosed() {
        Future<Void> closed = rare.closed;
        if (closed.done()) return;
        if (lossError == null) {
            closed.setResult(null);
        } else {
            closed.setException(lossError);
            closed.exception(); // retrieved: nobody has to waitClosed() to silence the report
        }
    }

    /** Suspends while the transport's write buffer is above its high-water mark. */
    void drainHelper() throws IOException {
        if (connectionLost) throw rare().lostRaised = new SocketException("Connection lost");
        if (!paused) return;
        Future<Throwable> w = loop.createFuture();
        Rare r = rare();
        if (r.drainWaiters == null) r.drainWaiters = new ArrayDeque<>(2);
        r.drainWaiters.add(w);
        Throwable failure;
        try {
            failure = w.await();
        } finally {
            r.drainWaiters.remove(w);
        }
        if (failure != null) throw RethrownBy.mark(failure, "StreamWriter.drain()");
    }

    /**
     * Whether a server handler's task failed only because the connection was lost: it raised the
     * error the connection was lost with (from a read or drain), or drain()'s "Connection lost".
     */
    boolean endedByConnectionLoss(Throwable exc) {
        if (!connectionLost || !(exc instanceof IOException)) return false;
        if (rare != null && exc == rare.lostRaised) return true;
        for (Throwable c = exc; c != null && lossError != null; c = c.getCause()) {
            if (c == lossError) return true;
        }
        return false;
    }

    /** Completes when the connection is lost (at once if it already was). */
    Future<Void> closeWaiter() {
        Rare r = rare();
        if (r.closed == null) {
            r.closed = loop.createFuture();
            if (connectionLost) completeClosed();
        }
        return r.closed;
    }
}
