package io.jasyncio.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Handle;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;

/**
 * The selector transport of a stream socket (TCP or Unix): asyncio's
 * {@code _SelectorSocketTransport} with its flow-control mixin.
 *
 * <h2>Implementation notes</h2>
 * Everything runs on the loop thread. The channel's key carries one {@link Handle} for the whole
 * life of the transport; each readiness event queues it and {@link #onReady} reads once (at most
 * {@link IoLoop#MAX_READ} bytes into the loop's shared buffer) and/or flushes the write buffer.
 *
 * <p>A write first tries the socket directly and buffers only what it did not take, so an echo
 * costs no allocation. The write buffer is a queue of private copies; {@link #bufferSize} is the
 * sum of their remaining bytes.
 *
 * <p>The closing states are explained in {@link SelectorTransport}.
 */
final class StreamTransport extends SelectorTransport<SocketChannel, ByteBuffer> implements Transport, Runnable {
    private static final int LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;

    private final Server server;
    /** The server's list of its connections (see Server#attach); null when not on it. */
    StreamTransport prevClient;
    StreamTransport nextClient;
    private Protocol protocol;
    /**
     * Until {@link #start} has run: completed then (a connect's waiter, or null). Afterwards,
     * while a sendfile waits for an empty buffer or a writable socket: the future it waits on.
     * One field for both, as their lives never overlap (a sendfile needs a task, which cannot
     * run before start): 8 bytes per connection.
     */
    private Future<Void> waiter;

    private boolean eof;
    private boolean paused;
    /** The interest the transport wants; {@link #updateInterest} mirrors it into the key. */
    private boolean readWanted;
    private boolean writeWanted;
    /** A sendfile is in progress: writes are refused until it ends (asyncio's _empty_waiter). */
    private boolean sendfileActive;

    /**
     * Wraps a connected non-blocking channel. {@code key} is its existing registration (after a
     * connect) or null. Schedules {@code connectionMade}, then reading, then {@code waiter}.
     */
    StreamTransport(EventLoop loop, IoLoop io, SocketChannel channel, SelectionKey key, Protocol protocol,
                    Server server, Future<Void> waiter) throws IOException {
        this.protocol = Objects.requireNonNull(protocol, "the protocol factory returned null");
        this.server = server;
        this.waiter = waiter;
        super(loop, io, channel, key, remoteAddressOrNull(channel), t -> (StreamTransport) t);
        if (channel.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        if (server != null) server.attach(this);
        loop.callSoon(this::start);
    }

    private static SocketAddress remoteAddressOrNull(SocketChannel ch) {
        try {
            return ch.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    private void start() {
        try {
            protocol.connectionMade(this);
        } catch (Throwable t) {
            rethrowIfFatal(t);
            protocolError(t, "protocol.connectionMade() failed");
        }
        if (!closing && !paused) {
            readWanted = true;
            updateInterest();
        }
        Future<Void> w = waiter;
        waiter = null;
        if (w != null && !w.done()) w.setResult(null);
    }

    // ---- readiness ----

    /**
     * The selector's callback: the transport is its handle's Runnable itself, not a bound method
     * reference (16 bytes per connection). Loop thread only, called by the loop.
     */
    @Override
    public void run() {
        onReady();
    }

    private void onReady() {
        SelectionKey k = key;
        if (!k.isValid()) return;
        int ops = k.readyOps();
        if ((ops & SelectionKey.OP_READ) != 0 && readWanted && connLost == 0) readReady();
        if ((ops & SelectionKey.OP_WRITE) != 0 && writeWanted && connLost == 0) writeReady();
    }

    private void readReady() {
        if (protocol instanceof BufferedProtocol bp) {
            readIntoProtocolBuffer(bp);
            return;
        }
        ByteBuffer buf = io.readBuffer;
        buf.clear();
        int n;
        try {
            n = channel.read(buf);
        } catch (IOException e) {
            fatalError(e, "Fatal read error on socket transport");
            return;
        }
        if (n == 0) return;
        if (n < 0) {
            readEof();
            return;
        }
        ByteBuffer view = io.readView;
        view.clear().limit(n);
        try {
            protocol.dataReceived(view);
        } catch (Throwable t) {
            rethrowIfFatal(t);
            protocolError(t, "Fatal error: protocol.dataReceived() call failed.");
        }
    }

    /** {@code bp.getBuffer(sizeHint)}, refused unless it has room (the TLS layer's reads use it too). */
    static ByteBuffer bufferOf(BufferedProtocol bp, int sizeHint) {
        ByteBuffer buf = bp.getBuffer(sizeHint);
        if (buf == null || !buf.hasRemaining()) {
            throw new IllegalStateException("getBuffer() returned " + (buf == null ? "null" : "a buffer without room: " + buf));
        }
        return buf;
    }

    /** asyncio's {@code _read_ready__get_buffer}: read into the protocol's own buffer. */
    private void readIntoProtocolBuffer(BufferedProtocol bp) {
        ByteBuffer buf;
        try {
            buf = bufferOf(bp, -1);
        } catch (Throwable t) {
            rethrowIfFatal(t);
            protocolError(t, "Fatal error: protocol.getBuffer() call failed.");
            return;
        }
        int n;
        try {
            n = channel.read(buf);
        } catch (IOException e) {
            fatalError(e, "Fatal read error on socket transport");
            return;
        }
        if (n == 0) return;
        if (n < 0) {
            readEof();
            return;
        }
        try {
            bp.bufferUpdated(n);
        } catch (Throwable t) {
            rethrowIfFatal(t);
            protocolError(t, "Fatal error: protocol.bufferUpdated() call failed.");
        }
    }

    private void readEof() {
        boolean keepOpen;
        try {
            keepOpen = protocol.eofReceived();
        } catch (Throwable t) {
            rethrowIfFatal(t);
            protocolError(t, "Fatal error: protocol.eofReceived() call failed.");
            return;
        }
        if (keepOpen) {
            // The peer is done sending but we may still write: stop reading, stay open.
            readWanted = false;
            updateInterest();
        } else {
            closeTransport();
        }
    }

    private void writeReady() {
        ByteBuffer[] gather = io.gather;
        ArrayDeque<ByteBuffer> queue = buffer;
        try {
            while (queue != null && !queue.isEmpty()) {
                int count = 0;
                long offered = 0;
                for (ByteBuffer b : queue) {
                    gather[count++] = b;
                    offered += b.remaining();
                    if (count == gather.length) break;
                }
                long n;
                try {
                    n = channel.write(gather, 0, count);
                } finally {
                    Arrays.fill(gather, 0, count, null); // the loop's shared array keeps no buffer alive
                }
                bufferSize -= n;
                while (!queue.isEmpty() && !queue.peekFirst().hasRemaining()) queue.pollFirst();
                if (n < offered) break; // the socket is full: wait for the next OP_WRITE
            }
        } catch (IOException e) {
            fatalError(e, "Fatal write error on socket transport"); // drops the buffer, stops all interest
            return;
        }
        bufferShrank(protocol);
        if (bufferEmpty()) {
            writeWanted = false;
            updateInterest();
            Future<Void> w = waiter;
            if (w != null && !w.done()) w.setResult(null);
            if (closing) {
                // resumeWriting (just above) may have closed or aborted us, which already
                // scheduled connectionLost: it must be called once only.
                if (connLost == 0) {
                    connLost++;
                    callConnectionLost(null);
                }
            } else if (eof) {
                shutdownOutput();
            }
        }
    }

    private void updateInterest() {
        IoLoop.interest(key, (readWanted ? SelectionKey.OP_READ : 0) | (writeWanted ? SelectionKey.OP_WRITE : 0));
    }

    // ---- writing ----

    @Override
    public void write(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        IoLoop.checkThread(loop, "Transport.write()");
        if (eof) throw new IllegalStateException("Cannot call write() after writeEof()");
        if (closeCalled) throw new IllegalStateException("Cannot call write() after close() or abort(): " + this);
        if (sendfileActive) throw new IllegalStateException("unable to write; sendfile is in progress: " + this);
        if (!data.hasRemaining()) return;
        if (connLost > 0) {
            if (connLost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
                LOG.log(System.Logger.Level.WARNING, "socket.send() raised exception: the connection is lost, data dropped: {0}", this);
            }
            if (connLost < Byte.MAX_VALUE) connLost++;
            return;
        }
        if (bufferEmpty()) {
            try {
                channel.write(data);
            } catch (IOException e) {
                fatalError(e, "Fatal write error on socket transport");
                return;
            }
            if (!data.hasRemaining()) return;
            writeWanted = true;
            updateInterest();
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        buffer(copy, copy.remaining(), protocol);
    }

    @Override
    public void writelines(Iterable<ByteBuffer> buffers) {
        for (ByteBuffer b : buffers) write(b);
    }

    @Override
    public void writeEof() {
        if (closing || eof) return;
        eof = true;
        if (bufferEmpty()) shutdownOutput();
    }

    private void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            fatalError(e, "Fatal error on shutdownOutput()");
        }
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    // ---- sendfile ----

    /**
     * Sends part of a file with {@link FileChannel#transferTo} ({@code sendfile(2)}): waits for the
     * write buffer to drain, then transfers while the socket takes data, suspending while it is
     * full. Writes are refused meanwhile. Suspending.
     */
    long sendfile(FileChannel file, long offset, long count) throws IOException {
        if (offset < 0 || count < 0) throw new IllegalArgumentException("offset and count must be >= 0: " + offset + ", " + count);
        if (eof) throw new IllegalStateException("Cannot call sendfile() after writeEof()");
        if (closeCalled || closing) throw new IllegalStateException("Cannot call sendfile() on a closing transport: " + this);
        if (sendfileActive) throw new IllegalStateException("another sendfile is in progress: " + this);
        sendfileActive = true;
        // As asyncio's _sendfile_native: no reading while the file goes out.
        boolean resumeReading = isReading();
        pauseReading();
        try {
            while (!bufferEmpty()) awaitWritable();
            long sent = 0;
            long size = file.size();
            while (sent < count && offset + sent < size) {
                long n;
                try {
                    n = file.transferTo(offset + sent, count - sent, channel);
                } catch (IOException e) {
                    fatalError(e, "Fatal error in sendfile");
                    throw e;
                }
                if (n > 0) sent += n;
                else awaitWritable();
            }
            return sent;
        } finally {
            sendfileActive = false;
            if (resumeReading) resumeReading();
        }
    }

    /**
     * Waits for the socket to take data (or the buffer to drain). Only a wait can see the
     * connection end: sendfile starts on an open transport, and a close that flushes the buffer
     * completes the wait normally before it loses the connection.
     */
    private void awaitWritable() throws IOException {
        if (waiter != null) throw new IllegalStateException("sendfile() before the transport started: " + this);
        Future<Void> w = loop.createFuture();
        waiter = w;
        writeWanted = true;
        updateInterest();
        try {
            Resolver.awaitIo(w);
        } finally {
            waiter = null;
        }
        if (connLost > 0) throw new IOException("the connection was lost during sendfile: " + this);
    }

    // ---- reading control ----

    @Override
    public boolean isReading() {
        return !paused && !closing;
    }

    @Override
    public void pauseReading() {
        if (closing || paused) return;
        paused = true;
        readWanted = false;
        updateInterest();
    }

    @Override
    public void resumeReading() {
        if (closing || !paused) return;
        paused = false;
        readWanted = true;
        updateInterest();
    }

    // ---- closing ----

    @Override
    public void close() {
        IoLoop.checkThread(loop, "Transport.close()");
        closeCalled = true;
        closeTransport();
    }

    private void closeTransport() {
        if (closing) return;
        closing = true;
        readWanted = false;
        if (bufferEmpty()) {
            connLost++;
            writeWanted = false;
            loop.callSoon(() -> callConnectionLost(null));
        }
        updateInterest();
    }

    @Override
    public void abort() {
        IoLoop.checkThread(loop, "Transport.abort()");
        closeCalled = true;
        forceClose(null);
    }

    /** A socket error: closes without flushing; asyncio logs these only in debug mode. */
    private void fatalError(IOException e, String message) {
        LOG.log(System.Logger.Level.DEBUG, () -> message + " " + this, e);
        forceClose(e);
    }

    @Override
    void stopIo() {
        writeWanted = false;
        readWanted = false;
        updateInterest();
    }

    /** A sendfile waiting for the socket fails with the connection. */
    @Override
    void onConnectionLost(Throwable exc) {
        Future<Void> w = waiter;
        if (w != null && !w.done()) {
            w.setException(exc instanceof IOException io ? io : new IOException("the connection was closed during sendfile", exc));
        }
    }

    /** Closes the socket and, for an accepted connection, leaves the server. */
    @Override
    void closeSocket() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a socket failed", e);
        }
        if (server != null) server.detach(this);
    }

    // ---- the rest of the interface ----

    @Override
    BaseProtocol protocol() {
        return protocol;
    }

    @Override
    public Protocol getProtocol() {
        return protocol;
    }

    @Override
    public void setProtocol(Protocol protocol) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
    }

    @Override
    public String toString() {
        return "StreamTransport[" + state() + " " + sockname + " <-> " + peername + ", write buffer " + bufferSize + "]";
    }
}
