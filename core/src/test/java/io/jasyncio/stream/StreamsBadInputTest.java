package io.jasyncio.stream;

import static io.jasyncio.stream.StreamTesting.ascii;
import static io.jasyncio.stream.StreamTesting.port;
import static io.jasyncio.stream.StreamTesting.text;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.TlsOptions;
import java.net.SocketException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The "Bad input" list, each with its exact error. */
@Timeout(10)
class StreamsBadInputTest {

    @Test
    void negativeSizes() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            assertEquals("read size must be -1 (read to EOF) or >= 0, not -2",
                    assertThrows(IllegalArgumentException.class, () -> reader.read(-2)).getMessage());
            assertEquals("readExactly size can not be less than zero",
                    assertThrows(IllegalArgumentException.class, () -> reader.readExactly(-1)).getMessage());
        });
    }

    @Test
    void emptySeparators() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            assertEquals("Separator should be at least one-byte string",
                    assertThrows(IllegalArgumentException.class, () -> reader.readUntil(new byte[0])).getMessage());
            assertEquals("Separator should be at least one-byte string",
                    assertThrows(IllegalArgumentException.class, () -> reader.readUntil(ascii("\n"), new byte[0])).getMessage());
            assertEquals("Separator should contain at least one element",
                    assertThrows(IllegalArgumentException.class, () -> reader.readUntil(new byte[0][])).getMessage());
        });
    }

    @Test
    void limitNotPositive() {
        Asyncio.run(() -> {
            assertEquals("Limit cannot be <= 0", assertThrows(IllegalArgumentException.class, () -> new StreamReader(0)).getMessage());
            assertEquals("Limit cannot be <= 0", assertThrows(IllegalArgumentException.class, () -> new StreamReader(-5)).getMessage());
            assertEquals("Limit cannot be <= 0", assertThrows(IllegalArgumentException.class,
                    () -> Streams.openConnection("127.0.0.1", 1, (TlsOptions) null, 0)).getMessage());
            assertEquals("Limit cannot be <= 0", assertThrows(IllegalArgumentException.class,
                    () -> Streams.startServer((r, w) -> {}, "127.0.0.1", 0, ServerOptions.defaults(), 0)).getMessage());
            assertEquals("Limit cannot be <= 0", assertThrows(IllegalArgumentException.class,
                    () -> Streams.openUnixConnection(Path.of("/nonexistent"), -1)).getMessage());
        });
    }

    @Test
    void readingConcurrentlyFromTwoTasks() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            Task<byte[]> first = Asyncio.createTask(reader::readLine);
            Asyncio.sleep(0);
            assertEquals("read() called while another task is already waiting for incoming data",
                    assertThrows(IllegalStateException.class, () -> reader.read(1)).getMessage());
            assertEquals("readExactly() called while another task is already waiting for incoming data",
                    assertThrows(IllegalStateException.class, () -> reader.readExactly(1)).getMessage());
            assertEquals("readUntil() called while another task is already waiting for incoming data",
                    assertThrows(IllegalStateException.class, () -> reader.readUntil(ascii("x"))).getMessage());
            reader.feedData(ascii("ok\n"));
            assertEquals("ok\n", text(first.await()));
        });
    }

    @Test
    void writingAfterClose() {
        Asyncio.run(() -> {
            Server server = Streams.startServer((r, w) -> {}, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            c.writer().close();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.writer().write(ascii("late")));
            assertTrue(e.getMessage().startsWith("Cannot call write() after close() or abort()"), e.getMessage());
            c.writer().waitClosed();
            assertEquals("Connection lost", assertThrows(SocketException.class, () -> c.writer().drain()).getMessage());
            assertEquals("Stream closed", assertThrows(java.io.IOException.class, () -> {
                var out = c.writer().asOutputStream();
                out.close();
                out.write(1);
            }).getMessage());
            server.close();
        });
    }

    @Test
    void writingAfterWriteEof() {
        Asyncio.run(() -> {
            Server server = Streams.startServer((r, w) -> {}, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            c.writer().writeEof();
            assertEquals("Cannot call write() after writeEof()",
                    assertThrows(IllegalStateException.class, () -> c.writer().write(ascii("late"))).getMessage());
            c.writer().close();
            server.close();
        });
    }

    @Test
    void peerClosesMidLine() {
        Asyncio.run(() -> {
            Server server = Streams.startServer((r, w) -> {
                w.write(ascii("complete\nhalf a li"));
                w.close();
            }, "127.0.0.1", 0);
            int port = port(server);

            StreamPair a = Streams.openConnection("127.0.0.1", port);
            assertEquals("complete\n", text(a.reader().readLine()));
            assertEquals("half a li", text(a.reader().readLine()), "asyncio returns the partial line");
            assertEquals(0, a.reader().readLine().length);

            StreamPair b = Streams.openConnection("127.0.0.1", port);
            assertEquals("complete\n", text(b.reader().readUntil(ascii("\n"))));
            IncompleteReadError e = assertThrows(IncompleteReadError.class, () -> b.reader().readUntil(ascii("\n")));
            assertEquals("half a li", text(e.partial()));
            assertEquals(-1, e.expected());
            assertEquals("9 bytes read on a total of undefined expected bytes", e.getMessage());

            StreamPair c = Streams.openConnection("127.0.0.1", port);
            c.reader().readLine();
            e = assertThrows(IncompleteReadError.class, () -> c.reader().readExactly(20));
            assertEquals("9 bytes read on a total of 20 expected bytes", e.getMessage());
            for (StreamPair p : new StreamPair[] {a, b, c}) p.writer().close();
            server.close();
        });
    }

    @Test
    void feedingAfterEof() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            reader.feedEof();
            assertEquals("feedData() after feedEof()",
                    assertThrows(IllegalStateException.class, () -> reader.feedData(ascii("x"))).getMessage());
        });
    }

    @Test
    void readingOffTheLoop() {
        StreamReader[] holder = new StreamReader[1];
        Asyncio.run(() -> {
            holder[0] = new StreamReader();
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> holder[0].read(1));
        assertTrue(e.getMessage().startsWith("no running event loop"), e.getMessage());
    }
}
