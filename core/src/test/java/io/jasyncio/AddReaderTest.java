package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.net.Net;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Sockets;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** asyncio's add_reader/add_writer on real pipes and sockets. */
@Timeout(20)
class AddReaderTest {

    @Test
    void aReaderRunsWhenDataArrivesUntilRemovedAndTheKeyIsReleasedAtOnce() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Pipe pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            ByteBuffer buf = ByteBuffer.allocate(16);
            Future<String> got = loop.createFuture();
            loop.addReader(pipe.source(), () -> {
                try {
                    buf.clear();
                    int n = pipe.source().read(buf);
                    got.setResult(new String(buf.array(), 0, n, java.nio.charset.StandardCharsets.US_ASCII));
                } catch (java.io.IOException e) {
                    got.setException(e);
                }
            });
            pipe.sink().write(ByteBuffer.wrap("ping".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            assertEquals("ping", got.await());
            assertTrue(pipe.source().isRegistered());
            assertTrue(loop.removeReader(pipe.source()));
            assertFalse(pipe.source().isRegistered(), "removing the last callback deregisters the channel at once");
            assertFalse(loop.removeReader(pipe.source()));
            assertFalse(loop.removeWriter(pipe.sink()));
            pipe.source().close();
            pipe.sink().close();
        });
    }

    @Test
    void addingAgainReplacesTheCallbackAndReaderAndWriterAreIndependent() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            SocketChannel[] pair = socketPair();
            SocketChannel a = pair[0];
            a.configureBlocking(false);
            List<String> calls = new ArrayList<>();
            Future<Void> writable = loop.createFuture();
            Future<Void> readable = loop.createFuture();
            loop.addReader(a, () -> calls.add("first reader"));
            loop.addReader(a, () -> {
                calls.add("second reader");
                loop.removeReader(a);
                readable.setResult(null);
            });
            loop.addWriter(a, () -> {
                calls.add("writer");
                loop.removeWriter(a);
                writable.setResult(null);
            });
            writable.await();
            assertTrue(a.isRegistered(), "the reader still watches");
            pair[1].write(ByteBuffer.wrap(new byte[]{1}));
            readable.await();
            assertFalse(calls.contains("first reader"), calls.toString());
            assertEquals(List.of("writer", "second reader"), calls);
            assertFalse(a.isRegistered());
            a.close();
            pair[1].close();
        });
    }

    @Test
    void aCallbackThatThrowsGoesToTheExceptionHandlerAndTheLoopGoesOn() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<Throwable> reported = new ArrayList<>();
            loop.setExceptionHandler((l, ctx) -> reported.add(ctx.exception()));
            Pipe pipe = Pipe.open();
            pipe.sink().configureBlocking(false);
            Future<Void> second = loop.createFuture();
            int[] n = {0};
            loop.addWriter(pipe.sink(), () -> {
                if (++n[0] == 1) throw new IllegalStateException("boom");
                loop.removeWriter(pipe.sink());
                second.setResult(null);
            });
            second.await();
            assertEquals(1, reported.size());
            assertEquals("boom", reported.get(0).getMessage());
            pipe.sink().close();
            pipe.source().close();
        });
    }

    @Test
    void badChannelsAreRefusedPrecisely() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Pipe pipe = Pipe.open();
            IllegalArgumentException blocking = assertThrows(IllegalArgumentException.class,
                    () -> loop.addReader(pipe.source(), () -> { }));
            assertTrue(blocking.getMessage().contains("non-blocking"), blocking.getMessage());
            pipe.source().configureBlocking(false);
            pipe.sink().configureBlocking(false);
            IllegalArgumentException cannotRead = assertThrows(IllegalArgumentException.class,
                    () -> loop.addReader(pipe.sink(), () -> { }));
            assertTrue(cannotRead.getMessage().contains("cannot be read"), cannotRead.getMessage());
            assertThrows(IllegalArgumentException.class, () -> loop.addWriter(pipe.source(), () -> { }));
            assertThrows(NullPointerException.class, () -> loop.addReader(pipe.source(), null));
            pipe.sink().close();
            IllegalArgumentException closed = assertThrows(IllegalArgumentException.class,
                    () -> loop.addWriter(pipe.sink(), () -> { }));
            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
            // Another thread: the precise loop-thread error.
            var error = new java.util.concurrent.atomic.AtomicReference<Throwable>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    loop.addReader(pipe.source(), () -> { });
                } catch (Throwable e) {
                    error.set(e);
                }
            });
            t.join();
            assertInstanceOf(IllegalStateException.class, error.get());
            assertTrue(error.get().getMessage().contains("callSoonThreadsafe"), error.get().getMessage());
            pipe.source().close();
        });
    }

    @Test
    void aChannelUsedByATransportIsRefusedAndAWatchedOneCannotBecomeATransport() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            SocketChannel[] pair = socketPair();
            pair[0].configureBlocking(false);
            pair[1].configureBlocking(false);
            // A transport's channel cannot be watched...
            var conn = Net.createConnection(() -> new Protocol() { }, pair[0], null);
            IllegalStateException used = assertThrows(IllegalStateException.class, () -> loop.addReader(pair[0], () -> { }));
            assertTrue(used.getMessage().contains("already used by a transport"), used.getMessage());
            conn.transport().close();
            // ...and a watched channel cannot become a transport or a Sockets wait.
            loop.addReader(pair[1], () -> { });
            IllegalStateException waiting = assertThrows(IllegalStateException.class,
                    () -> Sockets.sockRecv(pair[1], 1));
            assertTrue(waiting.getMessage().contains("addReader"), waiting.getMessage());
            IllegalStateException watched = assertThrows(IllegalStateException.class,
                    () -> Net.createConnection(() -> new Protocol() { }, pair[1], null));
            assertTrue(watched.getMessage().contains("addReader"), watched.getMessage());
            assertTrue(loop.removeReader(pair[1]));
            pair[1].close();
        });
    }

    static SocketChannel[] socketPair() throws java.io.IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            SocketChannel a = SocketChannel.open(server.getLocalAddress());
            SocketChannel b = server.accept();
            return new SocketChannel[]{a, b};
        }
    }
}
