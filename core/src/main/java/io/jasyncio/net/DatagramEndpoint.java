package io.jasyncio.net;

/**
 * A UDP endpoint made by {@link Net#createDatagramEndpoint}: its transport and protocol.
 *
 * <pre>{@code
 * DatagramEndpoint<Client> e = Net.createDatagramEndpoint(Client::new, null, new InetSocketAddress("127.0.0.1", 9999));
 * e.transport().sendto(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
 * }</pre>
 *
 * <p>Its accessors never suspend and may be called from any thread; the transport and the
 * protocol it holds are used on their loop's thread.
 *
 * @param transport the endpoint's transport
 * @param protocol  the protocol, already told {@link DatagramProtocol#connectionMade}
 * @param <P>       the protocol type
 */
public record DatagramEndpoint<P extends DatagramProtocol>(DatagramTransport transport, P protocol) {
}
