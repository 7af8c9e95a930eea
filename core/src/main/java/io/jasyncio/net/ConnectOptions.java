package io.jasyncio.net;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * How {@link Net#createConnection(java.util.function.Supplier, String, int, ConnectOptions)}
 * connects; asyncio's keyword arguments of {@code create_connection}. Immutable: each
 * {@code with} method returns a copy.
 *
 * <pre>{@code
 * ConnectOptions opts = ConnectOptions.defaults()
 *         .withHappyEyeballs() // RFC 8305: race the addresses, 250 ms apart
 *         .withTls(TlsOptions.of(SSLContext.getDefault()));
 * Connection<Client> c = Net.createConnection(Client::new, "example.org", 443, opts);
 * }</pre>
 *
 * <p>A value: its methods never suspend and may be called from any thread.
 *
 * @param tls                TLS on the connection, or null for plain TCP (default)
 * @param localAddress       the address to bind the socket to before it connects (asyncio's
 *                           {@code local_addr}), or null to let the system choose (default)
 * @param happyEyeballsDelay asyncio's {@code happy_eyeballs_delay}: null (default) tries the
 *                           host's addresses one after another; otherwise the next address is
 *                           tried when the last attempt has not connected within this delay (or
 *                           at once when it fails), attempts run side by side, and the first to
 *                           connect wins (RFC 8305 "Happy Eyeballs"; it recommends 250 ms)
 * @param interleave         asyncio's {@code interleave}: reorder the addresses so that families
 *                           (IPv6, IPv4) alternate, with this many of the first family first; 0
 *                           keeps the resolver's order; null (default) means 1 with a happy
 *                           eyeballs delay and 0 without
 */
public record ConnectOptions(TlsOptions tls, InetSocketAddress localAddress, Duration happyEyeballsDelay,
                             Integer interleave) {
    /** The delay RFC 8305 recommends between connection attempts: 250 ms. */
    public static final Duration RECOMMENDED_HAPPY_EYEBALLS_DELAY = Duration.ofMillis(250);

    private static final ConnectOptions DEFAULTS = new ConnectOptions(null, null, null, null);

    /**
     * @throws IllegalArgumentException if {@code happyEyeballsDelay} or {@code interleave} is negative
     */
    public ConnectOptions {
        if (happyEyeballsDelay != null && happyEyeballsDelay.isNegative()) {
            throw new IllegalArgumentException("happyEyeballsDelay must be >= 0 (or null for one address at a time): "
                    + happyEyeballsDelay);
        }
        if (interleave != null && interleave < 0) {
            throw new IllegalArgumentException("interleave must be >= 0 (0 keeps the resolver's order): " + interleave);
        }
    }

    /**
     * Plain TCP from an address the system chooses, one address at a time in the resolver's
     * order: what {@code createConnection(factory, host, port)} does.
     *
     * <pre>{@code
     * Connection<Client> c = Net.createConnection(Client::new, "localhost", 8888, ConnectOptions.defaults());
     * }</pre>
     */
    public static ConnectOptions defaults() {
        return DEFAULTS;
    }

    /**
     * With TLS, or null for plain TCP.
     *
     * <pre>{@code
     * ConnectOptions opts = ConnectOptions.defaults().withTls(TlsOptions.of(SSLContext.getDefault()));
     * }</pre>
     */
    public ConnectOptions withTls(TlsOptions tls) {
        return new ConnectOptions(tls, localAddress, happyEyeballsDelay, interleave);
    }

    /**
     * Bound to {@code localAddress} before connecting (an unresolved one is resolved off the
     * loop; port 0 picks a free port), or null to let the system choose. With a happy eyeballs
     * delay, several sockets may be bound at once: give port 0.
     *
     * <pre>{@code
     * ConnectOptions opts = ConnectOptions.defaults().withLocalAddress(new InetSocketAddress("10.0.0.2", 0));
     * }</pre>
     */
    public ConnectOptions withLocalAddress(InetSocketAddress localAddress) {
        return new ConnectOptions(tls, localAddress, happyEyeballsDelay, interleave);
    }

    /**
     * With Happy Eyeballs at the delay RFC 8305 recommends, {@link #RECOMMENDED_HAPPY_EYEBALLS_DELAY}.
     *
     * <pre>{@code
     * Connection<Client> c = Net.createConnection(Client::new, "example.org", 80,
     *         ConnectOptions.defaults().withHappyEyeballs());
     * }</pre>
     */
    public ConnectOptions withHappyEyeballs() {
        return withHappyEyeballsDelay(RECOMMENDED_HAPPY_EYEBALLS_DELAY);
    }

    /**
     * With Happy Eyeballs and this delay between attempts (null turns it off; zero starts the
     * attempts one loop iteration apart).
     *
     * <pre>{@code
     * ConnectOptions opts = ConnectOptions.defaults().withHappyEyeballsDelay(Duration.ofMillis(250));
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public ConnectOptions withHappyEyeballsDelay(Duration delay) {
        return new ConnectOptions(tls, localAddress, delay, interleave);
    }

    /**
     * With addresses reordered so that families alternate, {@code firstFamilyCount} of the first
     * family first; 0 keeps the resolver's order.
     *
     * <pre>{@code
     * // [v6a, v6b, v4a, v4b] is tried as [v6a, v4a, v6b, v4b]
     * ConnectOptions opts = ConnectOptions.defaults().withInterleave(1);
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code firstFamilyCount} is negative
     */
    public ConnectOptions withInterleave(int firstFamilyCount) {
        return new ConnectOptions(tls, localAddress, happyEyeballsDelay, firstFamilyCount);
    }

    /** The interleave actually applied: {@link #interleave()}, or its default when null. */
    int effectiveInterleave() {
        if (interleave != null) return interleave;
        return happyEyeballsDelay != null ? 1 : 0;
    }
}
