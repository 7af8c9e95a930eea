package io.jasyncio.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.Objects;

/**
 * The selector transport of a UDP socket: asyncio's {@code _SelectorDatagramTransport}. Runs on
 * the loop thread only. Each readiness event receives one datagram into the loop's shared read
 * buffer. A send first goes to the socket directly; only when it would block is the datagram
 * copied into the queue (datagrams are never split). The closing states are explained in
 * {@link SelectorTransport}.
 */
final class UdpTransport extends SelectorTransport<DatagramChannel, UdpTransport.Pending> implements DatagramTransport {

    /** A queued datagram and where it goes (unused on a connected endpoint). */
    record Pending(ByteBuffer data, SocketAddress address) {
    }

    /** How a datagram goes to the socket: the one call of a send, so that a test can stand in front of it. */
    @FunctionalInterface
    interface Sender {
        /** Sends {@code data} whole, consuming it, or leaves it untouched when the socket would block. */
        void send(ByteBuffer data, SocketAddress address) throws IOException;
    }

    private final DatagramProtocol protocol;
    private Future<Void> waiter;
    /**
     * A seam for tests (package-private, set by nothing else): on Linux loopback a non-blocking
     * UDP send never reports a full send buffer (the loopback device hands each datagram on
     * inside the call), so the write queue cannot be reached with real sockets alone. asyncio's
     * own tests reach it with a mock socket whose {@code sendto} raises BlockingIOError; a test
     * here wraps this to answer "would block" (0) a chosen number of times and otherwise calls
     * through to the real channel.
     */
    Sender sender = this::sendNow;

    UdpTransport(EventLoop loop, IoLoop io, DatagramChannel channel, DatagramProtocol protocol, Future<Void> waiter)
            throws IOException {
        this.protocol = Objects.requireNonNull(protocol, "the protocol factory returned null");
        this.waiter = waiter;
        super(loop, io, channel, null, channel.getRemoteAddress(), t -> ((UdpTransport) t)::onReady);
        loop.callSoon(this::start);
    }

    private void start() {
        try {
            protocol.connectionMade(this);
        } catch (Throwable t) {
            rethrowIfFatal(t);
            protocolError(t, "protocol.connectionMade() failed");
        }
        updateInterest();
        Future<Void> w = waiter;
        waiter = null;
        if (w != null && !w.done()) w.setResult(null);
    }

    private void updateInterest() {
        int ops = closing ? 0 : SelectionKey.OP_READ;
        if (!bufferEmpty()) ops |= SelectionKey.OP_WRITE; // never queued once lost: see sendto
        IoLoop.interest(key, ops);
    }

    private void onReady() {
        if (!key.isValid()) return; // the application closed the socket since the select
        // once lost (connLost > 0) the endpoint is closing too: neither branch runs
        int ops = key.readyOps();
        if ((ops & SelectionKey.OP_READ) != 0 && !closing) readReady();
        if ((ops & SelectionKey.OP_WRITE) != 0 && connLost == 0) writeReady();
    }

    private void readReady() {
        ByteBuffer buf = io.readBuffer;
        buf.clear();
        SocketAddress from;
        try {
            from = channel.receive(buf);
        } catch (IOException e) {
            errorReceived(e);
            return;
        }
        if (from == null) return;
        ByteBuffer view = io.readView;
        view.clear().limit(buf.position());
        try {
            protocol.datagramReceived(view, from);
        } catch (Throwable t) {
            rethrowIfFatal(t);
            protocolError(t, "Fatal error: protocol.datagramReceived() call failed.");
        }
    }

    private void writeReady() {
        while (!buffer.isEmpty()) { // not null: writeReady runs only while something is queued (or just drained)
            Pending p = buffer.peekFirst();
            int size = p.data.remaining();
            try {
                sender.send(p.data, p.address);
                if (p.data.hasRemaining()) break; // would block
            } catch (IOException e) {
                // asyncio: the datagram is gone, the protocol hears of it, the endpoint lives on;
                // the rest go on the next writability event (still watched), or, if the protocol
                // aborted, never
                buffer.pollFirst();
                bufferSize -= size;
                errorReceived(e);
                return;
            }
            buffer.pollFirst();
            bufferSize -= size;
        }
        bufferShrank(protocol);
        updateInterest();
        if (bufferEmpty() && closing && connLost == 0) {
            connLost++;
            callConnectionLost(null);
        }
    }

    /**
     * The real send. A datagram goes whole or not at all, so what is left of {@code data} tells
     * the caller whether it went; for an empty datagram the JDK's answer (0) cannot tell "sent"
     * from "would block", and it counts as sent.
     */
    private void sendNow(ByteBuffer data, SocketAddress address) throws IOException {
        if (peername != null) channel.write(data);
        else channel.send(data, address);
    }

    @Override
    public void sendto(ByteBuffer data, SocketAddress address) {
        Objects.requireNonNull(data, "data");
        IoLoop.checkThread(loop, "DatagramTransport.sendto()");
        if (peername != null && address != null && !address.equals(peername)) {
            throw new IllegalArgumentException("Invalid address: must be null or " + peername + ", not " + address);
        }
        if (peername == null && address == null) {
            throw new IllegalArgumentException("the endpoint is not connected: give the destination address");
        }
        if (closeCalled) throw new IllegalStateException("Cannot call sendto() after close() or abort(): " + this);
        if (peername != null && !data.hasRemaining()) {
            // asyncio sends an empty datagram here; the JDK cannot: a connected DatagramChannel
            // skips the system call for 0 bytes (write and send alike). Fail loudly, never drop.
            throw new UnsupportedOperationException("cannot send an empty datagram on a connected endpoint: the JDK's "
                    + "connected DatagramChannel never sends 0 bytes; create the endpoint without remoteAddress and "
                    + "pass the destination to sendto() instead");
        }
        if (connLost > 0) {
            LOG.log(System.Logger.Level.WARNING, "socket.sendto() after the endpoint was lost: datagram dropped: {0}", this);
            return;
        }
        if (bufferEmpty()) {
            try {
                sender.send(data, address);
                if (!data.hasRemaining()) return;
            } catch (IOException e) {
                errorReceived(e);
                return;
            }
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        buffer(new Pending(copy, address), copy.remaining(), protocol);
        updateInterest();
    }

    private void errorReceived(IOException e) {
        try {
            protocol.errorReceived(e);
        } catch (Throwable t) {
            rethrowIfFatal(t);
            protocolError(t, "Fatal error: protocol.errorReceived() call failed.");
        }
    }

    @Override
    public void close() {
        IoLoop.checkThread(loop, "DatagramTransport.close()");
        closeCalled = true;
        if (closing) return;
        closing = true;
        updateInterest();
        if (bufferEmpty()) {
            connLost++;
            loop.callSoon(() -> callConnectionLost(null));
        }
    }

    @Override
    public void abort() {
        IoLoop.checkThread(loop, "DatagramTransport.abort()");
        closeCalled = true;
        forceClose(null);
    }

    @Override
    void stopIo() {
        IoLoop.interest(key, 0);
    }

    @Override
    void closeSocket() {
        Net.closeQuietly(channel);
    }

    @Override
    BaseProtocol protocol() {
        return protocol;
    }

    @Override
    public String toString() {
        return "UdpTransport[" + state() + " " + sockname + (peername != null ? " -> " + peername : "") + "]";
    }
}
