package io.jasyncio.stream;

import static io.jasyncio.stream.StreamTesting.port;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.WriteBufferLimits;
import io.jasyncio.net.WriteTransport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Peers that misbehave at scale (issue 12, "Bad input"): one that sends a byte at a time, one that
 * never reads, and thousands that sit idle and then all send at once. Real sockets on 127.0.0.1.
 */
@Timeout(120)
class StreamsBadPeersTest {

    /**
     * Each byte of a 30,000-byte line and of a 5,000-byte block reaches the server's reader
     * separately (the client sends the next byte only once the reader holds the previous one).
     * readLine and readExactly still return them whole, and the reader's array is reallocated
     * only as it doubles: the bytes copied into new arrays (the sum of the sizes it grew to,
     * observed after every byte) stay within a small multiple of the bytes received. A buffer
     * that grew by each 1-byte chunk would copy ~30,000²/2 = 450 MB for the line alone.
     */
    @Test
    void oneByteAtATimePeerGetsWholeLinesWithoutQuadraticCopying() {
        int lineLength = 30_000;
        int blockLength = 5_000;
        byte[] line = new byte[lineLength + 1];
        for (int i = 0; i < lineLength; i++) line[i] = (byte) ('a' + i % 26);
        line[lineLength] = '\n';
        byte[] block = new byte[blockLength];
        for (int i = 0; i < blockLength; i++) block[i] = (byte) (i * 7);
        long[] growth = new long[2]; // {reallocations, bytes in the arrays grown to}
        Asyncio.run(() -> {
            StreamReader[] serverReader = new StreamReader[1];
            byte[][] got = new byte[2][];
            Server server = Streams.startServer((reader, writer) -> {
                serverReader[0] = reader;
                got[0] = reader.readLine();
                got[1] = reader.readExactly(blockLength);
                writer.close();
            }, "127.0.0.1", 0);
            StreamPair client = Streams.openConnection("127.0.0.1", port(server));
            while (serverReader[0] == null) Asyncio.sleep(Duration.ZERO);
            StreamReader r = serverReader[0];
            sendByteByByte(client.writer(), line, r, () -> got[0] != null, growth);
            sendByteByByte(client.writer(), block, r, () -> got[1] != null, growth);
            assertArrayEquals(line, got[0]);
            assertArrayEquals(block, got[1]);
            assertEquals(0, r.capacity(), "the reader kept an array after its bytes were read");
            client.writer().close();
            server.close();
            server.waitClosed();
        });
        long received = line.length + block.length;
        // Doubling from 512 bytes: about log2(30,000 / 512) + 1 = 7 arrays for the line, fewer for
        // the block, holding < 2 x 30,000 + 2 x 5,000 bytes in all. Allow 4 x the bytes received.
        assertTrue(growth[0] <= 40, growth[0] + " reallocations for " + received + " bytes received one at a time");
        assertTrue(growth[1] <= 4 * received, growth[1] + " bytes copied into grown arrays for " + received + " bytes received");
    }

    /** Sends {@code data} one byte per write, each only after the server's reader has taken the one before. */
    private static void sendByteByByte(StreamWriter writer, byte[] data, StreamReader serverReader,
                                       java.util.function.BooleanSupplier done, long[] growth) throws Exception {
        int capacity = serverReader.capacity();
        for (int i = 0; i < data.length; i++) {
            int before = serverReader.buffered();
            writer.write(new byte[] {data[i]});
            writer.drain();
            // The byte is in the server's buffer (or completed the read in progress, which took it).
            while (serverReader.buffered() == before && !(i == data.length - 1 && done.getAsBoolean())) {
                Asyncio.sleep(Duration.ZERO);
            }
            // A larger array than before means the buffered bytes were copied into a new one.
            int now = serverReader.capacity();
            if (now > capacity && serverReader.buffered() > 1) {
                growth[0]++;
                growth[1] += now;
            }
            capacity = now;
        }
        while (!done.getAsBoolean()) Asyncio.sleep(Duration.ZERO);
    }

    /**
     * A client that never reads: the server's writer keeps writing 64 KiB and draining. The
     * transport's write buffer never exceeds the high-water mark plus one write, drain() suspends
     * (the test's task sees the handler inside it), and once the client reads, every byte arrives
     * in order.
     */
    @Test
    void peerThatNeverReadsBoundsTheWriteBufferAndDrainSuspends() throws Exception {
        int chunk = 64 * 1024;
        int chunks = 128; // 8 MiB in all: far more than the socket buffers and the write buffer hold
        Asyncio.run(() -> {
            long[] maxBuffered = {0};
            WriteBufferLimits[] limits = new WriteBufferLimits[1];
            boolean[] inDrain = {false};
            long[] drainsSuspended = {0};
            Server server = Streams.startServer((reader, writer) -> {
                // Small kernel buffers, so the transport's own buffer is what fills.
                ((NetworkChannel) writer.getExtraInfo("socket")).setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
                WriteTransport t = writer.transport();
                limits[0] = t.getWriteBufferLimits();
                for (int i = 0; i < chunks; i++) {
                    byte[] data = new byte[chunk];
                    Arrays.fill(data, (byte) i);
                    writer.write(data);
                    maxBuffered[0] = Math.max(maxBuffered[0], t.getWriteBufferSize());
                    inDrain[0] = true;
                    writer.drain();
                    inDrain[0] = false;
                }
                writer.close();
            }, "127.0.0.1", 0);
            int port = port(server);
            Socket peer = new Socket();
            try {
                peer.setReceiveBufferSize(16 * 1024);
                Asyncio.toThread(() -> {
                    peer.connect(new InetSocketAddress("127.0.0.1", port));
                    return null;
                });
                // The handler is parked in drain() whenever this task runs and sees the flag set:
                // a drain() that returned at once would have cleared it first. Wait for that.
                while (!inDrain[0]) Asyncio.sleep(Duration.ZERO);
                for (int i = 0; i < 50; i++) {
                    Asyncio.sleep(Duration.ZERO);
                    if (inDrain[0]) drainsSuspended[0]++;
                }
                assertTrue(drainsSuspended[0] > 0, "drain() never suspended for a peer that does not read");
                long bound = limits[0].high() + chunk;
                assertTrue(maxBuffered[0] <= bound,
                        "write buffer reached " + maxBuffered[0] + " bytes, above high-water + one write = " + bound);
                // Now the peer reads everything: no byte lost, none out of order.
                long received = Asyncio.toThread(() -> {
                    InputStream in = peer.getInputStream();
                    byte[] buf = new byte[chunk];
                    long total = 0;
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        for (int k = 0; k < n; k++) {
                            long at = total + k;
                            if (buf[k] != (byte) (at / chunk)) throw new AssertionError("byte " + at + " is " + buf[k]);
                        }
                        total += n;
                    }
                    return total;
                });
                assertEquals((long) chunk * chunks, received);
                assertTrue(maxBuffered[0] <= bound,
                        "write buffer reached " + maxBuffered[0] + " bytes, above high-water + one write = " + bound);
            } finally {
                peer.close();
            }
            server.close();
            server.waitClosed();
        });
    }

    /**
     * 2,000 connections (4,000 descriptors in this process) each echo once and go idle, then all
     * send at once a message of their own (different lengths, 1-8 KiB): every one gets exactly its
     * echo, and afterwards no server connection holds a read array or write-buffered bytes.
     * The 10,000-connection version is bench/'s IdleConnMemory (its burst phase).
     */
    @Test
    void thousandsOfIdleConnectionsAllSendingAtOnceGetExactEchoes() throws IOException {
        int n = 2_000;
        long freeFds = freeFileDescriptors();
        assumeTrue(freeFds >= 2L * n + 200, "needs " + (2 * n + 200) + " free file descriptors, ulimit -n leaves " + freeFds
                + ": raise it (ulimit -n 8192) to run this test");
        Asyncio.run(() -> {
            List<StreamReader> readers = new ArrayList<>();
            List<StreamWriter> writers = new ArrayList<>();
            long[] echoes = {0};
            Server server = Streams.startServer((reader, writer) -> {
                readers.add(reader);
                writers.add(writer);
                byte[] data;
                while ((data = reader.read(Streams.DEFAULT_LIMIT)).length > 0) {
                    writer.write(data);
                    writer.drain();
                    echoes[0]++;
                }
                writer.close();
            }, "127.0.0.1", 0, ServerOptions.defaults().withBacklog(n));
            int port = port(server);
            List<StreamPair> clients = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                StreamPair c = Streams.openConnection("127.0.0.1", port);
                clients.add(c);
                c.writer().write(new byte[] {(byte) i});
                assertEquals((byte) i, c.reader().readExactly(1)[0]);
            }
            assertEquals(n, readers.size());
            for (StreamReader r : readers) assertEquals(0, r.capacity(), "an idle reader kept an array: " + r);

            List<byte[]> sent = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] msg = new byte[1024 + (i * 37) % 7168];
                for (int k = 0; k < msg.length; k++) msg[k] = (byte) (i * 31 + k);
                sent.add(msg);
                clients.get(i).writer().write(msg); // all sent before any echo is read
            }
            List<Task<byte[]>> got = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                StreamReader r = clients.get(i).reader();
                int len = sent.get(i).length;
                got.add(Asyncio.createTask(() -> r.readExactly(len)));
            }
            for (int i = 0; i < n; i++) assertArrayEquals(sent.get(i), got.get(i).await(), "connection " + i);
            for (StreamReader r : readers) assertEquals(0, r.capacity(), "a drained reader kept an array: " + r);
            for (StreamWriter w : writers) assertEquals(0, w.transport().getWriteBufferSize(), "bytes left buffered: " + w);
            for (StreamPair c : clients) c.writer().close();
            for (StreamPair c : clients) c.writer().waitClosed();
            server.close();
            server.waitClosed();
        });
    }

    /** The soft limit of open files minus those open now, from /proc (0 where there is none). */
    private static long freeFileDescriptors() throws IOException {
        Path limits = Path.of("/proc/self/limits");
        if (!Files.exists(limits)) return 0;
        for (String l : Files.readAllLines(limits)) {
            if (l.startsWith("Max open files")) {
                String soft = l.substring("Max open files".length()).trim().split("\\s+")[0];
                if (soft.equals("unlimited")) return Long.MAX_VALUE;
                try (var fds = Files.list(Path.of("/proc/self/fd"))) {
                    return Long.parseLong(soft) - fds.count();
                }
            }
        }
        return 0;
    }
}
