package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Sockets} refuses bad input before any I/O: blocking channels (each case has its I/O
 * ready, so an operation that went ahead would succeed instead of failing), closed channels,
 * negative sizes and null addresses; and the zero-size edge cases return at once.
 */
@Timeout(20)
class SocketsBadInputTest {

    private static ServerSocketChannel listener() throws Exception {
        ServerSocketChannel l = ServerSocketChannel.open();
        l.bind(new InetSocketAddress("127.0.0.1", 0));
        return l;
    }

    private static DatagramChannel udp(boolean blocking) throws Exception {
        DatagramChannel ch = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        ch.configureBlocking(blocking);
        return ch;
    }

    private static IllegalArgumentException refusedAsBlocking(org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains("non-blocking"), e.getMessage());
        return e;
    }

    @Test
    void everyOperationRefusesABlockingChannelBeforeDoingItsIo(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[100]);
        try (ServerSocketChannel listener = listener()) {
            Asyncio.run(() -> {
                SocketChannel blocking = SocketChannel.open();
                refusedAsBlocking(() -> Sockets.sockConnect(blocking, listener.getLocalAddress()));
                assertFalse(blocking.isConnected(), "refused before connecting");
                blocking.close();

                // A connection is pending: a blocking accept would return it at once.
                SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                refusedAsBlocking(() -> Sockets.sockAccept(listener));
                SocketChannel accepted = listener.accept();
                assertNotNull(accepted, "the pending connection was left to accept");
                // Connected and blocking: room to write, and data to read.
                client.write(ByteBuffer.wrap(new byte[] {1}));
                refusedAsBlocking(() -> Sockets.sockSendall(accepted, ByteBuffer.wrap(new byte[] {2})));
                refusedAsBlocking(() -> Sockets.sockRecv(accepted, 10));
                try (FileChannel fc = FileChannel.open(file)) {
                    refusedAsBlocking(() -> Sockets.sockSendfile(accepted, fc, 0, 100));
                }
                accepted.shutdownOutput();
                ByteBuffer got = ByteBuffer.allocate(10);
                assertEquals(-1, client.read(got), "nothing was sent to the client");
                client.close();
                accepted.close();

                DatagramChannel a = udp(true);
                DatagramChannel b = udp(true);
                a.send(ByteBuffer.wrap(new byte[] {3}), b.getLocalAddress()); // b has a datagram waiting
                refusedAsBlocking(() -> Sockets.sockRecvfrom(b, ByteBuffer.allocate(10)));
                refusedAsBlocking(() -> Sockets.sockSendto(b, ByteBuffer.wrap(new byte[] {4}), a.getLocalAddress()));
                b.configureBlocking(false);
                assertNotNull(b.receive(ByteBuffer.allocate(10)), "the waiting datagram was left to receive");
                a.configureBlocking(false);
                assertNull(a.receive(ByteBuffer.allocate(10)), "nothing was sent to a");
                a.close();
                b.close();
            });
        }
    }

    @Test
    void aClosedChannelFailsWithClosedChannelException() {
        Asyncio.run(() -> {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.close();
            assertThrows(ClosedChannelException.class, () -> Sockets.sockRecv(ch, 10));
            assertThrows(ClosedChannelException.class, () -> Sockets.sockSendall(ch, ByteBuffer.allocate(1)));
            DatagramChannel d = udp(false);
            d.close();
            assertThrows(ClosedChannelException.class, () -> Sockets.sockRecvfrom(d, ByteBuffer.allocate(1)));
        });
    }

    @Test
    void negativeSizesAndNullAddressesAreRefused(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[100]);
        Asyncio.run(() -> {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            assertThrows(IllegalArgumentException.class, () -> Sockets.sockRecv(ch, -1));
            try (FileChannel fc = FileChannel.open(file)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sockets.sockSendfile(ch, fc, -1, 0));
                assertTrue(e.getMessage().contains("offset and count"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> Sockets.sockSendfile(ch, fc, 0, -1));
            }
            assertThrows(NullPointerException.class, () -> Sockets.sockConnect(ch, null));
            DatagramChannel d = udp(false);
            assertThrows(NullPointerException.class, () -> Sockets.sockSendto(d, ByteBuffer.allocate(1), null));
            d.close();
            ch.close();
        });
    }

    @Test
    void zeroSizedReadsAndSendfilesReturnAtOnceWithoutWaitingForThePeer(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[100]);
        try (ServerSocketChannel listener = listener()) {
            Asyncio.run(() -> {
                SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                client.configureBlocking(false);
                try (SocketChannel peer = listener.accept(); FileChannel fc = FileChannel.open(file)) {
                    // The peer sends nothing: any wait for readability would never end.
                    assertEquals(0, Sockets.sockRecv(client, 0).length);
                    assertEquals(0, Sockets.sockRecvInto(client, ByteBuffer.allocate(0)));
                    assertEquals(0, Sockets.sockSendfile(client, fc, 0, 0));
                    assertEquals(0, Sockets.sockSendfile(client, fc, 100, 10), "at the end of the file");
                    client.shutdownOutput();
                    ByteBuffer got = ByteBuffer.allocate(10);
                    assertEquals(-1, peer.read(got), "nothing was sent");
                }
                client.close();
            });
        }
    }
}
