package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class SocketsTest {

    @Test
    void acceptConnectSendallRecvAndSendfileSuspendOnlyTheirTasks(@TempDir Path dir) throws Exception {
        byte[] fileBytes = new byte[3 << 20];
        new Random(42).nextBytes(fileBytes);
        Path file = Files.write(dir.resolve("payload.bin"), fileBytes);
        byte[] big = new byte[4 << 20];
        new Random(7).nextBytes(big);
        Asyncio.run(() -> {
            ServerSocketChannel listener = ServerSocketChannel.open();
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            listener.configureBlocking(false);
            SocketAddress address = listener.getLocalAddress();
            // The server: reads everything until EOF, then answers with its count and a file slice.
            Task<byte[]> server = Asyncio.createTask(() -> {
                SocketChannel conn = Sockets.sockAccept(listener);
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
                while (true) {
                    buf.clear();
                    int n = Sockets.sockRecvInto(conn, buf);
                    if (n < 0) break;
                    got.write(buf.array(), 0, n);
                }
                Sockets.sockSendall(conn, ByteBuffer.wrap(("got " + got.size() + "\n").getBytes(StandardCharsets.US_ASCII)));
                try (FileChannel fc = FileChannel.open(file)) {
                    assertEquals(fileBytes.length - 100, Sockets.sockSendfile(conn, fc, 100, Long.MAX_VALUE));
                }
                conn.close();
                return got.toByteArray();
            });
            SocketChannel client = SocketChannel.open();
            client.configureBlocking(false);
            Sockets.sockConnect(client, address);
            // 4 MiB exceeds the socket buffers: sockSendall must suspend while the server reads.
            Sockets.sockSendall(client, ByteBuffer.wrap(big));
            client.shutdownOutput();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            while (true) {
                byte[] chunk = Sockets.sockRecv(client, 100_000);
                if (chunk.length == 0) break;
                reply.write(chunk);
            }
            assertArrayEquals(big, server.await());
            byte[] all = reply.toByteArray();
            String header = "got " + big.length + "\n";
            assertEquals(header, new String(all, 0, header.length(), StandardCharsets.US_ASCII));
            assertArrayEquals(java.util.Arrays.copyOfRange(fileBytes, 100, fileBytes.length),
                    java.util.Arrays.copyOfRange(all, header.length(), all.length));
            client.close();
            listener.close();
        });
    }

    @Test
    void datagramsWithRecvfromAndSendto() {
        Asyncio.run(() -> {
            DatagramChannel a = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            DatagramChannel b = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            a.configureBlocking(false);
            b.configureBlocking(false);
            Task<String> receiver = Asyncio.createTask(() -> {
                ByteBuffer buf = ByteBuffer.allocate(100);
                SocketAddress from = Sockets.sockRecvfrom(b, buf);
                assertEquals(a.getLocalAddress(), from);
                buf.flip();
                return StandardCharsets.US_ASCII.decode(buf).toString();
            });
            Asyncio.sleep(0); // loop turn: the receiver has run and is suspended now
            assertFalse(receiver.done());
            assertEquals(5, Sockets.sockSendto(a, ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), b.getLocalAddress()));
            assertEquals("hello", receiver.await());
            a.close();
            b.close();
        });
    }

    @Test
    void blockingChannelsAndChannelsOwnedByTransportsAreRefused() {
        Asyncio.run(() -> {
            SocketChannel blocking = SocketChannel.open();
            assertThrows(IllegalArgumentException.class, () -> Sockets.sockRecv(blocking, 10));
            blocking.close();
            Server server = Net.createServer(Recorder::new, "127.0.0.1", 0);
            assertThrows(IllegalStateException.class, () -> Sockets.sockAccept(server.sockets().get(0)));
            server.close();
        });
    }

    @Test
    void aCancelledSendallFreesTheWriteSlotAtOnce() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            Asyncio.run(() -> {
                SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                client.configureBlocking(false);
                try (SocketChannel peer = listener.accept()) { // never reads: the client's buffers fill up
                    // 64 MiB cannot fit in any socket buffer: after its first step the task waits to write.
                    Task<Void> stuck = Asyncio.createTask(() -> Sockets.sockSendall(client, ByteBuffer.allocate(64 << 20)));
                    Asyncio.sleep(0);
                    assertFalse(stuck.done());
                    stuck.cancel();
                    // asyncio frees the writer when the future is cancelled, before the task runs
                    // again: this task may write at once. Loopback may have drained some bytes
                    // meanwhile, so the byte either goes out or waits; "another task is already
                    // writing" is the bug.
                    try {
                        Asyncio.timeout(java.time.Duration.ofMillis(50), () -> Sockets.sockSendall(client, ByteBuffer.allocate(1)));
                    } catch (io.jasyncio.TimeoutError stillFull) {
                        // waited for room: the slot was free
                    }
                    // When the byte went out at once this task never yielded, so the cancelled
                    // task may not have run yet: await its end rather than peek at its state.
                    assertThrows(io.jasyncio.CancelledError.class, stuck::await);
                }
                client.close();
            });
        }
    }

    @Test
    void aListenerClosedRightAfterSockAcceptRefusesTheNextConnect() throws Exception {
        Asyncio.run(() -> {
            ServerSocketChannel listener = ServerSocketChannel.open();
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            listener.configureBlocking(false);
            SocketAddress address = listener.getLocalAddress();
            Task<SocketChannel> accepting = Asyncio.createTask(() -> Sockets.sockAccept(listener));
            Asyncio.sleep(0); // the accept waits: the listener is in the selector now
            SocketChannel first = Asyncio.toThread(() -> SocketChannel.open(address));
            SocketChannel accepted = accepting.await();
            listener.close();
            // Closed for real, not deferred to the loop's next select: the port refuses at once.
            assertThrows(java.net.ConnectException.class, () -> SocketChannel.open(address).close());
            accepted.close();
            first.close();
        });
    }

    @Test
    void sockSendfileSendsExactlyCountBytesFromOffsetThroughAFullSocket(@TempDir Path dir) throws Exception {
        byte[] fileBytes = new byte[2 << 20];
        new Random(11).nextBytes(fileBytes);
        Path file = Files.write(dir.resolve("payload.bin"), fileBytes);
        int offset = 1000;
        int count = 1_000_000; // ends before the file does
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 8192);
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            Asyncio.run(() -> {
                SocketChannel client = SocketChannel.open();
                client.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 8192);
                client.connect(listener.getLocalAddress());
                client.configureBlocking(false);
                SocketChannel peer = listener.accept();
                peer.configureBlocking(false);
                // Small buffers: the file goes out in many transfers, each waiting for the reader below.
                Task<Long> send = Asyncio.createTask(() -> {
                    try (FileChannel fc = FileChannel.open(file)) {
                        return Sockets.sockSendfile(client, fc, offset, count);
                    }
                });
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                ByteBuffer buf = ByteBuffer.allocate(4096);
                while (got.size() < count) {
                    buf.clear();
                    int n = Sockets.sockRecvInto(peer, buf);
                    assertTrue(n > 0, "EOF before the count was sent");
                    got.write(buf.array(), 0, n);
                }
                assertEquals(count, send.await());
                client.shutdownOutput();
                while (true) {
                    buf.clear();
                    int n = Sockets.sockRecvInto(peer, buf);
                    if (n < 0) break;
                    got.write(buf.array(), 0, n);
                }
                assertArrayEquals(java.util.Arrays.copyOfRange(fileBytes, offset, offset + count), got.toByteArray());
                client.close();
                peer.close();
            });
        }
    }

    @Test
    void aConnectThatCompletesAtOnceDoesNotSuspend(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("s.sock");
        try (ServerSocketChannel listener = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            listener.bind(java.net.UnixDomainSocketAddress.of(path));
            Asyncio.run(() -> {
                SocketChannel ch = SocketChannel.open(java.net.StandardProtocolFamily.UNIX);
                ch.configureBlocking(false);
                boolean[] otherTaskRan = {false};
                Asyncio.createTask(() -> otherTaskRan[0] = true);
                // A Unix socket connects within the connect call: no wait, so no other task runs.
                Sockets.sockConnect(ch, java.net.UnixDomainSocketAddress.of(path));
                assertTrue(ch.isConnected());
                assertFalse(otherTaskRan[0], "sockConnect suspended though the socket was connected");
                ch.close();
            });
        }
    }

    @Test
    void aConnectThatCannotCompleteWaitsWithoutHoldingTheLoopAndIsCancellable() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            SocketAddress address = listener.getLocalAddress();
            // Linux queues backlog + 1 connections; a SYN beyond that is dropped and retried for minutes.
            SocketChannel q1 = SocketChannel.open(address);
            SocketChannel q2 = SocketChannel.open(address);
            Asyncio.run(() -> {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                Task<Void> connecting = Asyncio.createTask(() -> Sockets.sockConnect(ch, address));
                for (int i = 0; i < 3; i++) Asyncio.sleep(0); // the loop turns while the connect waits
                connecting.cancel();
                assertThrows(io.jasyncio.CancelledError.class, connecting::await);
                assertFalse(ch.isConnected());
                ch.close();
            });
            q1.close();
            q2.close();
        }
    }
}
