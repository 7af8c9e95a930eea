package io.jasyncio.examples.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.Asyncio;
import io.jasyncio.examples.Clients;
import io.jasyncio.examples.RunningServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP example driven by curl (keep-alive, bodies) and by raw sockets where curl is too polite. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpServerTest {
    private RunningServer server;

    @BeforeEach
    void start() throws Exception {
        server = new RunningServer(() -> HttpServer.start("127.0.0.1", 0, HttpServer.HELLO));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.port + path;
    }

    @Test
    void curlGetsHelloWithContentLength() throws Exception {
        Clients.require("curl", "curl");
        var r = Clients.run("curl", "-sS", "-i", url("/"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: 14\r\n").endsWith("\r\n\r\nHello, World!\n");
    }

    @Test
    void curlReusesOneConnectionForSeveralRequests() throws Exception {
        Clients.require("curl", "curl");
        // num_connects counts new connections per transfer: 1 for the first, 0 for the reused ones.
        var r = Clients.run("curl", "-sS", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null",
                "-w", "%{http_code} %{num_connects}\n",
                url("/"), url("/"), url("/"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("200 1\n200 0\n200 0\n");
    }

    @Test
    void curlPostsABodyThatComesBack() throws Exception {
        Clients.require("curl", "curl");
        var r = Clients.run("curl", "-sS", "--data-binary", "some bytes", url("/echo"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("some bytes");
    }

    @Test
    void curlGets404ForAnUnknownPath() throws Exception {
        Clients.require("curl", "curl");
        var r = Clients.run("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", url("/nope"));
        assertThat(r.out()).isEqualTo("404");
    }

    @Test
    void wrkLoadsItWithoutErrors() throws Exception {
        Clients.require("wrk", "wrk");
        var r = Clients.run("wrk", "-t1", "-c20", "-d1s", url("/"));
        assertThat(r.exit()).as(r.err()).isZero();
        // wrk reports failed connections, read/write errors and non-2xx answers only when there are any.
        assertThat(r.out()).contains("requests in").doesNotContain("Socket errors").doesNotContain("Non-2xx");
        long requests = Long.parseLong(r.out().replaceAll("(?s).*\\n\\s*(\\d+) requests in.*", "$1"));
        assertThat(requests).isPositive();
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        Clients.require("curl", "curl");
        var r = Clients.run("curl", "-sS", "-i", "-H", "Connection: close", url("/"));
        assertThat(r.out()).contains("Connection: close\r\n").endsWith("Hello, World!\n");
        // And on a raw socket: the server closes after answering.
        try (Socket s = new Socket("127.0.0.1", server.port)) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String all = readToEof(s.getInputStream());
            assertThat(all).startsWith("HTTP/1.1 200 OK").endsWith("Hello, World!\n");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port)) {
            s.setSoTimeout(30_000);
            String req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfirst"
                    + "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsecond";
            s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII)); // all at once
            String all = readToEof(s.getInputStream());
            assertThat(all.split("HTTP/1.1 ")).hasSize(5);
            assertThat(all.indexOf("Hello, World!")).isLessThan(all.indexOf("first"));
            assertThat(all.indexOf("first")).isLessThan(all.indexOf("404 Not Found"));
            assertThat(all.indexOf("404 Not Found")).isLessThan(all.indexOf("second"));
            assertThat(all).endsWith("second");
        }
    }

    @Test
    void repeatedResponsesStayCorrectWhenHeadOrConnectionChange() throws Exception {
        String all = exchange("GET / HTTP/1.1\r\n\r\n" + "HEAD / HTTP/1.1\r\n\r\n" + "GET / HTTP/1.1\r\n\r\n"
                + "GET / HTTP/1.0\r\n\r\n");
        String hello = "HTTP/1.1 200 OK\r\nServer: jasyncio\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 14\r\n";
        assertThat(all).isEqualTo(hello + "\r\nHello, World!\n"   // GET
                + hello + "\r\n"                                    // HEAD: the length, no body
                + hello + "\r\nHello, World!\n"                   // GET again
                + hello + "Connection: close\r\n\r\nHello, World!\n"); // HTTP/1.0 without keep-alive: closes
    }

    @Test
    void malformedRequestLineGets400AndTheConnectionCloses() throws Exception {
        for (String bad : new String[] {"GARBAGE\r\n\r\n", "GET /\r\n\r\n", "GET nopath HTTP/1.1\r\n\r\n",
                "GET / HTTP/1.1 extra\r\n\r\n", "G@T / HTTP/1.1\r\n\r\n"}) {
            String all = exchange(bad);
            assertThat(all).as(bad).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("Connection: close\r\n");
        }
    }

    @Test
    void malformedHeaderGets400AndTheConnectionCloses() throws Exception {
        for (String bad : new String[] {"GET / HTTP/1.1\r\nNoColon\r\n\r\n", "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", "GET / HTTP/1.1\r\nContent-Length: ten\r\n\r\n"}) {
            String all = exchange(bad);
            assertThat(all).as(bad).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("Connection: close\r\n");
        }
    }

    @Test
    void curlSeesTheMalformedHeaderRejected() throws Exception {
        Clients.require("curl", "curl");
        var r = Clients.run("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Bad Header: 1", url("/"));
        assertThat(r.out()).isEqualTo("400");
    }

    @Test
    void tooLongHeaderLineGets431() throws Exception {
        String all = exchange("GET / HTTP/1.1\r\nX-Big: " + "a".repeat(HttpServer.MAX_LINE + 10) + "\r\n\r\n");
        assertThat(all).startsWith("HTTP/1.1 431 ");
    }

    @Test
    void clientLeavingMidRequestLeavesTheServerServing() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port)) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nContent-Len".getBytes(StandardCharsets.US_ASCII));
        }
        try (Socket s = new Socket("127.0.0.1", server.port)) {
            s.getOutputStream().write("POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\nonly part".getBytes(StandardCharsets.US_ASCII));
            s.setSoLinger(true, 0); // a reset, not a clean close
        }
        // The server's connection tasks end; a new client is served normally.
        assertThat(exchange("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")).endsWith("Hello, World!\n");
        awaitNoConnectionTasks();
    }

    /** Every connection task ends: no task is left behind by a client that vanished. */
    private void awaitNoConnectionTasks() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            int tasks = Asyncio.runCoroutineThreadsafe(() -> Asyncio.allTasks().size(), server.loop()).get(30, TimeUnit.SECONDS);
            if (tasks == 2) return; // the server's main task and the one counting
            if (System.nanoTime() > deadline) throw new AssertionError(tasks + " tasks still running");
            Thread.sleep(Duration.ofMillis(20)); // polling an outside observer, not settling
        }
    }

    private String exchange(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return readToEof(s.getInputStream());
        }
    }

    private static String readToEof(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
