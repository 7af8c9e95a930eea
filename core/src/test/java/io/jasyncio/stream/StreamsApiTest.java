package io.jasyncio.stream;

import static io.jasyncio.stream.StreamTesting.ascii;
import static io.jasyncio.stream.StreamTesting.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.net.ConnectOptions;
import io.jasyncio.net.Server;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream API a new user reaches for: exceptions caught by their own type inside a task,
 * try-with-resources on servers and connections, the server's port, text helpers. Real sockets
 * on 127.0.0.1.
 */
@Timeout(30)
class StreamsApiTest {
    static final ClientConnected ECHO = (reader, writer) -> {
        for (byte[] line : reader) {
            writer.write(line);
            writer.drain();
        }
        writer.close();
    };

    @Test
    void bindExceptionFromStartServerIsCaughtByItsOwnTypeInsideATask() {
        String caught = Asyncio.run(() -> {
            try (Server first = Streams.startServer(ECHO, "127.0.0.1", 0)) {
                Task<String> t = Asyncio.createTask(() -> {
                    try {
                        Streams.startServer(ECHO, "127.0.0.1", first.port());
                        return "bound twice?";
                    } catch (BindException e) { // no unwrapping: the type java.nio would throw
                        return e.getMessage();
                    }
                });
                return t.await();
            }
        });
        assertTrue(caught.contains("127.0.0.1"), caught);
    }

    @Test
    void connectExceptionFromOpenConnectionIsCaughtByItsOwnType() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Asyncio.run(() -> {
            assertThrows(ConnectException.class, () -> Streams.openConnection("127.0.0.1", closedPort));
            assertThrows(ConnectException.class,
                    () -> Streams.openConnection("127.0.0.1", closedPort, ConnectOptions.defaults().withHappyEyeballs()));
        });
    }

    @Test
    void serverInTryWithResourcesStopsListeningAtTheEndOfTheBlock() {
        Asyncio.run(() -> {
            int port;
            Server kept;
            try (Server server = Streams.startServer(ECHO, "127.0.0.1", 0)) {
                kept = server;
                port = server.port();
                assertTrue(server.isServing());
                try (StreamPair c = Streams.openConnection("127.0.0.1", port)) {
                    c.writer().write("ping\n");
                    assertEquals("ping", c.reader().readTextLine(StandardCharsets.UTF_8));
                }
            }
            assertFalse(kept.isServing());
            assertTrue(kept.sockets().isEmpty());
            assertThrows(ConnectException.class, () -> Streams.openConnection("127.0.0.1", port));
            kept.waitClosed();
        });
    }

    @Test
    void theStreamsClassDocExampleRunsAsWritten() {
        String reply = Asyncio.run(() -> {
            try (Server server = Streams.startServer((reader, writer) -> {
                     String line;
                     while ((line = reader.readTextLine(StandardCharsets.UTF_8)) != null) {
                         writer.write(line.toUpperCase() + "\n");
                         writer.drain();
                     }
                     writer.close();
                 }, "127.0.0.1", 0);
                 StreamPair conn = Streams.openConnection("127.0.0.1", server.port())) {
                conn.writer().write("hello\n");
                return conn.reader().readTextLine(StandardCharsets.UTF_8);
            }
        });
        assertEquals("HELLO", reply);
    }

    @Test
    void portAndAddressAreTheBoundOnesAndStayReadableAfterClose() {
        Asyncio.run(() -> {
            Server server = Streams.startServer(ECHO, "127.0.0.1", 0);
            InetSocketAddress bound = (InetSocketAddress) server.sockets().get(0).getLocalAddress();
            assertEquals(bound, server.address());
            assertEquals(bound.getPort(), server.port());
            assertTrue(server.port() > 0);
            server.close();
            assertEquals(bound, server.address());
            assertEquals(bound.getPort(), server.port());
            server.close(); // idempotent
            server.waitClosed();
        });
    }

    @Test
    void aUnixServerHasAnAddressButNoPort(@TempDir Path dir) {
        Path path = dir.resolve("s.sock");
        Asyncio.run(() -> {
            try (Server server = Streams.startUnixServer(ECHO, path)) {
                assertEquals(UnixDomainSocketAddress.of(path), server.address());
                IllegalStateException e = assertThrows(IllegalStateException.class, server::port);
                assertTrue(e.getMessage().contains("has no port") && e.getMessage().contains("address()"), e.getMessage());
            }
        });
        assertFalse(Files.exists(path), "closing removes the socket file");
    }

    @Test
    void streamPairCloseClosesTheConnectionAndWaitClosedWaitsForIt() {
        Asyncio.run(() -> {
            Future<byte[]> serverSaw = Asyncio.getRunningLoop().createFuture();
            try (Server server = Streams.startServer((r, w) -> serverSaw.setResult(r.read(-1)), "127.0.0.1", 0)) {
                StreamPair kept;
                try (StreamPair c = Streams.openConnection("127.0.0.1", server.port())) {
                    kept = c;
                    c.writer().write("bye");
                }
                assertTrue(kept.writer().isClosing());
                assertArrayEquals(ascii("bye"), serverSaw.await(), "the peer read everything, then EOF");
                kept.waitClosed();
                kept.close(); // idempotent
            }
        });
    }

    @Test
    void writeStringEncodesUtf8OrTheGivenCharset() {
        Asyncio.run(() -> {
            try (Server server = Streams.startServer(ECHO, "127.0.0.1", 0);
                 StreamPair c = Streams.openConnection("127.0.0.1", server.port())) {
                c.writer().write("h\u00e9\u20ac\n");
                assertArrayEquals("h\u00e9\u20ac\n".getBytes(StandardCharsets.UTF_8), c.reader().readLine());
                c.writer().write("h\u00e9\n", StandardCharsets.ISO_8859_1);
                assertArrayEquals(new byte[] {'h', (byte) 0xe9, '\n'}, c.reader().readLine());
                assertThrows(NullPointerException.class, () -> c.writer().write((String) null));
                assertThrows(NullPointerException.class, () -> c.writer().write("x", null));
                c.writer().close();
                assertThrows(IllegalStateException.class, () -> c.writer().write("late"));
            }
        });
    }

    @Test
    void readTextLineDropsTheLineEndAndReturnsNullAtEof() {
        Asyncio.run(() -> {
            StreamReader r = new StreamReader();
            r.feedData("GET / HTTP/1.1\r\nHost: h\u00e9\nlast".getBytes(StandardCharsets.UTF_8));
            r.feedEof();
            assertEquals("GET / HTTP/1.1", r.readTextLine(StandardCharsets.UTF_8));
            assertEquals("Host: h\u00e9", r.readTextLine(StandardCharsets.UTF_8));
            assertEquals("last", r.readTextLine(StandardCharsets.UTF_8));
            assertNull(r.readTextLine(StandardCharsets.UTF_8));
            assertThrows(NullPointerException.class, () -> r.readTextLine(null));
        });
    }

    @Test
    void readTextLineKeepsAnEmptyLineApartFromEof() {
        Asyncio.run(() -> {
            StreamReader r = new StreamReader();
            r.feedData(ascii("\r\n\n"));
            r.feedEof();
            assertEquals("", r.readTextLine(StandardCharsets.US_ASCII));
            assertEquals("", r.readTextLine(StandardCharsets.US_ASCII));
            assertNull(r.readTextLine(StandardCharsets.US_ASCII));
        });
    }

    @Test
    void bufferedCountsWhatCanBeReadWithoutSuspending() {
        Asyncio.run(() -> {
            StreamReader r = new StreamReader();
            assertEquals(0, r.buffered());
            r.feedData(ascii("abc\nde"));
            assertEquals(6, r.buffered());
            assertEquals("abc\n", text(r.readLine()));
            assertEquals(2, r.buffered());
        });
    }

    @Test
    void openConnectionWithOptionsAndTheDefaultLimitConnects() {
        Asyncio.run(() -> {
            try (Server server = Streams.startServer(ECHO, "127.0.0.1", 0);
                 StreamPair c = Streams.openConnection("127.0.0.1", server.port(), ConnectOptions.defaults())) {
                c.writer().write(ascii("ping\n"));
                assertEquals("ping\n", text(c.reader().readLine()));
            }
        });
    }

    @Test
    void openConnectionWithConnectOptionsBindsTheLocalAddress() {
        Asyncio.run(() -> {
            try (Server server = Streams.startServer(ECHO, "127.0.0.1", 0)) {
                ConnectOptions opts = ConnectOptions.defaults().withLocalAddress(new InetSocketAddress("127.0.0.1", 0));
                try (StreamPair c = Streams.openConnection("127.0.0.1", server.port(), opts, 16)) {
                    InetSocketAddress local = (InetSocketAddress) c.writer().getExtraInfo("sockname");
                    assertEquals("127.0.0.1", local.getAddress().getHostAddress());
                    c.writer().write(ascii("0123456789abcdefXYZ\n"));
                    // The limit argument reached the reader: 20 bytes without ';' overrun 16.
                    assertThrows(LimitOverrunError.class, () -> c.reader().readUntil(ascii(";")));
                }
                assertEquals("Limit cannot be <= 0", assertThrows(IllegalArgumentException.class,
                        () -> Streams.openConnection("127.0.0.1", server.port(), ConnectOptions.defaults(), 0)).getMessage());
                assertEquals("options", assertThrows(NullPointerException.class,
                        () -> Streams.openConnection("127.0.0.1", server.port(), (ConnectOptions) null)).getMessage());
            }
        });
    }
}
