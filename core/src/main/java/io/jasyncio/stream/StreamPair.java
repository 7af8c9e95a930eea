package io.jasyncio.stream;

import java.io.IOException;

/**
 * What {@link Streams#openConnection} returns: asyncio's {@code (reader, writer)} pair. It owns
 * the connection, so it is {@link AutoCloseable}: {@link #close()} is the writer's (asyncio's
 * {@code writer.close()}: starts closing, does not suspend) and {@link #waitClosed()} waits for
 * the end.
 *
 * <pre>{@code
 * try (StreamPair conn = Streams.openConnection("127.0.0.1", 8888)) {
 *     conn.writer().write("ping\n");
 *     String reply = conn.reader().readTextLine(StandardCharsets.UTF_8);
 * }   // close(); add conn.waitClosed() inside the block to wait for the close
 * }</pre>
 *
 * <p>{@link #reader()} and {@link #writer()} never suspend and may be called from any thread;
 * the streams themselves are used on their loop's thread.
 *
 * @param reader reads what the peer sends
 * @param writer writes to the peer and closes the connection
 */
public record StreamPair(StreamReader reader, StreamWriter writer) implements AutoCloseable {
    /**
     * Closes the connection once buffered data is sent: {@link StreamWriter#close()}. Idempotent;
     * does not suspend. Call it on the loop thread.
     */
    @Override
    public void close() {
        writer.close();
    }

    /**
     * Waits until the connection is closed: {@link StreamWriter#waitClosed()}. Suspending (can
     * be cancelled there).
     *
     * @throws IOException the error the connection was lost with, if any
     */
    public void waitClosed() throws IOException {
        writer.waitClosed();
    }
}
