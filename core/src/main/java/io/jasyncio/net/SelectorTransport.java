package io.jasyncio.net;

import io.jasyncio.ErrorContext;
import io.jasyncio.EventLoop;
import io.jasyncio.Handle;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.function.Function;

/**
 * What the selector transports of stream and datagram sockets share: asyncio's
 * {@code _SelectorTransport}. It owns the channel's registration, the write buffer with its
 * size and flow control, and closing; the subclasses read, write and decide when to close.
 * Loop thread only.
 *
 * <p>Closing states, as in asyncio: {@link #closing} means no more reading and no new close;
 * {@link #connLost} counts from the moment {@code connectionLost} is scheduled (a stream
 * transport also counts writes dropped afterwards). {@code close()} waits for the buffer to
 * drain, {@code abort()} and errors drop it. {@link #closeCalled} records that the application
 * itself closed us, which makes a later write a programming error rather than a race with the
 * peer.
 *
 * <p>The protocol stays in each subclass, typed for the calls its readiness code makes (and
 * replaceable on a stream); this class reaches it only off the hot paths, through
 * {@link #protocol()}.
 *
 * @param <C> the channel
 * @param <E> an entry of the write buffer
 */
abstract sealed class SelectorTransport<C extends SelectableChannel & NetworkChannel, E> implements BaseTransport
        permits StreamTransport, UdpTransport {
    static final System.Logger LOG = System.getLogger("io.jasyncio.net");

    final EventLoop loop;
    final IoLoop io;
    final C channel;
    /**
     * The channel's registration; its attachment is the transport's one readiness {@link Handle}
     * for the whole life of the transport (not kept in a field too: 4 bytes per connection).
     */
    final SelectionKey key;
    final SocketAddress sockname;
    /** The peer (of a datagram socket: the connected one), or null. */
    final SocketAddress peername;

    /**
     * The write buffer: null while empty, made when a write has to wait (for one entry, growing
     * by doubling) and let go once it drains. A connection whose socket takes every write at once
     * never has one, and an idle connection holds none (48 bytes fewer).
     */
    ArrayDeque<E> buffer;
    long bufferSize;
    /** Flow control: null (not paused, default limits) until the buffer passes the default high-water mark or limits are set. */
    private WriteFlow flow;

    boolean closing;
    boolean closeCalled;
    /**
     * 0 until connectionLost is scheduled, then 1, then counting writes dropped afterwards (for
     * the warning's threshold) up to {@link Byte#MAX_VALUE}, where it stays: a byte, not an int,
     * keeps a StreamTransport at 80 bytes.
     */
    byte connLost;

    /**
     * Registers {@code channel} with the transport's one reusable handle, or moves {@code key},
     * its existing registration (after a connect), to it with no interest. {@code onReady} gives
     * the handle's Runnable for this transport, which the subclass cannot name yet where it calls
     * this constructor: the subclass's own readiness method bound to it, or (StreamTransport) the
     * transport itself; either way a readiness event reaches it without a virtual dispatch here.
     */
    SelectorTransport(EventLoop loop, IoLoop io, C channel, SelectionKey key, SocketAddress peername,
                      Function<SelectorTransport<C, E>, Runnable> onReady) throws IOException {
        this.loop = loop;
        this.io = io;
        this.channel = channel;
        Handle handle = IoLoop.handle(loop, onReady.apply(this));
        if (key == null) {
            key = io.register(channel, 0, handle);
        } else {
            key.interestOps(0);
            key.attach(handle);
        }
        this.key = key;
        this.sockname = channel.getLocalAddress();
        this.peername = peername;
    }

    // ---- hooks ----

    /** The protocol, for the calls made here: {@code connectionLost}, flow control, error messages. */
    abstract BaseProtocol protocol();

    /** Drops all interest in readiness, as the transport closes without flushing. */
    abstract void stopIo();

    /** Called before the protocol's {@code connectionLost}; does nothing unless overridden. */
    void onConnectionLost(Throwable exc) {
    }

    /** Closes the channel once the protocol has heard of the loss; the key and handle are already cancelled. */
    abstract void closeSocket();

    // ---- flow control ----

    public long getWriteBufferSize() {
        return bufferSize;
    }

    public WriteBufferLimits getWriteBufferLimits() {
        WriteFlow f = flow;
        return f != null ? f.limits() : WriteFlow.DEFAULT_LIMITS;
    }

    public void setWriteBufferLimits(int high, int low) {
        flow().setLimits(high, low, bufferSize, protocol());
    }

    private WriteFlow flow() {
        WriteFlow f = flow;
        if (f == null) flow = f = new WriteFlow(loop, this);
        return f;
    }

    /** Whether the protocol was last told to pause writing. */
    final boolean writingPaused() {
        WriteFlow f = flow;
        return f != null && f.isPaused();
    }

    /** Whether nothing waits in the write buffer. */
    final boolean bufferEmpty() {
        ArrayDeque<E> b = buffer;
        return b == null || b.isEmpty();
    }

    /** Queues {@code entry} of {@code size} bytes, then pauses {@code protocol} if the buffer passed the high-water mark. */
    final void buffer(E entry, int size, BaseProtocol protocol) {
        ArrayDeque<E> b = buffer;
        if (b == null) buffer = b = new ArrayDeque<>(1);
        b.add(entry);
        bufferSize += size;
        WriteFlow f = flow;
        if (f != null) f.grew(bufferSize, protocol);
        else if (bufferSize > WriteFlow.DEFAULT_HIGH_WATER) flow().grew(bufferSize, protocol);
    }

    /**
     * After entries left the buffer: lets go of an emptied queue, then resumes {@code protocol}
     * if the buffer reached the low-water mark (which may write, and queue again).
     */
    final void bufferShrank(BaseProtocol protocol) {
        ArrayDeque<E> b = buffer;
        if (b != null && b.isEmpty()) buffer = null;
        WriteFlow f = flow;
        if (f != null) f.shrank(bufferSize, protocol);
    }

    // ---- closing ----

    @Override
    public boolean isClosing() {
        return closing;
    }

    /** A protocol callback threw: the loop's exception handler hears of it, the connection closes. */
    final void protocolError(Throwable t, String message) {
        loop.callExceptionHandler(errorContext(message, t, this, protocol()));
        forceClose(t);
    }

    /**
     * Closes without flushing: drops the write buffer and schedules {@code connectionLost(exc)}.
     * Does nothing once {@code connectionLost} is scheduled.
     */
    final void forceClose(Throwable exc) {
        if (connLost > 0) return;
        if (buffer != null) {
            buffer = null;
            bufferSize = 0;
        }
        closing = true;
        stopIo();
        connLost++;
        loop.callSoon(() -> callConnectionLost(exc));
    }

    /**
     * asyncio's {@code _call_connection_lost}: tells the protocol, routing what it throws to the
     * loop's exception handler, then releases the key, the handle and the socket whatever it did.
     */
    final void callConnectionLost(Throwable exc) {
        onConnectionLost(exc);
        try {
            protocol().connectionLost(exc);
        } catch (Throwable t) {
            rethrowIfFatal(t);
            loop.callExceptionHandler(errorContext("protocol.connectionLost() failed", t, this, protocol()));
        } finally {
            key.cancel();
            ((Handle) key.attachment()).cancel();
            closeSocket();
        }
    }

    /**
     * asyncio's context for an error of a transport: the transport, its protocol and its socket
     * as objects (the socket as {@code getExtraInfo("socket")} gives it), so that a handler can
     * act on them; the default handler prints them under the message.
     */
    static ErrorContext errorContext(String message, Throwable t, BaseTransport transport, BaseProtocol protocol) {
        Object socket = transport == null ? null : transport.getExtraInfo("socket");
        return new ErrorContext(message, t, null, null, transport, protocol,
                socket instanceof java.nio.channels.Channel ch ? ch : null);
    }

    /** For the catch-alls around protocol callbacks: lets errors the JVM cannot recover from pass. */
    static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError vme) throw vme;
    }

    // ---- the rest of the interface ----

    @Override
    public Object getExtraInfo(String name) {
        return switch (name) {
            case "peername" -> peername;
            case "sockname" -> sockname;
            case "socket" -> channel;
            default -> null;
        };
    }

    /** "open", "closing" or "closed", for {@code toString}. */
    final String state() {
        return connLost > 0 ? "closed" : closing ? "closing" : "open";
    }
}
