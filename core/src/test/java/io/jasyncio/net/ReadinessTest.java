package io.jasyncio.net;

import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.ErrorContext;
import io.jasyncio.Task;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tasks waiting for a channel through {@link Sockets} ({@link Readiness}, asyncio's
 * {@code add_reader}/{@code add_writer} with a future per wait): a reader and a writer may wait
 * on one socket at once, each woken by its own event and each asking the selector only for it; a
 * second reader (or writer) meanwhile is refused; the channel leaves the selector as soon as the
 * last wait ends.
 */
@Timeout(20)
class ReadinessTest {
    /** More than the socket buffers of a loopback connection hold: a send of it waits for the peer. */
    private static final int MORE_THAN_THE_SOCKET_TAKES = 16 << 20;

    /** A connected pair of non-blocking sockets on 127.0.0.1. */
    private static SocketChannel[] pair() throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            SocketChannel a = SocketChannel.open(listener.getLocalAddress());
            SocketChannel b = listener.accept();
            a.configureBlocking(false);
            b.configureBlocking(false);
            return new SocketChannel[]{a, b};
        }
    }

    /** The interest the loop's selector has in {@code ch}, or -1 if it is not registered there. */
    private static int interest(SelectableChannel ch) {
        var key = ch.keyFor(IoLoop.of(Asyncio.getRunningLoop()).selector);
        return key == null || !key.isValid() ? -1 : key.interestOps();
    }

    /** Loop turns until the selector's interest in {@code ch} is {@code ops} (bounded by the test's timeout). */
    private static void awaitInterest(SelectableChannel ch, int ops) {
        while (interest(ch) != ops) Asyncio.sleep(0);
    }

    @Test
    void aReaderAndAWriterWaitOnOneSocketAtOnceAndEachIsWokenByItsOwnEvent() {
        Asyncio.run(() -> {
            SocketChannel[] p = pair();
            Task<byte[]> reader = Asyncio.createTask(() -> Sockets.sockRecv(p[0], 10));
            Task<Boolean> writer = Asyncio.createTask(() -> {
                Sockets.sockSendall(p[0], ByteBuffer.allocate(MORE_THAN_THE_SOCKET_TAKES));
                return p[0].isRegistered();
            });
            awaitInterest(p[0], OP_READ | OP_WRITE); // both wait: the peer neither sends nor reads
            assertFalse(reader.done());
            assertFalse(writer.done());

            p[1].write(ByteBuffer.wrap("hello".getBytes()));
            assertEquals("hello", new String(reader.await()));
            assertFalse(writer.done());
            assertEquals(OP_WRITE, interest(p[0]), "only the writer waits now, and for writability only");

            ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
            long drained = 0;
            while (drained < MORE_THAN_THE_SOCKET_TAKES) {
                sink.clear();
                drained += Sockets.sockRecvInto(p[1], sink);
            }
            assertFalse(writer.await(), "the channel left the selector when the last wait ended");

            // a wait that is the only one leaves the selector too
            Task<Boolean> lone = Asyncio.createTask(() -> {
                Sockets.sockRecv(p[0], 10);
                return p[0].isRegistered();
            });
            awaitInterest(p[0], OP_READ);
            p[1].write(ByteBuffer.wrap("x".getBytes()));
            assertFalse(lone.await());
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void aSecondTaskReadingOrWritingTheSameSocketMeanwhileIsRefused() {
        Asyncio.run(() -> {
            SocketChannel[] p = pair();
            Task<byte[]> reader = Asyncio.createTask(() -> Sockets.sockRecv(p[0], 10));
            awaitInterest(p[0], OP_READ);
            IllegalStateException reading = assertThrows(IllegalStateException.class, () -> Sockets.sockRecv(p[0], 10));
            assertTrue(reading.getMessage().contains("already reading"), reading.getMessage());
            Task<Void> writer = Asyncio.createTask(() -> Sockets.sockSendall(p[0], ByteBuffer.allocate(MORE_THAN_THE_SOCKET_TAKES)));
            awaitInterest(p[0], OP_READ | OP_WRITE);
            IllegalStateException writing = assertThrows(IllegalStateException.class,
                    () -> Sockets.sockSendall(p[0], ByteBuffer.allocate(10)));
            assertTrue(writing.getMessage().contains("already writing"), writing.getMessage());
            assertFalse(reader.done());
            assertFalse(writer.done());

            // a cancelled reader frees its place at once
            reader.cancel();
            Task<byte[]> next = Asyncio.createTask(() -> Sockets.sockRecv(p[0], 10));
            assertThrows(CancelledError.class, reader::await);
            p[1].write(ByteBuffer.wrap("hi".getBytes()));
            assertEquals("hi", new String(next.await()));
            writer.cancel();
            assertThrows(CancelledError.class, writer::await);
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void aClosedChannelIsRefusedEvenByACallThatNeedsNoIO() {
        Asyncio.run(() -> {
            SocketChannel[] p = pair();
            p[0].close();
            assertThrows(ClosedChannelException.class, () -> Sockets.sockSendall(p[0], ByteBuffer.allocate(0)));
            assertThrows(ClosedChannelException.class, () -> Sockets.sockRecvInto(p[0], ByteBuffer.allocate(0)));
            p[1].close();
        });
    }

    /**
     * The peer's byte makes the channel ready in the same loop iteration as the waiting task
     * wakes up cancelled: the task ends the wait (the key is cancelled) before the readiness
     * event is handled, which must then do nothing rather than fail on the cancelled key.
     */
    @Test
    void aWaitCancelledAsItsChannelBecomesReadyEndsQuietly() {
        Asyncio.run(() -> {
            List<ErrorContext> reported = new ArrayList<>();
            Asyncio.getRunningLoop().setExceptionHandler((loop, ctx) -> reported.add(ctx));
            SocketChannel[] p = pair();
            Task<byte[]> reader = Asyncio.createTask(() -> Sockets.sockRecv(p[0], 10));
            awaitInterest(p[0], OP_READ);
            Asyncio.getRunningLoop().callSoon(() -> {
                try {
                    p[1].write(ByteBuffer.wrap("x".getBytes()));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                reader.cancel();
            });
            assertThrows(CancelledError.class, reader::await);
            for (int i = 0; i < 3; i++) Asyncio.sleep(0);
            assertEquals(List.of(), reported);
            assertFalse(p[0].isRegistered());
            assertEquals("x", new String(Sockets.sockRecv(p[0], 10)), "the byte is still there for the next reader");
            p[0].close();
            p[1].close();
        });
    }
}
