package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.stream.Streams;
import java.io.IOException;

/**
 * The echo benchmark's streams server: the idiomatic asyncio loop, {@code read} then
 * {@code write} and {@code drain}, in one task per connection. Compare it with the Protocol echo
 * (examples' EchoServer) and the raw NIO ceiling ({@link RawNioEcho}) with bench/echo-bench.sh.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp jasyncio-bench.jar io.jasyncio.bench.StreamsEcho 8887
 * </pre>
 *
 * Per message this costs what asyncio's does: the loop copies the bytes into the reader's buffer,
 * wakes the task, {@code read} copies them out into a new array, and {@code write} hands that to
 * the socket (copied only if the socket does not take it all). {@code drain} suspends only when
 * a client stops reading, which bounds the memory a connection can hold.
 */
public final class StreamsEcho {
    private StreamsEcho() {
    }

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8887;
        Asyncio.run(() -> {
            Server server = Streams.startServer((reader, writer) -> {
                try {
                    byte[] data;
                    while ((data = reader.read(Streams.DEFAULT_LIMIT)).length > 0) {
                        writer.write(data);
                        writer.drain();
                    }
                } catch (IOException peerGone) {
                    // A client that closes with unread data resets the connection (the load client
                    // does at the end of a run): that ends this connection, it is no server error.
                    // Uncaught, it would reach the loop's exception handler as asyncio's does.
                } finally {
                    writer.close();
                }
            }, "127.0.0.1", port, ServerOptions.defaults().withBacklog(1024));
            System.out.println("streams echo server on " + server.sockets().get(0).getLocalAddress());
            server.serveForever();
        });
    }
}
