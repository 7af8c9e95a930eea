package io.jasyncio.net;

/**
 * Socket options of {@link Net#createDatagramEndpoint}: asyncio's {@code reuse_port} and
 * {@code allow_broadcast} (and {@code SO_REUSEADDR}, which asyncio dropped for UDP because it lets
 * unrelated sockets steal each other's datagrams; off by default here too). Immutable.
 *
 * <pre>{@code
 * DatagramOptions opts = DatagramOptions.defaults().withReusePort(true);
 * Net.createDatagramEndpoint(Handler::new, new InetSocketAddress("0.0.0.0", 5353), null, opts);
 * }</pre>
 *
 * <p>A value: its methods never suspend and may be called from any thread.
 *
 * @param reuseAddress   {@code SO_REUSEADDR} (default false)
 * @param reusePort      {@code SO_REUSEPORT}: several sockets share the port, the kernel spreads
 *                       datagrams among them (default false)
 * @param allowBroadcast {@code SO_BROADCAST}: may send to broadcast addresses (default false)
 */
public record DatagramOptions(boolean reuseAddress, boolean reusePort, boolean allowBroadcast) {
    private static final DatagramOptions DEFAULTS = new DatagramOptions(false, false, false);

    /** All three options off. */
    public static DatagramOptions defaults() {
        return DEFAULTS;
    }

    public DatagramOptions withReuseAddress(boolean reuseAddress) {
        return new DatagramOptions(reuseAddress, reusePort, allowBroadcast);
    }

    public DatagramOptions withReusePort(boolean reusePort) {
        return new DatagramOptions(reuseAddress, reusePort, allowBroadcast);
    }

    public DatagramOptions withAllowBroadcast(boolean allowBroadcast) {
        return new DatagramOptions(reuseAddress, reusePort, allowBroadcast);
    }
}
