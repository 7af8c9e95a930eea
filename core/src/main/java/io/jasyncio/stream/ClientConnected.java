package io.jasyncio.stream;

/**
 * Serves one connection of a stream server: asyncio's {@code client_connected_cb}. It runs in a
 * new task per connection, so it may suspend (read, drain, sleep) as long as it likes.
 *
 * <pre>{@code
 * ClientConnected echo = (reader, writer) -> {
 *     for (byte[] line : reader) {
 *         writer.write(line);
 *         writer.drain();
 *     }
 *     writer.close();
 * };
 * Server server = Streams.startServer(echo, "127.0.0.1", 8888);
 * }</pre>
 *
 * <p>If it throws, the loop's exception handler hears of it ("Unhandled exception in
 * client_connected_cb") and the connection is closed; if its task is cancelled, the connection is
 * closed. Returning does not close the connection: call {@link StreamWriter#close()}.
 */
@FunctionalInterface
public interface ClientConnected {
    /** Serves the connection read from {@code reader} and written through {@code writer}. Suspending. */
    void accept(StreamReader reader, StreamWriter writer) throws Exception;
}
