package io.jasyncio.net;

/**
 * A connected pipe: its transport and the protocol the factory made (asyncio's
 * {@code (transport, protocol)} pair from {@code connect_read_pipe}/{@code connect_write_pipe}).
 *
 * <pre>{@code
 * PipeConnection<ReadTransport, MyReader> c = Pipes.connectReadPipe(MyReader::new, pipe.source());
 * c.transport().close();
 * }</pre>
 *
 * <p>Its accessors never suspend and may be called from any thread; the transport and the
 * protocol it holds are used on their loop's thread.
 *
 * @param transport the pipe's transport ({@link ReadTransport} or {@link WriteTransport})
 * @param protocol  the protocol, already told {@code connectionMade}
 * @param <T>       the transport type
 * @param <P>       the protocol type
 */
public record PipeConnection<T extends BaseTransport, P extends BaseProtocol>(T transport, P protocol) {
}
