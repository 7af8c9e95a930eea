package io.jasyncio.net;

import io.jasyncio.CancelledError;
import io.jasyncio.ErrorContext;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.TimerHandle;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A listening server made by {@link Net#createServer} or {@link Net#createUnixServer}: asyncio's
 * {@code Server}. Each accepted connection gets a protocol from the factory and a transport.
 *
 * <pre>{@code
 * Asyncio.run(() -> {
 *     Server server = Net.createServer(Echo::new, "127.0.0.1", 8888);
 *     server.serveForever();   // suspends until cancelled or server.close()
 * });
 * }</pre>
 *
 * <h2>Life cycle</h2>
 * A server is {@link AutoCloseable}, so a block can own it:
 * <pre>{@code
 * try (Server server = Streams.startServer(handler, "127.0.0.1", 0)) {
 *     System.out.println("listening on port " + server.port());
 *     ...
 * }   // close(): stops listening; it does not wait (call waitClosed() for that)
 * }</pre>
 * {@link #close()} (asyncio's {@code close()}) stops listening at once and leaves the open connections alone;
 * {@link #waitClosed()} returns once the server is closed and its last connection is gone;
 * {@link #closeClients()} and {@link #abortClients()} end those connections (asyncio 3.13).
 *
 * <h2>Threads</h2>
 * Not thread-safe: call on the loop thread. {@link #serveForever()} and {@link #waitClosed()}
 * suspend the calling task; nothing else does.
 */
public final class Server implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.jasyncio.net");
    /** asyncio's ACCEPT_RETRY_DELAY: pause accepting after running out of file descriptors. */
    private static final Duration ACCEPT_RETRY_DELAY = Duration.ofSeconds(1);

    private final EventLoop loop;
    private final IoLoop io;
    private final Supplier<? extends Protocol> protocolFactory;
    private final int backlog;
    /** TLS for accepted connections, or null. */
    private final TlsOptions tls;
    /** The listening sockets; null once closed. */
    private List<ServerSocketChannel> sockets;
    /** Where the first socket listens, read once when made: {@link #address()} still answers after close. */
    private final SocketAddress address;
    private final List<SelectionKey> keys = new ArrayList<>();
    /** A Unix socket file to remove on close, or null. */
    private final Path unixPath;
    private boolean serving;
    private TimerHandle acceptRetry;
    /**
     * The transports made for this server whose connectionLost has not run (invariant), oldest
     * first, linked through their own {@code prevClient}/{@code nextClient} fields: 8 bytes per
     * connection instead of a LinkedHashSet entry (40) and its share of the table (~6).
     */
    private StreamTransport firstClient;
    private StreamTransport lastClient;
    /** Tasks in waitClosed(); null once the server is closed and has no connection left. */
    private List<Future<Void>> waiters = new ArrayList<>();
    private Future<Void> servingForever;

    Server(EventLoop loop, IoLoop io, Supplier<? extends Protocol> protocolFactory, List<ServerSocketChannel> sockets,
           int backlog, TlsOptions tls, Path unixPath) {
        this.loop = loop;
        this.io = io;
        this.protocolFactory = protocolFactory;
        this.sockets = List.copyOf(sockets);
        this.address = localAddress(this.sockets.get(0));
        this.backlog = backlog;
        this.tls = tls;
        this.unixPath = unixPath;
    }

    /** The loop this server accepts on. */
    public EventLoop getLoop() {
        return loop;
    }

    /**
     * The listening sockets (one per bound address), empty once closed. Read their addresses
     * ({@code getLocalAddress()}); do not accept on or close them.
     */
    public List<ServerSocketChannel> sockets() {
        return sockets == null ? List.of() : sockets;
    }

    /**
     * The address the server listens on: its first listening socket's, with the port the system
     * chose when port 0 was asked for (for a host with several addresses, {@link #sockets()}
     * lists each one). It stays readable after {@link #close()}. Does not suspend; no I/O.
     *
     * <pre>{@code
     * Server server = Streams.startServer(handler, "127.0.0.1", 0);
     * StreamPair conn = Streams.openConnection("127.0.0.1", server.port());
     * }</pre>
     *
     * @return an {@link InetSocketAddress} for TCP, a {@link java.net.UnixDomainSocketAddress} for a Unix server
     */
    public SocketAddress address() {
        return address;
    }

    /**
     * The TCP port the server listens on (see {@link #address()}). Does not suspend; no I/O.
     *
     * @throws IllegalStateException for a Unix domain socket server, which has no port
     */
    public int port() {
        if (address instanceof InetSocketAddress inet) return inet.getPort();
        throw new IllegalStateException("server " + this + " listens on " + address
                + ", which has no port (a Unix domain socket): use address()");
    }

    private static SocketAddress localAddress(ServerSocketChannel ch) {
        try {
            return ch.getLocalAddress();
        } catch (IOException e) {
            // Net bound or checked every socket just before; only a socket closed under us gets here.
            throw new IllegalStateException("cannot read the address of listening socket " + ch + ": " + e, e);
        }
    }

    /** Whether the server accepts connections: started and not closed. */
    public boolean isServing() {
        return serving;
    }

    /**
     * Starts accepting connections; idempotent. Needed only after
     * {@link ServerOptions#withStartServing(boolean) withStartServing(false)}. Does not suspend.
     *
     * @throws IOException if a socket cannot be registered with the loop
     */
    public void startServing() throws IOException {
        if (serving || sockets == null) return;
        serving = true;
        for (ServerSocketChannel ch : sockets) {
            keys.add(io.register(ch, SelectionKey.OP_ACCEPT, IoLoop.handle(loop, () -> acceptReady(ch))));
        }
    }

    /**
     * Serves until the calling task is cancelled or the server is closed, then closes the server
     * and waits for its connections to finish (asyncio's {@code serve_forever}). Suspending.
     *
     * @throws CancelledError        always, in the end: that is how it stops
     * @throws IllegalStateException if the server is closed or another task serves it forever
     * @throws IOException           if serving cannot start
     */
    public void serveForever() throws IOException {
        if (servingForever != null) throw new IllegalStateException("server " + this + " is already being awaited on serveForever()");
        if (sockets == null) throw new IllegalStateException("server " + this + " is closed");
        startServing();
        servingForever = loop.createFuture();
        try {
            servingForever.await();
        } catch (CancelledError e) {
            close();
            waitClosed();
            throw e;
        } finally {
            servingForever = null;
        }
    }

    /**
     * Stops listening: closes the listening sockets, so new connections are refused. Connections
     * already accepted stay open (see {@link #closeClients()}). asyncio's {@code close()}:
     * idempotent, does not suspend; {@link #waitClosed()} waits for the connections to end. Call
     * it on the loop thread (this is what a try-with-resources block calls at its end).
     */
    @Override
    public void close() {
        List<ServerSocketChannel> socks = sockets;
        if (socks == null) return;
        sockets = null;
        serving = false;
        if (acceptRetry != null) acceptRetry.cancel();
        for (SelectionKey k : keys) k.cancel();
        keys.clear();
        io.flushCancelledKeys();
        for (ServerSocketChannel ch : socks) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "closing a listening socket failed", e);
            }
        }
        if (unixPath != null) {
            try {
                Files.deleteIfExists(unixPath);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "could not remove the Unix socket file " + unixPath, e);
            }
        }
        if (servingForever != null && !servingForever.done()) servingForever.cancel();
        if (firstClient == null) wakeup();
    }

    /** Closes every connection of this server (their buffered data is still sent; TLS ones say close_notify). */
    public void closeClients() {
        for (StreamTransport t : clients()) {
            if (t.getProtocol() instanceof TlsProtocol tls) tls.appTransport.close();
            else t.close();
        }
    }

    /** Aborts every connection of this server, dropping buffered data. */
    public void abortClients() {
        for (StreamTransport t : clients()) t.abort();
    }

    /**
     * Waits until the server is closed and its last connection has lost its connection. Returns at
     * once if that already happened. Suspending.
     */
    public void waitClosed() {
        if (waiters == null) return;
        Future<Void> w = loop.createFuture();
        waiters.add(w);
        w.await();
    }

    private void wakeup() {
        List<Future<Void>> ws = waiters;
        waiters = null;
        if (ws == null) return;
        for (Future<Void> w : ws) {
            if (!w.done()) w.setResult(null);
        }
    }

    /** A copy of the connections, oldest first: closing one may detach it while we go through them. */
    private List<StreamTransport> clients() {
        List<StreamTransport> all = new ArrayList<>();
        for (StreamTransport t = firstClient; t != null; t = t.nextClient) all.add(t);
        return all;
    }

    void attach(StreamTransport t) {
        t.prevClient = lastClient;
        t.nextClient = null;
        if (lastClient == null) firstClient = t;
        else lastClient.nextClient = t;
        lastClient = t;
    }

    /** Leaves the list; a second call for the same transport does nothing. */
    void detach(StreamTransport t) {
        if (t.prevClient == null && firstClient != t) return;
        StreamTransport prev = t.prevClient;
        StreamTransport next = t.nextClient;
        if (prev == null) firstClient = next;
        else prev.nextClient = next;
        if (next == null) lastClient = prev;
        else next.prevClient = prev;
        t.prevClient = null;
        t.nextClient = null;
        if (firstClient == null && sockets == null) wakeup();
    }

    /** Accepts up to {@code backlog} pending connections per readiness event, like asyncio. */
    private void acceptReady(ServerSocketChannel listener) {
        for (int i = 0; i < Math.max(1, backlog) && serving; i++) {
            SocketChannel ch;
            try {
                ch = listener.accept();
            } catch (IOException e) {
                // Out of file descriptors and the like: pause accepting, retry later.
                loop.callExceptionHandler(new ErrorContext("socket.accept() failed: " + e.getMessage()
                        + "; the server stops accepting for " + ACCEPT_RETRY_DELAY.toMillis() + " ms (" + this + ")",
                        e, null, null, null, null, listener));
                pauseAccepting();
                return;
            }
            if (ch == null) return;
            accepted(ch);
        }
    }

    private void accepted(SocketChannel ch) {
        Protocol protocol = null;
        try {
            ch.configureBlocking(false);
            protocol = protocolFactory.get();
            if (tls != null) protocol = new TlsProtocol(loop, tls, true, null, 0, protocol, null, true);
            new StreamTransport(loop, io, ch, null, protocol, this, null);
        } catch (Throwable t) {
            // Closed first, also when the error is fatal and leaves the loop: nothing else
            // holds the accepted socket yet.
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing
            }
            SelectorTransport.rethrowIfFatal(t);
            loop.callExceptionHandler(new ErrorContext("Error on transport creation for incoming connection (" + this + ")",
                    t, null, null, null, protocol, ch));
        }
    }

    /** The pending retry after an accept failure, or null (for tests: close() must cancel it). */
    TimerHandle acceptRetryTimer() {
        return acceptRetry;
    }

    private void pauseAccepting() {
        for (SelectionKey k : keys) IoLoop.interest(k, 0);
        acceptRetry = loop.callLater(ACCEPT_RETRY_DELAY, () -> {
            acceptRetry = null;
            if (serving) {
                for (SelectionKey k : keys) IoLoop.interest(k, SelectionKey.OP_ACCEPT);
            }
        });
    }

    @Override
    public String toString() {
        List<String> addrs = new ArrayList<>();
        for (ServerSocketChannel ch : sockets()) {
            try {
                addrs.add(String.valueOf(ch.getLocalAddress()));
            } catch (IOException e) {
                addrs.add("?");
            }
        }
        return "Server[" + (sockets == null ? "closed" : serving ? "serving" : "not serving") + " " + addrs
                + ", " + clients().size() + " connections]";
    }
}
