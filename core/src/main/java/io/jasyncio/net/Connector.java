package io.jasyncio.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Handle;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Making an outgoing TCP or Unix connection: asyncio's {@code sock_connect}, and the part of
 * {@code create_connection} that tries a host's addresses, one at a time or raced with Happy
 * Eyeballs (RFC 8305, see {@link StaggeredRace}). Suspending; loop thread only.
 *
 * <p>A connected channel stays registered afterwards (interest 0) so the transport can take its
 * key over: a key cancelled and re-registered before the next select would fail. A channel given
 * up on (failed, cancelled, or beaten by another attempt) is closed and released at once.
 */
final class Connector {
    private Connector() {
    }

    /** A socket connected and still registered with the loop (interest 0), for its transport. */
    record Connected(SocketChannel channel, SelectionKey key) {
    }

    /**
     * Connects to one of {@code addresses}, in their order: one at a time when
     * {@code happyEyeballsDelay} is null, else raced with staggered starts. Suspending.
     *
     * @param locals the local addresses to bind to first (the first of the remote one's family
     *               that binds), or null
     * @throws IOException the first address's failure, the others' suppressed
     */
    static Connected connect(EventLoop loop, IoLoop io, List<InetSocketAddress> addresses,
                             List<InetSocketAddress> locals, Duration happyEyeballsDelay) throws IOException {
        if (happyEyeballsDelay != null) {
            List<StaggeredRace.Attempt<Connected>> attempts = new ArrayList<>(addresses.size());
            for (InetSocketAddress address : addresses) attempts.add(() -> connectOne(loop, io, address, locals));
            return StaggeredRace.run(loop, attempts, happyEyeballsDelay, lost -> closeNow(io, lost.channel()));
        }
        IOException failure = null;
        for (InetSocketAddress address : addresses) {
            try {
                return connectOne(loop, io, address, locals);
            } catch (IOException e) {
                if (failure == null) failure = e;
                else failure.addSuppressed(e);
            }
        }
        throw failure;
    }

    /**
     * One TCP connect (bound first to a local address when given). Suspending. The socket is
     * closed if this fails or the task is cancelled: only a connected socket leaves here.
     */
    private static Connected connectOne(EventLoop loop, IoLoop io, InetSocketAddress address,
                                        List<InetSocketAddress> locals) throws IOException {
        SocketChannel c = address.getAddress() instanceof Inet4Address
                ? SocketChannel.open(StandardProtocolFamily.INET)
                : SocketChannel.open();
        try {
            c.configureBlocking(false);
            if (locals != null) bindLocal(c, address, locals);
            return new Connected(c, connect(loop, io, c, address));
        } catch (Throwable t) { // CancelledError included
            closeNow(io, c);
            throw t;
        }
    }

    /** Connects {@code ch} (non-blocking, not yet registered) and returns its key. Suspending. */
    static SelectionKey connect(EventLoop loop, IoLoop io, SocketChannel ch, SocketAddress address) throws IOException {
        if (ch.connect(address)) return io.register(ch, 0, IoLoop.handle(loop, () -> { }));
        Future<Void> done = loop.createFuture();
        Handle h = IoLoop.handle(loop, () -> {
            if (done.done()) return;
            try {
                if (ch.finishConnect()) done.setResult(null);
            } catch (IOException e) {
                done.setException(e);
            }
        });
        SelectionKey key = io.register(ch, SelectionKey.OP_CONNECT, h);
        try {
            Resolver.awaitIo(done);
        } finally {
            h.cancel();
            IoLoop.interest(key, 0);
        }
        return key;
    }

    /** asyncio's local_addr: bind to the first local address of the remote one's family that binds. */
    private static void bindLocal(SocketChannel ch, InetSocketAddress remote, List<InetSocketAddress> locals)
            throws IOException {
        boolean v4 = remote.getAddress() instanceof Inet4Address;
        BindException last = null;
        for (InetSocketAddress local : locals) {
            if ((local.getAddress() instanceof Inet4Address) != v4) continue;
            try {
                ch.bind(local);
                return;
            } catch (IOException e) {
                BindException be = new BindException("error while attempting to bind on address " + local + ": " + e.getMessage());
                be.initCause(e);
                if (last != null) be.addSuppressed(last);
                last = be;
            }
        }
        if (last != null) throw last;
        throw new BindException("no matching local address with family=" + (v4 ? "INET" : "INET6") + " found for " + remote
                + " among " + locals);
    }

    /**
     * Closes a channel that may be registered with the loop's selector and releases its socket
     * at once, not at the loop's next select: a connect given up on must not linger in SYN_SENT.
     */
    private static void closeNow(IoLoop io, SocketChannel ch) {
        Net.closeQuietly(ch);
        if (ch.isRegistered()) io.flushCancelledKeys();
    }
}
