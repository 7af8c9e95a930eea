package io.jasyncio.net;

/**
 * How {@link Net#createServer} binds and starts a server; asyncio's keyword arguments of
 * {@code create_server}. Immutable: each {@code with} method returns a copy.
 *
 * <pre>{@code
 * ServerOptions opts = ServerOptions.defaults().withReusePort(true).withBacklog(1024)
 *         .withTls(TlsOptions.of(serverSslContext));
 * Server server = Net.createServer(Echo::new, "127.0.0.1", 8888, opts);
 * }</pre>
 *
 * <p>A value: its methods never suspend and may be called from any thread.
 *
 * @param backlog      the listen queue length (asyncio's default 100)
 * @param reuseAddress {@code SO_REUSEADDR}: rebind a port whose old connections linger in
 *                     TIME_WAIT (default true, as asyncio on POSIX)
 * @param reusePort    {@code SO_REUSEPORT}: several sockets, e.g. one per loop and core, share
 *                     the port and the kernel spreads connections among them (default false)
 * @param startServing accept connections at once (default true); false waits for
 *                     {@link Server#startServing()} (the socket listens meanwhile, so the kernel
 *                     queues up to {@code backlog} connections)
 * @param tls          TLS for every connection, or null for plain TCP (default)
 */
public record ServerOptions(int backlog, boolean reuseAddress, boolean reusePort, boolean startServing, TlsOptions tls) {
    private static final ServerOptions DEFAULTS = new ServerOptions(100, true, false, true, null);

    /**
     * @throws IllegalArgumentException if {@code backlog} is negative
     */
    public ServerOptions {
        if (backlog < 0) throw new IllegalArgumentException("backlog must be >= 0: " + backlog);
    }

    /** Backlog 100, {@code SO_REUSEADDR}, no {@code SO_REUSEPORT}, start serving at once, no TLS. */
    public static ServerOptions defaults() {
        return DEFAULTS;
    }

    public ServerOptions withBacklog(int backlog) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, tls);
    }

    public ServerOptions withReuseAddress(boolean reuseAddress) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, tls);
    }

    public ServerOptions withReusePort(boolean reusePort) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, tls);
    }

    public ServerOptions withStartServing(boolean startServing) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, tls);
    }

    /** Serve TLS ({@code tls.serverHostname()} is ignored on a server); null for plain TCP. */
    public ServerOptions withTls(TlsOptions tls) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, tls);
    }
}
