package io.jasyncio.stream;

import io.jasyncio.ErrorContext;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
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
    /** Write flow control and the close waiter, shared with the writer. */
    final DrainFlow flow;

    StreamReaderProtocol(StreamReader reader, ClientConnected clientConnected, EventLoop loop) {
        this.reader = reader;
        this.clientConnected = clientConnected;
        this.loop = loop;
        this.flow = new DrainFlow(loop);
    }

    @Override
    public void connectionMade(Transport transport) {
        this.transport = transport;
        StreamReader r = reader;
        if (r != null) r.attach(transport);
        overTls = transport.getExtraInfo("sslcontext") != null;
        if (clientConnected != null) {
            StreamWriter w = new StreamWriter(transport, this, flow, r);
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
                if (flow.endedByConnectionLoss(exc)) {
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
        flow.connectionLost(exc);
        reader = null;
        task = null;
        transport = null;
    }

    @Override
    public void pauseWriting() {
        flow.pauseWriting();
    }

    @Override
    public void resumeWriting() {
        flow.resumeWriting();
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
        return "StreamReaderProtocol[" + (transport != null ? transport : "not connected") + (task != null ? ", " + task : "") + "]";
    }
}
