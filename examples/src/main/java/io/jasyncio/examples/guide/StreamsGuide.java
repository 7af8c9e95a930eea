package io.jasyncio.examples.guide;

import io.jasyncio.Asyncio;
import io.jasyncio.net.Server;
import io.jasyncio.stream.StreamPair;
import io.jasyncio.stream.StreamReader;
import io.jasyncio.stream.StreamWriter;
import io.jasyncio.stream.Streams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The guide's page on streams, compiled; snippets in {@code docs/guide/05-streams.md}.
 *
 * <pre>{@code
 * String reply = Asyncio.run(StreamsGuide::upperCaseRoundTrip);   // "HELLO"
 * }</pre>
 */
public final class StreamsGuide {
    private StreamsGuide() {
    }

    // tag::server[]
    // asyncio:  async def handle(reader, writer):
    //               async for line in reader: ...
    static void handle(StreamReader reader, StreamWriter writer) throws IOException {
        for (byte[] line : reader) {
            writer.write(new String(line, StandardCharsets.UTF_8).toUpperCase().getBytes(StandardCharsets.UTF_8));
            writer.drain();                        // await writer.drain()
        }
        writer.close();
        writer.waitClosed();                       // await writer.wait_closed()
    }
    // end::server[]

    /** Starts the upper-casing server, sends it a line and returns the answer. Suspending. */
    public static String upperCaseRoundTrip() throws IOException {
        // tag::client[]
        Server server = Streams.startServer(StreamsGuide::handle, "127.0.0.1", 0);   // asyncio.start_server
        int port = server.port();
        StreamPair conn = Streams.openConnection("127.0.0.1", port);                // asyncio.open_connection
        conn.writer().write("hello\n".getBytes(StandardCharsets.UTF_8));
        byte[] reply = conn.reader().readLine();                                     // await reader.readline()
        conn.writer().close();
        server.close();
        // end::client[]
        return new String(reply, StandardCharsets.UTF_8).strip();
    }
}
