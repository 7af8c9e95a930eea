package io.jasyncio.examples.echo;

import io.jasyncio.Asyncio;
import io.jasyncio.net.Server;
import io.jasyncio.stream.StreamReader;
import io.jasyncio.stream.StreamWriter;
import io.jasyncio.stream.Streams;
import java.io.IOException;

/**
 * An echo server on streams: asyncio's {@code start_server} example. Each connection is a task
 * that reads what has arrived (up to 64 KiB), writes it back and waits for the socket to take it
 * ({@code drain}), so a client that sends without reading only ever has the stream's buffer held
 * for it. It echoes bytes, not lines, so no line is too long for it.
 *
 * <pre>
 * ./mvnw -q -Prun verify -DskipTests -Dexample=echo.StreamEchoServer -Dargs=8888
 * nc 127.0.0.1 8888
 * </pre>
 *
 * <pre>{@code
 * Server server = StreamEchoServer.start("127.0.0.1", 8888);
 * server.serveForever();
 * }</pre>
 *
 * <p>{@link io.jasyncio.examples.EchoServer} is the same on the Protocol API (callbacks, no task
 * per connection); this one reads like sequential code.
 */
public final class StreamEchoServer {
    private StreamEchoServer() {
    }

    /** Starts the server (0: a free port). Does not suspend except to resolve the host; call it from a task. */
    public static Server start(String host, int port) throws IOException {
        return Streams.startServer(StreamEchoServer::echo, host, port);
    }

    /** Echoes until the client closes its side. Suspending. */
    static void echo(StreamReader reader, StreamWriter writer) throws IOException {
        try {
            byte[] data;
            while ((data = reader.read(64 * 1024)).length > 0) {   // asyncio: while data := await reader.read(65536)
                writer.write(data);
                writer.drain();
            }
        } finally {
            writer.close();
        }
    }

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8888;
        Asyncio.run(() -> {
            Server server = start("127.0.0.1", port);
            System.out.println("stream echo server on 127.0.0.1:" + server.port());
            server.serveForever();
        });
    }
}
