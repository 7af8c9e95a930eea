package io.jasyncio.stream;

import static io.jasyncio.stream.StreamTesting.ascii;
import static io.jasyncio.stream.StreamTesting.port;
import static io.jasyncio.stream.StreamTesting.text;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.ErrorContext;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.TlsOptions;
import io.jasyncio.sync.Barrier;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Streams over real sockets on 127.0.0.1. */
@Timeout(30)
class StreamsTest {

    /** Replies to each line with it upper-cased; at EOF says "bye" and closes. */
    static final ClientConnected UPPER = (reader, writer) -> {
        for (byte[] line : reader) {
            writer.write(ascii(text(line).toUpperCase()));
            writer.drain();
        }
        writer.write(ascii("bye\n"));
        writer.close();
    };

    @Test
    void lineProtocolWithLinesSplitAcrossSeededRandomChunks() {
        Asyncio.run(() -> {
            Server server = Streams.startServer(UPPER, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            Random rnd = new Random(1234);
            StringBuilder sent = new StringBuilder();
            for (int i = 0; i < 300; i++) sent.append("line ").append(i).append(' ').append("q".repeat(rnd.nextInt(300))).append('\n');
            byte[] bytes = ascii(sent.toString());
            Task<String> replies = Asyncio.createTask(() -> {
                StringBuilder got = new StringBuilder();
                for (byte[] line : c.reader()) got.append(text(line));
                return got.toString();
            });
            for (int off = 0; off < bytes.length; ) {
                int n = Math.min(bytes.length - off, 1 + rnd.nextInt(97));
                c.writer().write(java.nio.ByteBuffer.wrap(bytes, off, n));
                c.writer().drain();
                off += n;
                if (rnd.nextInt(4) == 0) Asyncio.sleep(0); // let chunks go out one by one
            }
            assertTrue(c.writer().canWriteEof());
            c.writer().writeEof();
            assertEquals(sent.toString().toUpperCase() + "bye\n", replies.await());
            assertTrue(c.reader().atEof() || c.reader().read(1).length == 0);
            c.writer().close();
            c.writer().waitClosed();
            assertTrue(c.writer().isClosing());
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void readExactlyAtEofGivesThePartialBytes() {
        Asyncio.run(() -> {
            Server server = Streams.startServer((r, w) -> {
                w.write(ascii("12345"));
                w.close();
            }, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            IncompleteReadError e = assertThrows(IncompleteReadError.class, () -> c.reader().readExactly(10));
            assertEquals("12345", text(e.partial()));
            assertEquals(10, e.expected());
            assertEquals("5 bytes read on a total of 10 expected bytes", e.getMessage());
            e = assertThrows(IncompleteReadError.class, () -> c.reader().readExactly(1));
            assertEquals(0, e.partial().length);
            assertTrue(c.reader().atEof());
            c.writer().close();
            server.close();
        });
    }

    @Test
    void readUntilOverTheLimitLeavesTheDataInTheBuffer() {
        Asyncio.run(() -> {
            byte[] payload = ascii("x".repeat(100) + ";tail");
            Server server = Streams.startServer((r, w) -> {
                w.write(payload);
                w.close();
            }, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server), (TlsOptions) null, 16);
            LimitOverrunError e = assertThrows(LimitOverrunError.class, () -> c.reader().readUntil(ascii(";")));
            assertTrue(e.consumed() > 16, "consumed " + e.consumed());
            assertTrue(e.getMessage().startsWith("Separator is"), e.getMessage());
            assertEquals(text(payload), text(c.reader().read(-1)), "nothing was lost");
            c.writer().close();
            server.close();
        });
    }

    @Test
    void slowReaderWithFastDrainingWriterKeepsMemoryBounded() {
        int chunk = 64 * 1024;
        int chunks = 96; // 6 MiB
        Asyncio.run(() -> {
            Future<long[]> serverSide = Asyncio.getRunningLoop().createFuture();
            Server server = Streams.startServer((r, w) -> {
                ((SocketChannel) w.getExtraInfo("socket")).setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
                // Read nothing until the reader has paused its transport (above 2 x limit): the
                // writer has then filled every buffer. An event, not a sleep: it holds at any load.
                while (r.buffered() <= 2 * Streams.DEFAULT_LIMIT) Asyncio.sleep(0.001);
                long total = 0;
                long maxBuffered = 0;
                int reads = 0;
                while (true) {
                    maxBuffered = Math.max(maxBuffered, r.buffered());
                    byte[] b = r.read(16 * 1024);
                    if (b.length == 0) break;
                    total += b.length;
                    if (++reads % 32 == 0) Asyncio.sleep(Duration.ofMillis(1));
                }
                serverSide.setResult(new long[] {total, maxBuffered});
                w.close();
            }, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            ((SocketChannel) c.writer().getExtraInfo("socket")).setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
            byte[] data = new byte[chunk];
            long maxWriteBuffer = 0;
            int suspended = 0;
            for (int i = 0; i < chunks; i++) {
                c.writer().write(data);
                long size = c.writer().transport().getWriteBufferSize();
                maxWriteBuffer = Math.max(maxWriteBuffer, size);
                if (size > 64 * 1024) suspended++;
                c.writer().drain();
                assertTrue(c.writer().transport().getWriteBufferSize() <= 64 * 1024 || c.writer().isClosing());
            }
            c.writer().writeEof();
            long[] got = serverSide.await();
            assertEquals((long) chunk * chunks, got[0]);
            assertTrue(suspended > 0, "the writer never had to wait: the test proves nothing");
            assertTrue(maxWriteBuffer <= 64 * 1024 + chunk, "write buffer grew to " + maxWriteBuffer);
            // Reading pauses above 2 x limit; one more read of the transport may land on top.
            assertTrue(got[1] > 2 * Streams.DEFAULT_LIMIT && got[1] <= 2 * Streams.DEFAULT_LIMIT + 256 * 1024,
                    "reader buffered " + got[1]);
            c.writer().close();
            server.close();
        });
    }

    @Test
    void chatServerWithHundredClients() {
        int clients = 100;
        Asyncio.run(() -> {
            Set<StreamWriter> members = new LinkedHashSet<>();
            Server server = Streams.startServer((r, w) -> {
                members.add(w);
                w.write(ascii("welcome\n"));
                try {
                    for (byte[] line : r) {
                        for (StreamWriter other : List.copyOf(members)) {
                            if (other != w && !other.isClosing()) other.write(line);
                        }
                        for (StreamWriter other : List.copyOf(members)) {
                            if (other != w && !other.isClosing()) other.drain();
                        }
                    }
                } finally {
                    members.remove(w);
                    w.close();
                }
            }, "127.0.0.1", 0, ServerOptions.defaults().withBacklog(256));
            int port = port(server);
            Barrier allIn = new Barrier(clients);
            Barrier allHeard = new Barrier(clients);
            List<Task<Set<String>>> tasks = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int me = i;
                tasks.add(Asyncio.createTask(() -> {
                    StreamPair c = Streams.openConnection("127.0.0.1", port);
                    assertEquals("welcome\n", text(c.reader().readLine()));
                    allIn.await();
                    c.writer().write(ascii("from " + me + "\n"));
                    c.writer().drain();
                    Set<String> heard = new HashSet<>();
                    while (heard.size() < clients - 1) heard.add(text(c.reader().readLine()).trim());
                    allHeard.await();
                    c.writer().close();
                    c.writer().waitClosed();
                    return heard;
                }));
            }
            for (int i = 0; i < clients; i++) {
                Set<String> heard = tasks.get(i).await();
                assertEquals(clients - 1, heard.size());
                assertFalse(heard.contains("from " + i));
            }
            server.close();
            server.waitClosed();
            assertTrue(members.isEmpty());
        });
    }

    @Test
    void unixSocketStreamsAndJavaStreamViews(@org.junit.jupiter.api.io.TempDir Path dir) {
        Path path = dir.resolve("s.sock");
        Asyncio.run(() -> {
            Server server = Streams.startUnixServer((r, w) -> {
                var in = new DataInputStream(r.asInputStream());
                var out = new DataOutputStream(w.asOutputStream());
                int n = in.readInt();
                for (int i = 0; i < n; i++) out.writeLong(in.readLong() * 2);
                out.flush();
                out.close();
            }, path);
            StreamPair c = Streams.openUnixConnection(path);
            var out = new DataOutputStream(c.writer().asOutputStream());
            out.writeInt(1000);
            for (long i = 0; i < 1000; i++) out.writeLong(i);
            out.flush();
            var in = new DataInputStream(c.reader().asInputStream());
            for (long i = 0; i < 1000; i++) assertEquals(2 * i, in.readLong());
            assertEquals(-1, in.read());
            c.writer().close();
            server.close();
            server.waitClosed();
            assertFalse(Files.exists(path));
        });
    }

    @Test
    void failingClientCallbackIsReportedAndClosesTheConnection() {
        Asyncio.run(() -> {
            List<ErrorContext> reported = new ArrayList<>();
            Asyncio.getRunningLoop().setExceptionHandler((loop, ctx) -> reported.add(ctx));
            Server server = Streams.startServer((r, w) -> {
                w.write(ascii("partial"));
                throw new IllegalStateException("handler bug");
            }, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            assertEquals("partial", text(c.reader().read(-1)));
            assertEquals(1, reported.size());
            assertTrue(reported.get(0).message().startsWith("Unhandled exception in client_connected_cb"), reported.get(0).message());
            assertEquals("handler bug", reported.get(0).exception().getMessage());
            c.writer().close();
            server.close();
        });
    }

    @Test
    void drainRaisesTheErrorTheConnectionWasLostWith() {
        Asyncio.run(() -> {
            Server server = Streams.startServer((r, w) -> {
                // Events, not a sleep: the handler reads nothing, so its reader fills and pauses
                // the socket; a few loop turns more and the client's next chunks wait unread in
                // the kernel.
                while (((io.jasyncio.net.ReadTransport) w.transport()).isReading()) Asyncio.sleep(0);
                for (int i = 0; i < 5; i++) Asyncio.sleep(0);
                w.transport().abort(); // unread data in the socket: the kernel answers with a reset
            }, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            ((SocketChannel) c.writer().getExtraInfo("socket")).setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
            byte[] data = new byte[64 * 1024];
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> {
                for (int i = 0; i < 100_000; i++) {
                    c.writer().write(data);
                    c.writer().drain();
                }
            });
            assertNotEquals("Connection lost", e.getMessage(), () -> "the first failure is the connection's own error: " + c.reader());
            assertSame(e, assertThrows(java.io.IOException.class, () -> c.writer().waitClosed()));
            assertSame(e, assertThrows(java.io.IOException.class, () -> c.reader().read(1)));
            server.close();
        });
    }

    @Test
    void extraInfoAndTransport() {
        Asyncio.run(() -> {
            Server server = Streams.startServer(UPPER, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            assertEquals(port(server), ((InetSocketAddress) c.writer().getExtraInfo("peername")).getPort());
            assertNull(c.writer().getExtraInfo("peercert"));
            assertEquals("none", c.writer().getExtraInfo("peercert", "none"));
            assertSame(c.writer().transport().getExtraInfo("socket"), c.writer().getExtraInfo("socket"));
            c.writer().writeLines(List.of(ascii("a"), ascii("b\n")));
            assertEquals("AB\n", text(c.reader().readLine()));
            c.writer().close();
            c.writer().waitClosed();
            server.close();
        });
    }
}
