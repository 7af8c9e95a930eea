package io.jasyncio.examples.echo;

import java.nio.charset.StandardCharsets;
import io.jasyncio.Asyncio;
import io.jasyncio.stream.StreamPair;
import io.jasyncio.stream.Streams;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A line echo client on streams: sends each line, reads its echo, then closes.
 *
 * <pre>
 * ./mvnw -q -Prun verify -DskipTests -Dexample=echo.EchoClient "-Dargs=127.0.0.1 8888 hello world"
 * </pre>
 *
 * <pre>{@code
 * List<String> echoed = EchoClient.echo("127.0.0.1", 8888, List.of("hello", "world"));
 * }</pre>
 */
public final class EchoClient {
    private EchoClient() {
    }

    /**
     * Sends each line and returns the echoes, in order. Suspends while connecting and waiting for
     * each echo (cancellable there); call it from a task.
     *
     * @throws java.net.ConnectException if nothing listens there
     * @throws IOException               if the server closed the connection before echoing everything
     */
    public static List<String> echo(String host, int port, List<String> lines) throws IOException {
        StreamPair conn = Streams.openConnection(host, port);
        try {
            List<String> echoed = new ArrayList<>();
            for (String line : lines) {
                conn.writer().write(line + "\n");
                conn.writer().drain();
                String back = conn.reader().readTextLine(StandardCharsets.UTF_8);
                if (back == null) throw new IOException("the server closed the connection after " + echoed.size() + " echoes");
                echoed.add(back);
            }
            return echoed;
        } finally {
            conn.writer().close();
            conn.writer().waitClosed();
        }
    }

    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: EchoClient HOST PORT LINE...");
            System.exit(2);
        }
        List<String> lines = List.of(args).subList(2, args.length);
        Asyncio.run(() -> {
            for (String echoed : echo(args[0], Integer.parseInt(args[1]), lines)) System.out.println(echoed);
        });
    }
}
