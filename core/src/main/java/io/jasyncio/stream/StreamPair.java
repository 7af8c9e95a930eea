package io.jasyncio.stream;

/**
 * What {@link Streams#openConnection} returns: asyncio's {@code (reader, writer)} pair.
 *
 * <pre>{@code
 * StreamPair conn = Streams.openConnection("127.0.0.1", 8888);
 * conn.writer().write("ping\n".getBytes(StandardCharsets.US_ASCII));
 * byte[] reply = conn.reader().readLine();
 * conn.writer().close();
 * conn.writer().waitClosed();
 * }</pre>
 *
 * @param reader reads what the peer sends
 * @param writer writes to the peer and closes the connection
 */
public record StreamPair(StreamReader reader, StreamWriter writer) {
}
