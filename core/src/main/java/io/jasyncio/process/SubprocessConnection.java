package io.jasyncio.process;

/**
 * A started child: its transport and the protocol the factory made (asyncio's
 * {@code (transport, protocol)} from {@code loop.subprocess_exec}).
 *
 * <pre>{@code
 * SubprocessConnection<Collect> c = Subprocesses.subprocessShell(Collect::new, "echo hi", opts);
 * c.protocol().done.await();
 * }</pre>
 *
 * <p>Its accessors never suspend and may be called from any thread; the transport and the
 * protocol it holds are used on their loop's thread.
 *
 * @param transport the child's transport
 * @param protocol  the protocol, already told {@link SubprocessProtocol#connectionMade}
 * @param <P>       the protocol type
 */
public record SubprocessConnection<P extends SubprocessProtocol>(SubprocessTransport transport, P protocol) {
}
