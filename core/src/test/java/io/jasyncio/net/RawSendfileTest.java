package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zero-copy {@link Net#sendfile} of a plain stream transport ({@code StreamTransport}):
 * what it refuses before sending anything, and how it ends when the connection goes away. The
 * happy path with a waiting buffer: TcpTest; the TLS fallback: TlsSendfileUnixTest.
 */
@Timeout(20)
class RawSendfileTest {
    @TempDir
    Path dir;

    private static long sendfile(Transport t, Path file, long offset, long count) throws IOException {
        try (FileChannel fc = FileChannel.open(file)) {
            return Net.sendfile(t, fc, offset, count);
        }
    }

    @Test
    void negativeOffsetsAndCountsAreRefusedAndTheTransportStaysUsable() throws IOException {
        Path file = Files.write(dir.resolve("ten.bin"), "0123456789".getBytes());
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            try (Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::new), "127.0.0.1", 0)) {
                Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", server.port());
                Transport t = c.transport();
                assertThrows(IllegalArgumentException.class, () -> sendfile(t, file, -1, 5));
                assertThrows(IllegalArgumentException.class, () -> sendfile(t, file, 0, -1));
                assertTrue(t.isReading(), "a refused sendfile leaves reading alone");
                assertEquals(0, sendfile(t, file, 0, 0), "count 0 sends nothing");
                assertEquals(0, sendfile(t, file, 10, 5), "an offset at the end of the file sends nothing");
                assertEquals(3, sendfile(t, file, 7, 100), "the file ends before count");
                t.write(ascii("!"));
                t.close();
                Recorder peer = Recorder.awaitFirst(accepted);
                peer.eof.await();
                assertEquals("789!", peer.text());
            }
        });
    }

    @Test
    void badArgumentsAreRefusedAtOnceEvenWithDataWaitingInTheBuffer() throws IOException {
        Path file = Files.write(dir.resolve("ten.bin"), "0123456789".getBytes());
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            try (Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::pausedOnConnect), "127.0.0.1", 0)) {
                Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", server.port());
                Transport t = c.transport();
                t.write(new byte[16 << 20]); // the peer reads nothing: a sendfile would wait for it forever
                assertTrue(t.getWriteBufferSize() > 0);
                assertThrows(IllegalArgumentException.class, () -> sendfile(t, file, -1, 5));
                assertThrows(IllegalArgumentException.class, () -> sendfile(t, file, 0, -1));
                t.abort();
            }
        });
    }

    @Test
    void sendfileIsRefusedAfterWriteEofAndOnAClosingTransport() throws IOException {
        Path file = Files.write(dir.resolve("ten.bin"), "0123456789".getBytes());
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            try (Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::new), "127.0.0.1", 0)) {
                Connection<Recorder> halfClosed = Net.createConnection(Recorder::new, "127.0.0.1", server.port());
                halfClosed.transport().writeEof();
                assertTrue(assertThrows(IllegalStateException.class, () -> sendfile(halfClosed.transport(), file, 0, 5))
                        .getMessage().contains("writeEof"));
                halfClosed.transport().close();

                Connection<Recorder> closed = Net.createConnection(Recorder::new, "127.0.0.1", server.port());
                closed.transport().close();
                assertThrows(IllegalStateException.class, () -> sendfile(closed.transport(), file, 0, 5));

                // closing without the application's close(): the peer ended the connection
                Connection<Recorder> ended = Net.createConnection(Recorder::new, "127.0.0.1", server.port());
                while (accepted.size() < 3) Asyncio.sleep(0.001);
                accepted.get(2).made.await();
                accepted.get(2).transport.close();
                ended.protocol().eof.await();
                assertTrue(ended.transport().isClosing());
                assertThrows(IllegalStateException.class, () -> sendfile(ended.transport(), file, 0, 5));
            }
        });
    }

    @Test
    void aSecondSendfileWhileOneWaitsIsRefusedAndTheFirstCompletes() throws IOException {
        byte[] content = new byte[8 << 20]; // more than the socket buffers: the first one waits
        Path file = Files.write(dir.resolve("big.bin"), content);
        Path small = Files.write(dir.resolve("ten.bin"), "0123456789".getBytes());
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            try (Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::pausedOnConnect), "127.0.0.1", 0)) {
                Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", server.port());
                Transport t = c.transport();
                Task<Long> first = Asyncio.createTask(() -> sendfile(t, file, 0, Long.MAX_VALUE));
                while (t.isReading()) Asyncio.sleep(0); // started: it pauses reading first
                assertTrue(assertThrows(IllegalStateException.class, () -> sendfile(t, small, 0, 5))
                        .getMessage().contains("another sendfile"));
                Recorder peer = Recorder.awaitFirst(accepted);
                peer.made.await();
                peer.transport.resumeReading();
                assertEquals(content.length, first.await());
                assertTrue(t.isReading());
                assertEquals(5, sendfile(t, small, 0, 5), "the transport takes a new sendfile once the first ended");
                assertEquals(content.length, sendfile(t, file, 0, Long.MAX_VALUE), "and one that waits for the socket again");
                t.close();
                peer.eof.await();
                assertEquals(2L * content.length + 5, peer.received.size());
            }
        });
    }

    @Test
    void aConnectionLostWhileSendfileWaitsForTheSocketFailsItWithAnIOException() throws IOException {
        Path file = Files.write(dir.resolve("big.bin"), new byte[16 << 20]);
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            try (Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::pausedOnConnect), "127.0.0.1", 0)) {
                Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", server.port());
                Transport t = c.transport();
                Task<Long> send = Asyncio.createTask(() -> sendfile(t, file, 0, Long.MAX_VALUE));
                while (t.isReading()) Asyncio.sleep(0);
                Recorder peer = Recorder.awaitFirst(accepted);
                peer.made.await();
                t.abort();
                var failure = assertThrows(java.util.concurrent.CompletionException.class, send::await);
                assertInstanceOf(IOException.class, failure.getCause());
                assertNull(c.protocol().lost.await());
            }
        });
    }

    /**
     * close() while a sendfile waits for the write buffer to drain: the buffer goes out, the
     * connection ends, and the sendfile fails instead of sending the file on a closed socket.
     */
    @Test
    void closingWhileSendfileWaitsForTheBufferFailsItAndOnlyTheBufferGoesOut() throws IOException {
        Path file = Files.write(dir.resolve("ten.bin"), "0123456789".getBytes());
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            try (Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::pausedOnConnect), "127.0.0.1", 0)) {
                Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", server.port());
                Transport t = c.transport();
                byte[] chunk = new byte[64 * 1024];
                long written = 0;
                // the kernel's socket buffers absorb a few MiB first; bounded so a bug cannot spin
                for (int i = 0; i < 1_000 && t.getWriteBufferSize() == 0; i++) {
                    t.write(chunk);
                    written += chunk.length;
                }
                assertTrue(t.getWriteBufferSize() > 0, "the socket never filled");
                Task<Long> send = Asyncio.createTask(() -> sendfile(t, file, 0, 10));
                while (t.isReading()) Asyncio.sleep(0); // started: it pauses reading, then waits for the drain
                t.close();
                Recorder peer = Recorder.awaitFirst(accepted);
                peer.made.await();
                peer.transport.resumeReading();
                var failure = assertThrows(java.util.concurrent.CompletionException.class, send::await);
                IOException why = assertInstanceOf(IOException.class, failure.getCause());
                assertTrue(why.getMessage().contains("lost during sendfile"), why.getMessage());
                peer.eof.await();
                assertEquals(written, peer.received.size(), "the buffer, and none of the file");
                assertNull(c.protocol().lost.await());
            }
        });
    }

    /**
     * The file goes out after the bytes already buffered, also when the socket has room again
     * but the transport has not flushed its buffer yet (no loop turn since the peer read): the
     * sendfile waits for the buffer to drain instead of handing the file to the socket first.
     */
    @Test
    void aSendfileStartedWhileTheSocketHasRoomButTheBufferIsNotFlushedYetSendsTheBufferFirst() throws IOException {
        byte[] fileBytes = new byte[1000];
        Arrays.fill(fileBytes, (byte) 'f');
        Path file = Files.write(dir.resolve("f.bin"), fileBytes);
        Asyncio.run(() -> {
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.bind(new InetSocketAddress("127.0.0.1", 0));
                Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1",
                        ((InetSocketAddress) listener.getLocalAddress()).getPort());
                Transport t = c.transport();
                try (SocketChannel peer = listener.accept()) { // blocking, in this loop turn: the loop does not run
                    byte[] chunk = new byte[64 * 1024];
                    Arrays.fill(chunk, (byte) 'w');
                    long written = 0;
                    // the kernel's socket buffers absorb a few MiB first; bounded so a bug cannot spin
                    for (int i = 0; i < 1_000 && t.getWriteBufferSize() == 0; i++) {
                        t.write(chunk);
                        written += chunk.length;
                    }
                    long buffered = t.getWriteBufferSize();
                    assertTrue(buffered > 0, "the socket never filled");
                    // The peer takes everything the socket took; the socket has room again, and no
                    // loop turn has run since, so the transport's buffer is still waiting for its flush.
                    ByteBuffer head = ByteBuffer.allocate((int) (written - buffered));
                    while (head.hasRemaining()) {
                        if (peer.read(head) < 0) fail("EOF before the bytes the socket took");
                    }
                    try (Selector room = Selector.open()) {
                        ((StreamTransport) t).channel.register(room, SelectionKey.OP_WRITE);
                        assertEquals(1, room.select(10_000), "the socket never had room again");
                    }
                    assertEquals(buffered, t.getWriteBufferSize(), "nothing flushed the buffer meanwhile");
                    ByteArrayOutputStream rest = new ByteArrayOutputStream();
                    Thread reader = Thread.ofPlatform().start(() -> {
                        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
                        try {
                            while (peer.read(b.clear()) > 0) rest.write(b.array(), 0, b.position());
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    assertEquals(fileBytes.length, sendfile(t, file, 0, Long.MAX_VALUE));
                    t.close();
                    Asyncio.toThread(() -> {
                        reader.join(10_000);
                        return null;
                    });
                    assertFalse(reader.isAlive(), "the peer never saw the end of the stream");
                    byte[] expected = new byte[(int) buffered + fileBytes.length];
                    Arrays.fill(expected, 0, (int) buffered, (byte) 'w');
                    Arrays.fill(expected, (int) buffered, expected.length, (byte) 'f');
                    byte[] got = rest.toByteArray();
                    assertEquals(expected.length, got.length);
                    assertEquals(-1, Arrays.mismatch(expected, got), "the buffered bytes, then the file");
                }
            }
        });
    }

    /**
     * A sendfile waiting for the buffer to drain when the peer resets: the flush meets the
     * socket's error, and the sendfile fails with that same IOException, the one
     * connectionLost gets (not a wrapper that hides what happened to the socket).
     */
    @Test
    void aResetWhileSendfileWaitsForTheBufferFailsItWithTheSocketsOwnError() throws IOException {
        Path file = Files.write(dir.resolve("ten.bin"), "0123456789".getBytes());
        Asyncio.run(() -> {
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.bind(new InetSocketAddress("127.0.0.1", 0));
                Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1",
                        ((InetSocketAddress) listener.getLocalAddress()).getPort());
                Transport t = c.transport();
                try (SocketChannel peer = listener.accept()) { // reads nothing
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < 1_000 && t.getWriteBufferSize() == 0; i++) t.write(chunk);
                    assertTrue(t.getWriteBufferSize() > 0, "the socket never filled");
                    Task<Long> send = Asyncio.createTask(() -> sendfile(t, file, 0, 10));
                    while (t.isReading()) Asyncio.sleep(0); // started: it pauses reading, then waits for the drain
                    peer.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
                    peer.close(); // RST
                    var failure = assertThrows(java.util.concurrent.CompletionException.class, send::await);
                    IOException why = assertInstanceOf(IOException.class, failure.getCause());
                    assertSame(why, c.protocol().lost.await(), "the socket's error, as connectionLost has it");
                }
            }
        });
    }
}
