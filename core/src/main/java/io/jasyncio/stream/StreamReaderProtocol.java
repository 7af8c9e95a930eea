package io.jasyncio.stream;

import io.jasyncio.Coroutine;
import io.jasyncio.ErrorContext;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.internal.DoneSink;
import io.jasyncio.internal.LoopAccess;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Transport;
import java.nio.ByteBuffer;

/**
 * The protocol between a transport and a {@link StreamReader}/{@link StreamWriter} pair:
 * asyncio's {@code StreamReaderProtocol} with its {@code FlowControlMixin}. Received bytes and
 * EOF go to the reader; the transport's pause/resume of writing become {@link DrainFlow#drainHelper()}
 * waits; for a server connection it makes the writer and starts the client's task.
 *
 * <p>Everything runs on the loop thread. {@link #reader} is dropped when the connection is lost
 * (asyncio holds it weakly), so a finished connection does not keep its buffer alive.
 *
 * <p>Per connection, one object does several jobs, since an idle server connection holds them
 * all for its life: the protocol is its {@link DrainFlow} (a subclass), and for a server
 * connection also the handler task's coroutine and, as a {@link DoneSink}, the hook of its done
 * callback, which is made only when the task ends (no lambdas, no DoneCallback: ~130 bytes).
 */
final class StreamReaderProtocol extends DrainFlow implements Protocol, Coroutine<Void>, DoneSink {
    /** Connection-level events go where the transports log theirs (README, "Logging"). */
    private static final System.Logger LOG = System.getLogger("io.jasyncio.net");
    private static final LoopAccess ACCESS = LoopAccess.get();
    private final ClientConnected clientConnected;
    private StreamReader reader;
    /** A server connection's writer, made in connectionMade for the handler task. */
    private StreamWriter writer;
    private Transport transport;
    private boolean overTls;
    /**
     * A server connection's context when its handler task was made, where the task's done
     * callback runs (asyncio's add_done_callback); null otherwise.
     */
    private Object doneContext;

    StreamReaderProtocol(StreamReader reader, ClientConnected clientConnected, EventLoop loop) {
        super(loop);
        this.reader = reader;
        this.clientConnected = clientConnected;
    }

    @Override
    public void connectionMade(Transport transport) {
        this.transport = transport;
        StreamReader r = reader;
        if (r != null) r.attach(transport);
        overTls = transport.getExtraInfo("sslcontext") != null;
        if (clientConnected != null) {
            writer = new StreamWriter(transport, this, r);
            Task<Void> task = loop.createTask(this);
            doneContext = ACCESS.currentContext(loop);
            ACCESS.addDoneSink(task, this);
        }
    }

    /** The server connection's handler task: runs {@code clientConnected}. */
    @Override
    public Void call() throws Exception {
        // The writer keeps the reader: connectionLost may clear this.reader before the first step.
        StreamWriter w = writer;
        clientConnected.accept(w.reader(), w);
        return null;
    }

    /** The handler task is done: its done callback runs next, in the context it was added in. */
    @Override
    public void futureDone(Future<?> task) {
        Object context = doneContext;
        doneContext = null;
        ACCESS.callSoon(loop, () -> handlerDone(task), context);
    }

    /** The handler task's done callback: close on cancellation, report a failure, and close. */
    private void handlerDone(Future<?> done) {
        StreamWriter w = writer;
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
            Transport t = w.transport() instanceof Transport tt ? tt : null;
            Object socket = t != null ? t.getExtraInfo("socket") : null;
            loop.callExceptionHandler(new ErrorContext("Unhandled exception in client_connected_cb (" + w + ")",
                    exc, null, null, t, this, socket instanceof java.nio.channels.Channel ch ? ch : null));
        }
        w.close();
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
        super.connectionLost(exc);
        reader = null;
        transport = null;
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
        transport = (Transport) w.transport();
        overTls = transport.getExtraInfo("sslcontext") != null;
    }

    @Override
    public String toString() {
        return "StreamReaderProtocol[" + (transport != null ? transport : "not connected") + "]";
    }
}
