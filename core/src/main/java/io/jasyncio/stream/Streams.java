package io.jasyncio.stream;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.net.ConnectOptions;
import io.jasyncio.net.Connection;
import io.jasyncio.net.Net;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.TlsOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The entry point of streams: asyncio's {@code open_connection}, {@code start_server},
 * {@code open_unix_connection} and {@code start_unix_server}. A connection is a
 * {@link StreamReader} and a {@link StreamWriter}, read and written with plain sequential code
 * inside tasks.
 *
 * <pre>{@code
 * Asyncio.run(() -> {
 *     try (Server server = Streams.startServer((reader, writer) -> {
 *              String line;
 *              while ((line = reader.readTextLine(UTF_8)) != null) {
 *                  writer.write(line.toUpperCase() + "\n");   // echo each line, upper-cased
 *                  writer.drain();
 *              }
 *              writer.close();
 *          }, "127.0.0.1", 0);
 *          StreamPair conn = Streams.openConnection("127.0.0.1", server.port())) {
 *         conn.writer().write("hello\n");
 *         System.out.println(conn.reader().readTextLine(UTF_8));   // HELLO
 *     }   // closes the connection, then the server; neither close() suspends
 * });
 * }</pre>
 *
 * <p>Failures follow the library's one rule (see the {@linkplain io.jasyncio package
 * documentation}): connecting and binding throw {@link java.net.ConnectException},
 * {@link java.net.BindException} and the other {@link IOException}s themselves, never wrapped,
 * so {@code catch (BindException e)} around {@code startServer} works inside any task.
 *
 * <p>Every method works on the loop running in the calling thread and must be called from one of
 * its tasks. {@code limit} is each reader's line and buffer limit (see {@link StreamReader});
 * TLS comes from {@link TlsOptions} as for {@link Net}. These are static methods of their own
 * class, not of {@link Asyncio}: streams are a layer above the core (DESIGN.md §3).
 */
public final class Streams {
    /** The default {@code limit}: 64 KiB, as asyncio. */
    public static final int DEFAULT_LIMIT = 64 * 1024;

    private Streams() {
    }

    /** {@link #openConnection(String, int, TlsOptions, int)} over plain TCP with the default limit. Suspending. */
    public static StreamPair openConnection(String host, int port) throws IOException {
        return openConnection(host, port, ConnectOptions.defaults(), DEFAULT_LIMIT);
    }

    /** {@link #openConnection(String, int, TlsOptions, int)} with the default limit. Suspending. */
    public static StreamPair openConnection(String host, int port, TlsOptions tls) throws IOException {
        return openConnection(host, port, tls, DEFAULT_LIMIT);
    }

    /**
     * Connects to {@code host}:{@code port} (as {@link Net#createConnection}: every address in
     * turn, names resolved off the loop) and returns its reader and writer:
     * {@link #openConnection(String, int, ConnectOptions, int)} with {@link ConnectOptions#withTls}.
     * Suspending.
     *
     * @param tls   TLS, or null for plain TCP; returns after the handshake
     * @param limit the reader's limit
     * @throws IllegalArgumentException if {@code limit <= 0} ({@code "Limit cannot be <= 0"})
     * @throws java.net.ConnectException     if every address refused
     * @throws java.net.UnknownHostException if {@code host} does not resolve
     */
    public static StreamPair openConnection(String host, int port, TlsOptions tls, int limit) throws IOException {
        checkLimit(limit);
        return openConnection(host, port, ConnectOptions.defaults().withTls(tls), limit);
    }

    /** {@link #openConnection(String, int, ConnectOptions, int)} with the default limit. Suspending. */
    public static StreamPair openConnection(String host, int port, ConnectOptions options) throws IOException {
        return openConnection(host, port, options, DEFAULT_LIMIT);
    }

    /**
     * Connects to {@code host}:{@code port} as {@link Net#createConnection(java.util.function.Supplier,
     * String, int, ConnectOptions)} does — TLS, local address, Happy Eyeballs (RFC 8305) and
     * address interleaving all come from {@code options} — and returns its reader and writer.
     * Suspending; cancelling the calling task cancels every connection attempt and closes its
     * socket.
     *
     * <pre>{@code
     * ConnectOptions opts = ConnectOptions.defaults().withHappyEyeballs().withLocalAddress(new InetSocketAddress("10.0.0.2", 0));
     * try (StreamPair conn = Streams.openConnection("example.org", 80, opts)) { ... }
     * }</pre>
     *
     * @param limit the reader's limit
     * @throws IllegalArgumentException      if {@code limit <= 0} ({@code "Limit cannot be <= 0"})
     * @throws java.net.ConnectException     if every address refused
     * @throws java.net.UnknownHostException if {@code host} does not resolve
     * @throws java.net.BindException        if the local address could not be bound
     */
    public static StreamPair openConnection(String host, int port, ConnectOptions options, int limit) throws IOException {
        checkLimit(limit);
        Objects.requireNonNull(options, "options");
        EventLoop loop = Asyncio.getRunningLoop();
        StreamReader reader = new StreamReader(limit, loop);
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader, null, loop);
        Connection<StreamReaderProtocol> c = Net.createConnection(() -> protocol, host, port, options);
        return new StreamPair(reader, new StreamWriter(c.transport(), protocol, reader));
    }

    /** {@link #openUnixConnection(Path, int)} with the default limit. Suspending. */
    public static StreamPair openUnixConnection(Path path) throws IOException {
        return openUnixConnection(path, DEFAULT_LIMIT);
    }

    /**
     * Connects to the Unix domain socket {@code path}. Suspending.
     *
     * @throws IllegalArgumentException if {@code limit <= 0}
     */
    public static StreamPair openUnixConnection(Path path, int limit) throws IOException {
        checkLimit(limit);
        EventLoop loop = Asyncio.getRunningLoop();
        StreamReader reader = new StreamReader(limit, loop);
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader, null, loop);
        Connection<StreamReaderProtocol> c = Net.createUnixConnection(() -> protocol, path);
        return new StreamPair(reader, new StreamWriter(c.transport(), protocol, reader));
    }

    /**
     * {@link #startServer(ClientConnected, String, int, ServerOptions, int)} with the default
     * options and limit. Suspends only to resolve a host name.
     */
    public static Server startServer(ClientConnected clientConnected, String host, int port) throws IOException {
        return startServer(clientConnected, host, port, ServerOptions.defaults(), DEFAULT_LIMIT);
    }

    /**
     * {@link #startServer(ClientConnected, String, int, ServerOptions, int)} with the default
     * limit. Suspends only to resolve a host name.
     */
    public static Server startServer(ClientConnected clientConnected, String host, int port, ServerOptions options)
            throws IOException {
        return startServer(clientConnected, host, port, options, DEFAULT_LIMIT);
    }

    /**
     * Starts a TCP server (as {@link Net#createServer}; TLS through {@link ServerOptions#tls()})
     * that runs {@code clientConnected} in a new task for each connection. Suspends only to
     * resolve a host name.
     *
     * @param host null or "" for every interface
     * @param port 0 for a free port (read it from {@link Server#port()})
     * @throws IllegalArgumentException if {@code limit <= 0} (checked now, where asyncio would
     *                                  fail each connection later)
     * @throws java.net.BindException   if the address is in use
     */
    public static Server startServer(ClientConnected clientConnected, String host, int port, ServerOptions options,
                                     int limit) throws IOException {
        Objects.requireNonNull(clientConnected, "clientConnected");
        checkLimit(limit);
        EventLoop loop = Asyncio.getRunningLoop();
        return Net.createServer(() -> new StreamReaderProtocol(new StreamReader(limit, loop), clientConnected, loop),
                host, port, options);
    }

    /**
     * {@link #startUnixServer(ClientConnected, Path, ServerOptions, int)} with the default options
     * and limit. Does not suspend.
     */
    public static Server startUnixServer(ClientConnected clientConnected, Path path) throws IOException {
        return startUnixServer(clientConnected, path, ServerOptions.defaults(), DEFAULT_LIMIT);
    }

    /**
     * Starts a server on the Unix domain socket {@code path} (as {@link Net#createUnixServer}: a
     * stale socket file is replaced, closing removes it). Does not suspend.
     *
     * @throws IllegalArgumentException if {@code limit <= 0}
     */
    public static Server startUnixServer(ClientConnected clientConnected, Path path, ServerOptions options, int limit)
            throws IOException {
        Objects.requireNonNull(clientConnected, "clientConnected");
        checkLimit(limit);
        EventLoop loop = Asyncio.getRunningLoop();
        return Net.createUnixServer(() -> new StreamReaderProtocol(new StreamReader(limit, loop), clientConnected, loop),
                path, options);
    }

    static int checkLimit(int limit) {
        if (limit <= 0) throw new IllegalArgumentException("Limit cannot be <= 0");
        return limit;
    }
}
