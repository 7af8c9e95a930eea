package io.jasyncio.net;

import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * TLS for a server, a connection or {@link Net#startTls}: asyncio's {@code ssl},
 * {@code server_hostname}, {@code ssl_handshake_timeout} and {@code ssl_shutdown_timeout}.
 * Immutable.
 *
 * <pre>{@code
 * SSLContext ctx = SSLContext.getDefault();
 * Connection<Client> c = Net.createConnection(Client::new, "example.org", 443, TlsOptions.of(ctx));
 * X509Certificate cert = (X509Certificate) c.transport().getExtraInfo("peercert");
 * }</pre>
 *
 * <p>A value: its methods never suspend and may be called from any thread.
 *
 * @param context          the JDK TLS context (keys for a server, trust for a client)
 * @param serverHostname   client side: the name sent as SNI and checked against the server's
 *                         certificate; null means the host connected to, "" turns both off
 * @param handshakeTimeout how long the handshake may take before the connection is aborted
 *                         (asyncio's default 60 s)
 * @param shutdownTimeout  how long closing may take (our close_notify sent, the peer's
 *                         received) before the connection is aborted and the protocol's
 *                         {@code connectionLost} gets a {@code TimeoutError} (asyncio's default 30 s)
 */
public record TlsOptions(SSLContext context, String serverHostname, Duration handshakeTimeout, Duration shutdownTimeout) {
    /** asyncio's SSL_HANDSHAKE_TIMEOUT. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(60);
    /** asyncio's SSL_SHUTDOWN_TIMEOUT. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

    /**
     * @throws IllegalArgumentException if a timeout is not positive
     */
    public TlsOptions {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive: " + handshakeTimeout);
        }
        if (shutdownTimeout.isNegative() || shutdownTimeout.isZero()) {
            throw new IllegalArgumentException("shutdownTimeout must be positive: " + shutdownTimeout);
        }
    }

    /** TLS with {@code context}, the host as server name, and asyncio's default timeouts. */
    public static TlsOptions of(SSLContext context) {
        return new TlsOptions(context, null, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT);
    }

    public TlsOptions withServerHostname(String serverHostname) {
        return new TlsOptions(context, serverHostname, handshakeTimeout, shutdownTimeout);
    }

    public TlsOptions withHandshakeTimeout(Duration handshakeTimeout) {
        return new TlsOptions(context, serverHostname, handshakeTimeout, shutdownTimeout);
    }

    public TlsOptions withShutdownTimeout(Duration shutdownTimeout) {
        return new TlsOptions(context, serverHostname, handshakeTimeout, shutdownTimeout);
    }
}
