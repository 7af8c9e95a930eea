package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Network servers and connections on the running loop: asyncio's {@code loop.create_server},
 * {@code create_connection}, {@code create_unix_server}, {@code create_unix_connection},
 * {@code create_datagram_endpoint}, {@code start_tls}, {@code sendfile}, {@code getaddrinfo} and
 * {@code getnameinfo}. (The {@code sock_*} operations are in {@link Sockets}.)
 *
 * <pre>{@code
 * Asyncio.run(() -> {
 *     Server server = Net.createServer(Echo::new, "127.0.0.1", 0);
 *     int port = ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
 *     Connection<Client> c = Net.createConnection(Client::new, "127.0.0.1", port);
 *     c.transport().write("hello".getBytes(StandardCharsets.US_ASCII));
 * });
 * }</pre>
 *
 * <p>Every method works on the loop running in the calling thread and must be called from one of
 * its tasks (none is thread-safe). Host names are resolved in the loop's default executor, never on the loop thread;
 * IP literals need no lookup. Static factories rather than {@code EventLoop} methods: the I/O
 * layer sits above the core (DESIGN.md §3) and the loop class stays about scheduling.
 */
public final class Net {
    private Net() {
    }

    // ---- TCP ----

    /** {@link #createServer(Supplier, String, int, ServerOptions)} with the default options. Suspending. */
    public static Server createServer(Supplier<? extends Protocol> protocolFactory, String host, int port) throws IOException {
        return createServer(protocolFactory, host, port, ServerOptions.defaults());
    }

    /**
     * Binds a TCP server on every address of {@code host} and, unless the options say otherwise,
     * starts accepting: each connection gets {@code protocolFactory.get()} and a {@link Transport}.
     * Suspends only to resolve a host name.
     *
     * @param host null or "" for every interface (one dual-stack socket), else a name or IP literal
     * @param port 0 for a free port (read it from {@link Server#port()})
     * @throws BindException            if the address is in use (the message names it)
     * @throws java.net.UnknownHostException if {@code host} does not resolve
     * @throws IllegalArgumentException for a port out of range
     */
    public static Server createServer(Supplier<? extends Protocol> protocolFactory, String host, int port,
                                      ServerOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        EventLoop loop = Asyncio.getRunningLoop();
        List<InetSocketAddress> addresses = Resolver.resolve(loop, host == null || host.isEmpty() ? null : host, port);
        List<ServerSocketChannel> channels = new ArrayList<>();
        try {
            for (InetSocketAddress address : addresses) {
                ServerSocketChannel ch = address.getAddress() instanceof Inet4Address
                        ? ServerSocketChannel.open(StandardProtocolFamily.INET)
                        : ServerSocketChannel.open();
                channels.add(ch);
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
                if (options.reusePort()) ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                bind(ch, address, options.backlog());
            }
            return serve(loop, protocolFactory, channels, options, null);
        } catch (IOException | RuntimeException | Error e) {
            closeAll(channels);
            throw e;
        }
    }

    /**
     * Connects to {@code host}:{@code port}, trying its addresses in order, and returns once the
     * protocol was told {@link Protocol#connectionMade}: {@link #createConnection(Supplier, String,
     * int, ConnectOptions)} with the default options. Suspending.
     *
     * <pre>{@code
     * Connection<Client> c = Net.createConnection(Client::new, "localhost", 8888);
     * }</pre>
     *
     * @throws java.net.ConnectException     if every address refused (the others are suppressed)
     * @throws java.net.UnknownHostException if {@code host} does not resolve
     */
    public static <P extends Protocol> Connection<P> createConnection(Supplier<P> protocolFactory, String host, int port)
            throws IOException {
        return createConnection(protocolFactory, host, port, ConnectOptions.defaults());
    }

    /**
     * {@link #createConnection(Supplier, String, int)} with TLS when {@code tls} is not null:
     * {@link #createConnection(Supplier, String, int, ConnectOptions)} with
     * {@link ConnectOptions#withTls}. Suspending.
     *
     * <pre>{@code
     * Connection<Client> c = Net.createConnection(Client::new, "example.org", 443, TlsOptions.of(SSLContext.getDefault()));
     * }</pre>
     *
     * @throws javax.net.ssl.SSLHandshakeException if the handshake fails or times out
     */
    public static <P extends Protocol> Connection<P> createConnection(Supplier<P> protocolFactory, String host, int port,
                                                                    TlsOptions tls) throws IOException {
        return createConnection(protocolFactory, host, port, ConnectOptions.defaults().withTls(tls));
    }

    /**
     * {@link #createConnection(Supplier, String, int, TlsOptions)} (with {@code tls} null for plain
     * TCP) from a given local address: {@link #createConnection(Supplier, String, int, ConnectOptions)}
     * with {@link ConnectOptions#withTls} and {@link ConnectOptions#withLocalAddress}. Suspending.
     *
     * <pre>{@code
     * Connection<Client> c = Net.createConnection(Client::new, "localhost", 8888, null, new InetSocketAddress("127.0.0.2", 0));
     * }</pre>
     *
     * @param localAddress null to let the system choose
     * @throws BindException if no local address of the remote one's family could be bound
     */
    public static <P extends Protocol> Connection<P> createConnection(Supplier<P> protocolFactory, String host, int port,
                                                                    TlsOptions tls, InetSocketAddress localAddress)
            throws IOException {
        return createConnection(protocolFactory, host, port,
                ConnectOptions.defaults().withTls(tls).withLocalAddress(localAddress));
    }

    /**
     * Connects to {@code host}:{@code port} and returns once the protocol was told
     * {@link Protocol#connectionMade}: asyncio's {@code loop.create_connection}. Suspending.
     *
     * <pre>{@code
     * ConnectOptions opts = ConnectOptions.defaults().withHappyEyeballsDelay(Duration.ofMillis(250));
     * Connection<Client> c = Net.createConnection(Client::new, "example.org", 80, opts);
     * }</pre>
     *
     * <p><b>Addresses.</b> The host's addresses are resolved off the loop and, with
     * {@link ConnectOptions#interleave()}, reordered so that families alternate. Without a happy
     * eyeballs delay they are tried one after another until one connects. With one, they are
     * tried as RFC 8305 says (asyncio's {@code staggered_race}): the next address is tried when
     * the last attempt has not connected within the delay, or as soon as it fails; attempts run
     * side by side and the first to connect wins. The others are then cancelled and their sockets
     * closed before this returns; cancelling the calling task likewise cancels every attempt and
     * closes every socket. Only the TCP connect is raced or retried: TLS is negotiated on the
     * winning socket alone, and a failing handshake is not retried on another address.
     *
     * <p><b>TLS.</b> With {@link ConnectOptions#tls()}, returns once the handshake is done, with
     * a transport that encrypts. The server name sent (SNI) and checked against the certificate
     * is {@code tls.serverHostname()}, else {@code host}.
     *
     * <p><b>Local address.</b> With {@link ConnectOptions#localAddress()} (asyncio's
     * {@code local_addr}), each socket is bound before it connects, to one of the local address's
     * addresses of the remote one's family (an unresolved one is resolved off the loop; port 0
     * picks a free port).
     *
     * @throws java.net.ConnectException          if every address refused (the others are suppressed)
     * @throws java.net.UnknownHostException      if {@code host} does not resolve
     * @throws BindException                      if no local address of the remote one's family
     *                                            could be bound (for every remote address; the
     *                                            others are suppressed)
     * @throws javax.net.ssl.SSLHandshakeException if the handshake fails or times out
     */
    public static <P extends Protocol> Connection<P> createConnection(Supplier<P> protocolFactory, String host, int port,
                                                                    ConnectOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(options, "options");
        return connectTo(protocolFactory, host, port, Resolver.resolve(Asyncio.getRunningLoop(), host, port), options);
    }

    /**
     * {@link #createConnection(Supplier, String, int, ConnectOptions)} once {@code host} resolved
     * to {@code addresses} (before interleaving): the tests' way to give addresses of their
     * choosing. Suspending.
     */
    static <P extends Protocol> Connection<P> connectTo(Supplier<P> protocolFactory, String host, int port,
                                                        List<InetSocketAddress> addresses, ConnectOptions options)
            throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        IoLoop io = IoLoop.of(loop);
        InetSocketAddress localAddress = options.localAddress();
        List<InetSocketAddress> locals = localAddress == null ? null
                : localAddress.isUnresolved() ? Resolver.resolve(loop, localAddress.getHostString(), localAddress.getPort())
                : List.of(localAddress);
        int interleave = options.effectiveInterleave();
        List<InetSocketAddress> order = interleave > 0 ? Resolver.interleave(addresses, interleave) : addresses;
        Connector.Connected c = Connector.connect(loop, io, order, locals, options.happyEyeballsDelay());
        try {
            return connected(loop, io, c.channel(), c.key(), protocolFactory, options.tls(), host, port);
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(c.channel());
            throw e;
        }
    }

    // ---- sockets made elsewhere (asyncio's sock=) ----

    /**
     * Serves on a listening socket made elsewhere: asyncio's {@code create_server(sock=...)} and
     * {@code create_unix_server(sock=...)}. {@code sock} is a bound TCP or Unix
     * {@link ServerSocketChannel} (for instance one inherited from a supervisor); from this call
     * on the server owns it and closes it when closed (a Unix socket's file is left in place:
     * whoever made it removes it). Whoever bound it chose the backlog and reuse options, so only
     * {@code options.startServing()} and {@code options.tls()} apply. Does not suspend.
     *
     * <pre>{@code
     * ServerSocketChannel sock = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 8888), 1024);
     * Server server = Net.createServer(Echo::new, sock, ServerOptions.defaults());
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code sock} is closed or not bound (it is left as it was)
     */
    public static Server createServer(Supplier<? extends Protocol> protocolFactory, ServerSocketChannel sock,
                                      ServerOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(sock, "sock");
        Objects.requireNonNull(options, "options");
        if (!sock.isOpen()) throw new IllegalArgumentException("the socket is closed: " + sock);
        if (sock.getLocalAddress() == null) throw new IllegalArgumentException("the socket is not bound (listening): " + sock);
        EventLoop loop = Asyncio.getRunningLoop();
        try {
            return serve(loop, protocolFactory, List.of(sock), options, null);
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(sock);
            throw e;
        }
    }

    /**
     * Makes a connection of a socket connected elsewhere: asyncio's
     * {@code create_connection(sock=...)} and {@code create_unix_connection(sock=...)}.
     * {@code sock} is a connected TCP or Unix {@link SocketChannel}, blocking or not; from this
     * call on the transport owns it (it is closed if this fails). With TLS,
     * {@code tls.serverHostname()} must be given, as there is no host name to fall back on ("" skips
     * SNI and the hostname check). Returns once the protocol was told
     * {@link Protocol#connectionMade} (after the handshake with TLS). Suspending.
     *
     * @param tls null for a plain connection
     * @throws IllegalArgumentException if {@code sock} is closed or not connected, or {@code tls}
     *                                  has no server hostname ({@code sock} is left as it was)
     */
    public static <P extends Protocol> Connection<P> createConnection(Supplier<P> protocolFactory, SocketChannel sock,
                                                                    TlsOptions tls) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(sock, "sock");
        if (!sock.isOpen()) throw new IllegalArgumentException("the socket is closed: " + sock);
        if (!sock.isConnected()) throw new IllegalArgumentException("the socket is not connected: " + sock);
        if (tls != null && tls.serverHostname() == null) {
            throw new IllegalArgumentException("you have to pass serverHostname when using TLS without a host"
                    + " (\"\" to skip the hostname check)");
        }
        EventLoop loop = Asyncio.getRunningLoop();
        try {
            sock.configureBlocking(false);
            int port = sock.getRemoteAddress() instanceof InetSocketAddress inet ? inet.getPort() : 0;
            return connected(loop, IoLoop.of(loop), sock, null, protocolFactory, tls, null, port);
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(sock);
            throw e;
        }
    }

    // ---- Unix domain sockets ----

    /** {@link #createUnixServer(Supplier, Path, ServerOptions)} with the default options. Does not suspend. */
    public static Server createUnixServer(Supplier<? extends Protocol> protocolFactory, Path path) throws IOException {
        return createUnixServer(protocolFactory, path, ServerOptions.defaults());
    }

    /**
     * Serves on the Unix domain socket {@code path}. A stale socket file there is removed first
     * (a regular file is not: that fails with {@link BindException}); closing the server removes
     * the file. {@code reuseAddress} and {@code reusePort} do not apply; {@code tls} does, as over
     * TCP. Does not suspend.
     */
    public static Server createUnixServer(Supplier<? extends Protocol> protocolFactory, Path path, ServerOptions options)
            throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        EventLoop loop = Asyncio.getRunningLoop();
        if (isSocketFile(path)) Files.delete(path);
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            bind(ch, UnixDomainSocketAddress.of(path), options.backlog());
            return serve(loop, protocolFactory, List.of(ch), options, path);
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /** Connects to the Unix domain socket {@code path}. Suspending. */
    public static <P extends Protocol> Connection<P> createUnixConnection(Supplier<P> protocolFactory, Path path)
            throws IOException {
        return createUnixConnection(protocolFactory, path, null);
    }

    /**
     * {@link #createUnixConnection(Supplier, Path)} with TLS when {@code tls} is not null: returns
     * once the handshake is done. As in asyncio, a Unix socket has no host name to fall back on,
     * so {@code tls.serverHostname()} must be given: the name sent (SNI) and checked against the
     * server's certificate, or "" to turn both off. (A TLS Unix server is
     * {@link #createUnixServer(Supplier, Path, ServerOptions)} with {@link ServerOptions#withTls}.)
     * Suspending.
     *
     * @throws IllegalArgumentException if {@code tls} has no server hostname
     * @throws javax.net.ssl.SSLHandshakeException if the handshake fails or times out
     */
    public static <P extends Protocol> Connection<P> createUnixConnection(Supplier<P> protocolFactory, Path path,
                                                                        TlsOptions tls) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(path, "path");
        if (tls != null && tls.serverHostname() == null) {
            throw new IllegalArgumentException("you have to pass serverHostname when using TLS over a Unix socket"
                    + " (\"\" to skip the hostname check)");
        }
        EventLoop loop = Asyncio.getRunningLoop();
        IoLoop io = IoLoop.of(loop);
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.configureBlocking(false);
            SelectionKey key = Connector.connect(loop, io, ch, UnixDomainSocketAddress.of(path));
            return connected(loop, io, ch, key, protocolFactory, tls, null, 0);
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(ch);
            throw e;
        }
    }

    // ---- sendfile ----

    /**
     * Sends {@code count} bytes of {@code file} from {@code offset} over a connection: asyncio's
     * {@code loop.sendfile}. Returns the bytes sent, fewer only when the file ends. The file's
     * position is not used or changed. Suspending.
     *
     * <p>On a plain TCP or Unix transport the copy is zero-copy ({@link FileChannel#transferTo},
     * i.e. {@code sendfile(2)} on Linux): it waits for the write buffer to drain first, and the
     * transport refuses writes and pauses reading until this returns. Any other transport (TLS, whose bytes must be
     * encrypted) gets asyncio's fallback: the file is read in 16 KiB chunks in the default
     * executor and written to the transport, suspending whenever the write buffer passes the
     * high-water mark until it drains to the low one, so memory stays bounded. Meanwhile reading
     * is paused and the protocol is not told of {@code pauseWriting}/{@code resumeWriting} (it is
     * told afterwards if the paused state changed).
     *
     * @throws IllegalStateException if the transport is closing or another zero-copy sendfile runs
     * @throws IOException           if the connection is lost meanwhile, or reading the file fails
     */
    public static long sendfile(Transport transport, FileChannel file, long offset, long count) throws IOException {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(file, "file");
        EventLoop loop = Asyncio.getRunningLoop();
        if (transport instanceof StreamTransport raw) return raw.sendfile(file, offset, count);
        return SendfileFallback.send(loop, transport, file, offset, count);
    }

    // ---- TLS upgrade ----

    /**
     * Upgrades an open plain connection to TLS (STARTTLS): asyncio's {@code loop.start_tls}.
     * From now on {@code protocol} receives the connection's decrypted events through the returned
     * transport; {@code transport} must no longer be used. Returns once the handshake is done.
     * As in asyncio, {@code protocol} is not told {@code connectionMade} again (it is normally the
     * protocol already connected): it takes the TLS transport from the return value, and may hear
     * {@code dataReceived} before this returns. Data the peer sent before the upgrade stays with the old protocol, which may pause reading
     * to keep the handshake from reaching it; reading resumes here. Suspending.
     *
     * @param serverSide true to act as the TLS server
     * @throws IllegalArgumentException if {@code transport} is not a plain TCP or Unix transport
     * @throws javax.net.ssl.SSLHandshakeException if the handshake fails or times out (the
     *                                             connection is then aborted)
     */
    public static Transport startTls(Transport transport, Protocol protocol, TlsOptions tls, boolean serverSide)
            throws IOException {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(tls, "tls");
        if (!(transport instanceof StreamTransport raw)) {
            throw new IllegalArgumentException("startTls needs a plain TCP or Unix transport, not " + transport);
        }
        if (raw.isClosing()) throw new IllegalStateException("the transport is closing: " + raw);
        EventLoop loop = Asyncio.getRunningLoop();
        String host = null;
        int port = 0;
        if (raw.getExtraInfo("peername") instanceof InetSocketAddress peer) {
            host = peer.getHostString();
            port = peer.getPort();
        }
        Future<Void> waiter = loop.createFuture();
        TlsProtocol tlsProtocol = new TlsProtocol(loop, tls, serverSide, host, port, protocol, waiter, false);
        // As asyncio: reading resumes under the new protocol even if the old one had paused it.
        raw.pauseReading();
        raw.setProtocol(tlsProtocol);
        tlsProtocol.connectionMade(raw);
        raw.resumeReading();
        try {
            Resolver.awaitIo(waiter);
        } catch (Throwable t) {
            raw.abort();
            throw t;
        }
        return tlsProtocol.appTransport;
    }

    // ---- UDP ----

    /**
     * Opens a UDP endpoint: bound to {@code localAddress} (null: an ephemeral port on every
     * interface) and, when {@code remoteAddress} is given, connected to it, so that
     * {@link DatagramTransport#sendto(java.nio.ByteBuffer)} needs no address and only the peer's
     * datagrams arrive. Unresolved addresses ({@link InetSocketAddress#createUnresolved}) are
     * resolved off the loop. Suspending.
     *
     * @throws BindException if the local address is in use
     */
    public static <P extends DatagramProtocol> DatagramEndpoint<P> createDatagramEndpoint(
            Supplier<P> protocolFactory, InetSocketAddress localAddress, InetSocketAddress remoteAddress) throws IOException {
        return createDatagramEndpoint(protocolFactory, localAddress, remoteAddress, DatagramOptions.defaults());
    }

    /** {@link #createDatagramEndpoint(Supplier, InetSocketAddress, InetSocketAddress)} with socket options. Suspending. */
    public static <P extends DatagramProtocol> DatagramEndpoint<P> createDatagramEndpoint(
            Supplier<P> protocolFactory, InetSocketAddress localAddress, InetSocketAddress remoteAddress,
            DatagramOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        if (localAddress == null && remoteAddress == null) {
            throw new IllegalArgumentException("give a local address, a remote address or both");
        }
        EventLoop loop = Asyncio.getRunningLoop();
        InetSocketAddress local = resolved(loop, localAddress);
        InetSocketAddress remote = resolved(loop, remoteAddress);
        boolean v4 = (local != null ? local : remote).getAddress() instanceof Inet4Address;
        DatagramChannel ch = v4 ? DatagramChannel.open(StandardProtocolFamily.INET) : DatagramChannel.open();
        try {
            ch.configureBlocking(false);
            if (options.reuseAddress()) ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (options.reusePort()) ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            if (options.allowBroadcast()) ch.setOption(StandardSocketOptions.SO_BROADCAST, true);
            if (local != null) {
                try {
                    ch.bind(local);
                } catch (IOException e) {
                    BindException be = new BindException("error while attempting to bind on address " + local + ": " + e.getMessage());
                    be.initCause(e);
                    throw be;
                }
            }
            if (remote != null) ch.connect(remote);
            P protocol = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
            Future<Void> waiter = loop.createFuture();
            UdpTransport transport = new UdpTransport(loop, IoLoop.of(loop), ch, protocol, waiter);
            try {
                waiter.await();
            } catch (Throwable t) {
                transport.abort();
                throw t;
            }
            return new DatagramEndpoint<>(transport, protocol);
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static InetSocketAddress resolved(EventLoop loop, InetSocketAddress a) throws IOException {
        if (a == null || !a.isUnresolved()) return a;
        return Resolver.resolve(loop, a.getHostString(), a.getPort()).get(0);
    }

    // ---- name resolution ----

    /**
     * The socket addresses of {@code host}, resolved in the default executor (asyncio's
     * {@code getaddrinfo}). Suspending.
     *
     * @throws java.net.UnknownHostException if it does not resolve
     */
    public static List<InetSocketAddress> getaddrinfo(String host, int port) throws IOException {
        Objects.requireNonNull(host, "host");
        return Resolver.resolve(Asyncio.getRunningLoop(), host, port);
    }

    /**
     * The host name of {@code address} by reverse lookup, or its IP literal when there is none
     * (asyncio's {@code getnameinfo}). Suspending.
     */
    public static String getnameinfo(InetAddress address) throws IOException {
        Objects.requireNonNull(address, "address");
        return Resolver.nameOf(Asyncio.getRunningLoop(), address);
    }

    // ---- shared steps ----

    /** Wraps a freshly connected channel in a transport (and TLS) and waits for connectionMade. */
    private static <P extends Protocol> Connection<P> connected(EventLoop loop, IoLoop io, SocketChannel ch, SelectionKey key,
                                                              Supplier<P> protocolFactory, TlsOptions tls,
                                                              String host, int port) throws IOException {
        P protocol = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
        Future<Void> waiter = loop.createFuture();
        TlsProtocol tlsProtocol = tls == null ? null : new TlsProtocol(loop, tls, false, host, port, protocol, waiter, true);
        StreamTransport transport = new StreamTransport(loop, io, ch, key, tlsProtocol != null ? tlsProtocol : protocol,
                null, tlsProtocol != null ? null : waiter);
        try {
            Resolver.awaitIo(waiter);
        } catch (Throwable t) {
            transport.abort();
            throw t;
        }
        return new Connection<>(tlsProtocol != null ? tlsProtocol.appTransport : transport, protocol);
    }

    private static Server serve(EventLoop loop, Supplier<? extends Protocol> protocolFactory,
                                List<ServerSocketChannel> channels, ServerOptions options, Path unixPath) throws IOException {
        for (ServerSocketChannel ch : channels) ch.configureBlocking(false);
        Server server = new Server(loop, IoLoop.of(loop), protocolFactory, channels, options.backlog(), options.tls(), unixPath);
        if (options.startServing()) server.startServing();
        return server;
    }

    private static void bind(ServerSocketChannel ch, SocketAddress address, int backlog) throws IOException {
        try {
            ch.bind(address, backlog);
        } catch (IOException e) {
            BindException be = new BindException("error while attempting to bind on address " + address + ": " + e.getMessage());
            be.initCause(e);
            throw be;
        }
    }

    private static boolean isSocketFile(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == 0140000;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static void closeAll(List<? extends java.nio.channels.Channel> channels) {
        for (java.nio.channels.Channel ch : channels) closeQuietly(ch);
    }

    static void closeQuietly(java.nio.channels.Channel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing after a failure; the failure is what the caller hears about
        }
    }
}
