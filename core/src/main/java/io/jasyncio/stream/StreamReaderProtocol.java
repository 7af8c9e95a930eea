package io.jasyncio.stream;

import io.jasyncio.ErrorContext;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Transport;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The protocol between a transport and a {@link StreamReader}/{@link StreamWriter} pair:
 * asyncio's {@code StreamReaderProtocol} with its {@code FlowControlMixin}. Received bytes and
 * EOF go to the reader; the transport's pause/resume of writing become {@link #drainHelper()}
 * waits; for a server connection it makes the writer and starts the client's task.
 *
 * <p>Everything runs on the loop thread. {@link #reader} is dropped when the connection is lost
 * (asyncio holds it weakly), so a finished connection does not keep its buffer alive.
 */
final class StreamReaderProtocol implements Protocol {
    /** Connection-level events go where the transports log theirs (README, "Logging"). */
    private static final System.Logger LOG = System.getLogger("io.jasyncio.net");
    private final EventLoop loop;
    private final ClientConnected clientConnected;
    private StreamReader reader;
    private Task<Void> task;
    private Transport transport;
    private boolean overTls;
    /** Completes when the connection is lost: null, or the error it was lost with. */
    private final Future<Void> closed;

    // Write flow control: `paused` between the transport's pauseWriting and resumeWriting.
    private boolean paused;
    private boolean connectionLost;
    /** The error the connection was lost with (null: a clean close), once it is lost. */
    private Throwable lossError;
    /** The "Connection lost" error drain() raised last, so the handler's end can be recognized. */
    private SocketException lostRaised;
    /** Tasks in drain(); each future completes with null or the error drain() must throw. */
    private final ArrayDeque<Future<Throwable>> drainWaiters = new ArrayDeque<>();

    StreamReaderProtocol(StreamReader reader, ClientConnected clientConnected, EventLoop loop) {
        this.reader = reader;
        this.clientConnected = clientConnected;
        this.loop = loop;
        this.closed = loop.createFuture();
    }

    @Override
    public void connectionMade(Transport transport) {
        this.transport = transport;
        StreamReader r = reader;
        if (r != null) r.attach(transport);
        overTls = transport.getExtraInfo("sslcontext") != null;
        if (clientConnected != null) {
            StreamWriter w = new StreamWriter(transport, this, r);
            Task<Void> t = loop.createTask(() -> {
                clientConnected.accept(r, w);
                return null;
            });
            task = t;
            t.addDoneCallback(done -> {
                if (done.cancelled()) {
                    w.close();
                    return;
                }
                Throwable exc = done.exception();
                if (exc == null) return;
                if (endedByConnectionLoss(exc)) {
                    // The peer went away while the handler wrote or read: routine for a server,
                    // so not an ERROR (asyncio logs transport OSErrors at DEBUG).
                    LOG.log(System.Logger.Level.DEBUG, () -> "client_connected_cb ended because the connection was lost ("
                            + w + "): " + exc, exc);
                } else {
                    Object socket = transport.getExtraInfo("socket");
                    loop.callExceptionHandler(new ErrorContext("Unhandled exception in client_connected_cb (" + w + ")",
                            exc, null, null, transport, this, socket instanceof java.nio.channels.Channel ch ? ch : null));
                }
                w.close();
            });
        }
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        StreamReader r = reader;
        if (r != null) r.feed(data);
    }

    @Override
    public boolean eofReceived() {
        StreamReader r = reader;
        if (r != null) r.eof();
        // TLS cannot stay half open (its transport would only warn); plain sockets keep writing.
        return !overTls;
    }

    @Override
    public void connectionLost(Throwable exc) {
        StreamReader r = reader;
        if (r != null) {
            if (exc == null) r.eof();
            else r.fail(exc);
        }
        if (!closed.done()) {
            if (exc == null) {
                closed.setResult(null);
            } else {
                closed.setException(exc);
                closed.exception(); // retrieved: nobody has to waitClosed() to silence the report
            }
        }
        connectionLost = true;
        lossError = exc;
        if (paused) {
            for (Future<Throwable> w : drainWaiters) {
                if (!w.done()) w.setResult(exc);
            }
        }
        reader = null;
        task = null;
        transport = null;
    }

    @Override
    public void pauseWriting() {
        paused = true;
    }

    @Override
    public void resumeWriting() {
        paused = false;
        for (Future<Throwable> w : drainWaiters) {
            if (!w.done()) w.setResult(null);
        }
    }

    /** Suspends while the transport's write buffer is above its high-water mark. */
    void drainHelper() throws IOException {
        if (connectionLost) throw lostRaised = new SocketException("Connection lost");
        if (!paused) return;
        Future<Throwable> w = loop.createFuture();
        drainWaiters.add(w);
        Throwable failure;
        try {
            failure = w.await();
        } finally {
            drainWaiters.remove(w);
        }
        if (failure != null) throw RethrownBy.mark(failure, "StreamWriter.drain()");
    }

    /**
     * Whether the handler's task failed only because the connection was lost: it raised the
     * error the connection was lost with (from a read or drain), or drain()'s "Connection lost".
     */
    private boolean endedByConnectionLoss(Throwable exc) {
        if (!connectionLost || !(exc instanceof IOException)) return false;
        if (exc == lostRaised) return true;
        for (Throwable c = exc; c != null && lossError != null; c = c.getCause()) {
            if (c == lossError) return true;
        }
        return false;
    }

    Future<Void> closeWaiter() {
        return closed;
    }

    /** A server's connection, which acts as the TLS server in startTls. */
    boolean serverSide() {
        return clientConnected != null;
    }

    /** StreamWriter.startTls: from now on (or, when it failed, no longer) EOF comes through TLS. */
    void upgradingToTls(boolean upgrading) {
        overTls = upgrading || transport != null && transport.getExtraInfo("sslcontext") != null;
    }

    void replaceWriter(StreamWriter w) {
        transport = w.transport();
        overTls = transport.getExtraInfo("sslcontext") != null;
    }

    @Override
    public String toString() {
        return "StreamReaderProtocol[" + (transport != null ? transport : "not connected") + (task != null ? ", " + task : "") + "]";
    }
}
