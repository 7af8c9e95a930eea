package io.jasyncio.examples;

import io.jasyncio.net.Server;
import io.jasyncio.stream.StreamReader;
import io.jasyncio.stream.StreamWriter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The few conveniences the examples need that today's public API spells at length. They are
 * kept here, in one place, so that when the API gains them ({@code Server.port()},
 * {@code StreamWriter.write(String)}, {@code StreamReader.readLine(Charset)}) the examples switch
 * by changing only this file.
 *
 * <pre>{@code
 * Server server = Streams.startServer(handler, "127.0.0.1", 0);
 * System.out.println("listening on port " + Glue.port(server));
 * }</pre>
 */
public final class Glue {
    private Glue() {
    }

    /** The TCP port the server's first socket listens on. Does not suspend; loop thread or its tasks. */
    public static int port(Server server) throws IOException {
        return ((InetSocketAddress) server.sockets().getFirst().getLocalAddress()).getPort();
    }

    /** Writes {@code text} as UTF-8 (buffers it; does not suspend). Loop thread or its tasks. */
    public static void write(StreamWriter writer, String text) {
        writer.write(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * One line as UTF-8 text without its line ending ({@code \n} or {@code \r\n}), or null at
     * EOF. Suspends until the line arrives (cancellable there); call it from a task of the
     * reader's loop.
     */
    public static String readLine(StreamReader reader) throws IOException {
        byte[] line = reader.readLine();
        if (line.length == 0) return null;
        int end = line.length;
        if (line[end - 1] == '\n') end--;
        if (end > 0 && line[end - 1] == '\r') end--;
        return new String(line, 0, end, StandardCharsets.UTF_8);
    }
}
