package io.jasyncio.examples.http;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.stream.IncompleteReadError;
import io.jasyncio.stream.StreamReader;
import io.jasyncio.stream.StreamWriter;
import io.jasyncio.stream.Streams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1.1 server on streams: keep-alive connections, {@code Content-Length} bodies, pipelined
 * requests answered in order, {@code Connection: close}, and a 400 (then close) for a malformed
 * request line or header. One task per connection reads a request, awaits the handler (which may
 * suspend: sleep, call a database, fetch something) and writes the response.
 *
 * <pre>
 * ./mvnw -q -Prun verify -DskipTests -Dexample=http.HttpServer -Dargs=8080
 * curl -v http://127.0.0.1:8080/
 * </pre>
 *
 * <pre>{@code
 * Server server = HttpServer.start("127.0.0.1", 8080, req ->
 *         req.target().equals("/") ? HttpResponse.text(200, "Hello, World!\n") : HttpResponse.text(404, "not found\n"));
 * server.serveForever();
 * }</pre>
 *
 * <p>Not a production server: no chunked bodies (501), no TLS, no timeouts on idle clients, and a
 * handler is not cancelled when its client leaves (the connection's next read notices).
 */
public final class HttpServer {
    /** Longest request line or header line, in bytes (the stream reader's limit). */
    static final int MAX_LINE = 8 * 1024;

    /** Computes the response to one request. May suspend; runs in the connection's task. */
    @FunctionalInterface
    public interface Handler {
        HttpResponse handle(HttpRequest request) throws Exception;
    }

    /** One response object for every hello: the connection then reuses its encoded bytes (see {@link #serve}). */
    private static final HttpResponse HELLO_RESPONSE = HttpResponse.text(200, "Hello, World!\n");

    /** The default handler: {@code GET /} answers "Hello, World!", {@code POST /echo} echoes the body. */
    public static final Handler HELLO = req -> switch (req.target()) {
        case "/" -> req.method().equals("GET") || req.method().equals("HEAD")
                ? HELLO_RESPONSE
                : HttpResponse.text(405, "use GET\n");
        case "/echo" -> new HttpResponse(200, "application/octet-stream", req.body());
        default -> HttpResponse.text(404, "no such page: " + req.target() + "\n");
    };

    private HttpServer() {
    }

    /**
     * Starts serving {@code handler} on {@code host:port} (port 0: a free one, see
     * {@link Server#port()}). Does not suspend (except to resolve a host name); call it from a task.
     *
     * @throws java.net.BindException if the port is taken
     */
    public static Server start(String host, int port, Handler handler) throws IOException {
        return Streams.startServer((reader, writer) -> serve(reader, writer, handler), host, port,
                ServerOptions.defaults().withBacklog(1024), MAX_LINE);
    }

    /** Serves one connection until the client closes it, asks to, or sends garbage. Suspending. */
    static void serve(StreamReader reader, StreamWriter writer, Handler handler) throws IOException {
        // The wire bytes of the last response sent, reused when the handler returns the same
        // (immutable) response object again: a keep-alive client asking for the same page then
        // costs no encoding. The transport copies only what the socket does not take at once,
        // so handing it the same array again is safe.
        Encoded last = null;
        try {
            while (true) {
                HttpRequest req;
                try {
                    req = HttpRequest.read(reader);
                } catch (HttpRequest.BadRequest e) {
                    // After a syntax error the stream cannot be trusted to be at a request boundary: close.
                    writer.write(encode(HttpResponse.text(e.status, e.getMessage() + "\n"), false, false));
                    writer.drain();
                    break;
                }
                if (req == null) break;
                HttpResponse resp;
                try {
                    resp = handler.handle(req);
                } catch (CancelledError e) {
                    throw e;
                } catch (Exception e) {
                    resp = HttpResponse.text(500, "handler failed: " + e + "\n");
                }
                boolean keepAlive = req.keepAlive();
                boolean head = req.method().equals("HEAD");
                if (last == null || last.response != resp || last.keepAlive != keepAlive || last.head != head) {
                    last = new Encoded(resp, keepAlive, head, encode(resp, keepAlive, head));
                }
                writer.write(last.bytes);
                writer.drain();
                if (!keepAlive) break;
            }
        } catch (IncompleteReadError e) {
            // The client left in the middle of a request: nobody to answer.
        } catch (IOException e) {
            // The connection broke (reset by the client): nothing to answer either.
        } finally {
            writer.close();
        }
    }

    /** A response as sent: status line, headers and body. */
    private record Encoded(HttpResponse response, boolean keepAlive, boolean head, byte[] bytes) {
    }

    /** The wire form of {@code resp}; without the body for HEAD (but with its Content-Length). */
    static byte[] encode(HttpResponse resp, boolean keepAlive, boolean head) {
        String headers = "HTTP/1.1 " + resp.status() + " " + HttpResponse.reason(resp.status()) + "\r\n"
                + "Server: jasyncio\r\n"
                + "Content-Type: " + resp.contentType() + "\r\n"
                + "Content-Length: " + resp.body().length + "\r\n"
                + (keepAlive ? "" : "Connection: close\r\n")
                + "\r\n";
        byte[] h = headers.getBytes(StandardCharsets.ISO_8859_1);
        if (head || resp.body().length == 0) return h;
        // One array, one write: a pipelined burst of small responses then costs one send each.
        byte[] all = new byte[h.length + resp.body().length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(resp.body(), 0, all, h.length, resp.body().length);
        return all;
    }

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        Asyncio.run(() -> {
            Server server = start("127.0.0.1", port, HELLO);
            System.out.println("HTTP server on http://127.0.0.1:" + server.port() + "/");
            server.serveForever();
        });
    }
}
