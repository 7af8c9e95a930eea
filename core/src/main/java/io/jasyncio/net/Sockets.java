package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Objects;

/**
 * Low-level socket operations that suspend the calling task instead of blocking: asyncio's
 * {@code loop.sock_connect}, {@code sock_accept}, {@code sock_recv}, {@code sock_recv_into},
 * {@code sock_sendall}, {@code sock_recvfrom}, {@code sock_sendto} and {@code sock_sendfile}.
 * For protocols that {@link Transport}s do not fit; prefer transports otherwise.
 *
 * <pre>{@code
 * SocketChannel ch = SocketChannel.open();
 * ch.configureBlocking(false);
 * Sockets.sockConnect(ch, new InetSocketAddress("127.0.0.1", 8888));
 * Sockets.sockSendall(ch, ByteBuffer.wrap(request));
 * byte[] reply = Sockets.sockRecv(ch, 4096);
 * }</pre>
 *
 * <p>Every method must be called from a task of the running loop, on a non-blocking channel
 * ({@link IllegalArgumentException} otherwise) that no transport or server uses. One task may
 * read while another writes the same channel; two readers (or two writers) at once fail with
 * {@link IllegalStateException}. Each method tries the operation first and suspends only while
 * the socket is not ready. All are suspending.
 */
public final class Sockets {
    private Sockets() {
    }

    /** Connects {@code ch} to {@code address}. Suspending. */
    public static void sockConnect(SocketChannel ch, SocketAddress address) throws IOException {
        Objects.requireNonNull(address, "address");
        EventLoop loop = Asyncio.getRunningLoop();
        Readiness.check(loop, ch);
        if (ch.connect(address)) return;
        while (true) {
            Readiness.awaitWritable(loop, ch);
            if (ch.finishConnect()) return;
        }
    }

    /** Accepts one connection, returned in non-blocking mode. Suspending. */
    public static SocketChannel sockAccept(ServerSocketChannel ch) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        Readiness.check(loop, ch);
        while (true) {
            SocketChannel c = ch.accept();
            if (c != null) {
                c.configureBlocking(false);
                return c;
            }
            Readiness.awaitReadable(loop, ch);
        }
    }

    /** Receives up to {@code maxBytes}; an empty array means the peer closed its side. Suspending. */
    public static byte[] sockRecv(SocketChannel ch, int maxBytes) throws IOException {
        if (maxBytes < 0) throw new IllegalArgumentException("maxBytes must be >= 0: " + maxBytes);
        ByteBuffer buf = ByteBuffer.allocate(maxBytes);
        int n = sockRecvInto(ch, buf);
        return n <= 0 ? new byte[0] : Arrays.copyOf(buf.array(), n);
    }

    /**
     * Reads into {@code buf} (from its position) once something arrives: the byte count, or -1 at
     * end of stream as {@link SocketChannel#read(ByteBuffer)} says it. Suspending.
     */
    public static int sockRecvInto(SocketChannel ch, ByteBuffer buf) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        Readiness.check(loop, ch);
        if (!buf.hasRemaining()) return 0;
        while (true) {
            int n = ch.read(buf);
            if (n != 0) return n;
            Readiness.awaitReadable(loop, ch);
        }
    }

    /** Sends every remaining byte of {@code data}, suspending while the socket is full. Suspending. */
    public static void sockSendall(SocketChannel ch, ByteBuffer data) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        Readiness.check(loop, ch);
        while (data.hasRemaining()) {
            if (ch.write(data) == 0) Readiness.awaitWritable(loop, ch);
        }
    }

    /** Receives one datagram into {@code buf} and returns its sender. Suspending. */
    public static SocketAddress sockRecvfrom(DatagramChannel ch, ByteBuffer buf) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        Readiness.check(loop, ch);
        while (true) {
            SocketAddress from = ch.receive(buf);
            if (from != null) return from;
            Readiness.awaitReadable(loop, ch);
        }
    }

    /** Sends {@code data} as one datagram to {@code address}; returns the bytes sent. Suspending. */
    public static int sockSendto(DatagramChannel ch, ByteBuffer data, SocketAddress address) throws IOException {
        Objects.requireNonNull(address, "address");
        EventLoop loop = Asyncio.getRunningLoop();
        Readiness.check(loop, ch);
        int size = data.remaining();
        while (true) {
            int n = ch.send(data, address);
            if (n > 0 || size == 0) return n;
            Readiness.awaitWritable(loop, ch);
        }
    }

    /**
     * Sends {@code count} bytes of {@code file} from {@code offset} with
     * {@link FileChannel#transferTo} (zero-copy {@code sendfile(2)} where the OS offers it),
     * suspending while the socket is full; returns the bytes sent, fewer only when the file ends.
     * Suspending.
     */
    public static long sockSendfile(SocketChannel ch, FileChannel file, long offset, long count) throws IOException {
        if (offset < 0 || count < 0) throw new IllegalArgumentException("offset and count must be >= 0: " + offset + ", " + count);
        EventLoop loop = Asyncio.getRunningLoop();
        Readiness.check(loop, ch);
        long sent = 0;
        long size = file.size();
        while (sent < count && offset + sent < size) {
            long n = file.transferTo(offset + sent, count - sent, ch);
            if (n > 0) sent += n;
            else Readiness.awaitWritable(loop, ch);
        }
        return sent;
    }
}
