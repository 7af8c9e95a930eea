package io.jasyncio.net;

/**
 * A connection made by {@link Net#createConnection} or {@link Net#createUnixConnection}: its
 * transport and the protocol the factory made (asyncio's {@code (transport, protocol)} pair).
 *
 * <pre>{@code
 * Connection<Client> c = Net.createConnection(Client::new, "127.0.0.1", 8888);
 * c.transport().write("ping".getBytes(StandardCharsets.US_ASCII));
 * c.protocol().replies().await();
 * }</pre>
 *
 * <p>Its accessors never suspend and may be called from any thread; the transport and the
 * protocol it holds are used on their loop's thread.
 *
 * @param transport the connection's transport
 * @param protocol  the protocol, already told {@link Protocol#connectionMade}
 * @param <P>       the protocol type
 */
public record Connection<P extends Protocol>(Transport transport, P protocol) {
}
