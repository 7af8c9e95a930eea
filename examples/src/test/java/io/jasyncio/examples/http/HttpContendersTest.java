package io.jasyncio.examples.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.examples.Clients;
import io.jasyncio.examples.RunningServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The benchmark's like-for-like Python contender (bench/http_parsing.py, on asyncio streams and on
 * the Protocol API) must answer exactly as this example does, byte for byte but for the Server
 * header: the same requests accepted, the same status codes and bodies for the malformed ones, the
 * same keep-alive and close decisions. Otherwise bench/RESULTS-apps.md would compare unlike work.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpContendersTest {
    private static final Path SCRIPT = Path.of("..", "bench", "http_parsing.py");

    /** Each is sent at once, then the client half-closes and reads everything the server says. */
    private static final List<String> REQUESTS = List.of(
            "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET / HTTP/1.1\nHost: x\n\n",
            "\r\nGET / HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\n\r\nHEAD / HTTP/1.1\r\n\r\nPOST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nfirst"
                    + "GET /missing HTTP/1.1\r\n\r\nPUT / HTTP/1.1\r\nContent-Length: 0\r\n\r\nGET / HTTP/1.0\r\n\r\nGET / HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.1\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n\r\n",
            "OPTIONS * HTTP/1.1\r\n\r\n",
            "GET /caf\u00e9 HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.2\r\nX: 1\r\nx: 2\r\n\r\n",
            "GARBAGE\r\n\r\n", "GET /\r\n\r\n", "GET nopath HTTP/1.1\r\n\r\n", "GET / HTTP/1.1 extra\r\n\r\n",
            "G@T / HTTP/1.1\r\n\r\n", " GET / HTTP/1.1\r\n\r\n", "GET / HTTP/2.0\r\n\r\n", "GET / HTTP/1.x\r\n\r\n",
            "GET / FOO/1.1\r\n\r\n", "GET /\u0001 HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nNoColon\r\n\r\n", "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", "GET / HTTP/1.1\r\nX: a\u0000b\r\n\r\n",
            "GET / HTTP/1.1\r\nContent-Length: ten\r\n\r\n", "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "GET /" + "a".repeat(HttpServer.MAX_LINE) + " HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nX: " + "a".repeat(HttpServer.MAX_LINE) + "\r\n\r\n",
            "GET / HTTP/1.1\r\n" + "X: y\r\n".repeat(HttpRequest.MAX_HEADERS) + "\r\n",
            "GET / HTTP/1.1\r\n" + "X: y\r\n".repeat(HttpRequest.MAX_HEADERS + 1) + "\r\n",
            "GET / HTTP/1.1\r\nHost",
            "POST /echo HTTP/1.1\r\nContent-Length: 10\r\n\r\nonly");

    @ParameterizedTest
    @ValueSource(strings = {"streams", "protocol"})
    void thePythonContenderAnswersEveryRequestAsTheExampleDoes(String mode) throws Exception {
        Clients.require("python3", "python3");
        assertThat(SCRIPT).as("run from the examples module").exists();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process python = new ProcessBuilder("python3", SCRIPT.toString(), String.valueOf(port), mode)
                .redirectErrorStream(true).redirectOutput(Files.createTempFile("http_parsing", ".log").toFile()).start();
        try (RunningServer java = new RunningServer(() -> HttpServer.start("127.0.0.1", 0, HttpServer.HELLO))) {
            awaitListening(port, python);
            List<String> mismatches = new ArrayList<>();
            for (String request : REQUESTS) {
                String ours = exchange(java.port, request);
                String theirs = exchange(port, request).replace("Server: asyncio\r\n", "Server: jasyncio\r\n");
                if (!ours.equals(theirs)) mismatches.add(shorten(request) + "\n  java:   " + shorten(ours) + "\n  python: " + shorten(theirs));
            }
            assertThat(mismatches).as("requests answered differently").isEmpty();
            // Not vacuous: the list has successes, every error status, and silent closes.
            String all = String.join("", REQUESTS.stream().map(r -> exchangeUnchecked(java.port, r)).toList());
            assertThat(all).contains("200 OK", "400 Bad Request", "404 Not Found", "405 Method Not Allowed", "413 ",
                    "414 ", "431 ", "501 ", "505 ");
        } finally {
            python.destroy();
            python.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void awaitListening(int port, Process python) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (!python.isAlive()) throw new AssertionError("http_parsing.py exited with " + python.exitValue());
                if (System.nanoTime() > deadline) throw new AssertionError("http_parsing.py did not listen on " + port);
                Thread.sleep(50); // polling a process we do not control, for its port to open
            }
        }
    }

    private static String exchange(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) got.write(buf, 0, n);
            } catch (java.net.SocketException reset) {
                // A server that closes with request bytes still unread in the kernel sends a
                // reset after its response: compare what arrived before it.
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String exchangeUnchecked(int port, String request) {
        try {
            return exchange(port, request);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String shorten(String s) {
        String t = s.replace("\r", "\\r").replace("\n", "\\n");
        return t.length() <= 160 ? t : t.substring(0, 160) + "...";
    }
}
