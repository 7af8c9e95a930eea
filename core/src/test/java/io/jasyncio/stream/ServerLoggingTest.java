package io.jasyncio.stream;

import static io.jasyncio.stream.StreamTesting.port;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.ErrorContext;
import io.jasyncio.Future;
import io.jasyncio.net.Server;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a server logs when its clients misbehave: readable, at the right level, with objects. */
@Timeout(30)
class ServerLoggingTest {

    /** Records what jasyncio logs, at every level, while open. */
    static final class Records extends Handler implements AutoCloseable {
        private final Logger logger = Logger.getLogger("io.jasyncio");
        private final Level savedLevel = logger.getLevel();
        final List<LogRecord> records = new ArrayList<>();

        Records() {
            setLevel(Level.ALL);
            logger.setLevel(Level.ALL);
            logger.addHandler(this);
        }

        @Override
        public synchronized void publish(LogRecord r) {
            records.add(r);
        }

        synchronized List<LogRecord> snapshot() {
            return new ArrayList<>(records);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {
            logger.removeHandler(this);
            logger.setLevel(savedLevel);
        }
    }

    @Test
    void aClientThatDisconnectsWhileTheHandlerWritesIsAConnectionLostAtDebugNotAnError() throws Exception {
        List<ErrorContext> handled = new ArrayList<>();
        try (Records log = new Records()) {
            Asyncio.run(() -> {
                Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> handled.add(ctx));
                Future<Throwable> handlerFailed = Asyncio.getRunningLoop().createFuture();
                Server server = Streams.startServer((reader, writer) -> {
                    byte[] chunk = new byte[64 * 1024];
                    try {
                        while (true) {
                            writer.write(chunk);
                            writer.drain();
                        }
                    } catch (IOException e) {
                        handlerFailed.setResult(e);
                        throw e; // as a handler that does not catch would
                    }
                }, "127.0.0.1", 0);
                // A client that reads a little, then resets the connection (SO_LINGER 0).
                int port = port(server);
                Asyncio.toThread(() -> {
                    try (SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
                        c.read(ByteBuffer.allocate(1024));
                        c.setOption(StandardSocketOptions.SO_LINGER, 0);
                    }
                    return null;
                });
                Throwable seen = handlerFailed.await();
                // The done callback that logs runs after the handler's task ends: wait for it.
                while (log.snapshot().stream().noneMatch(r -> r.getLevel() == Level.FINE && text(r).contains("connection was lost"))) {
                    Asyncio.sleep(0.01);
                }
                assertInstanceOf(IOException.class, seen);
                // The stack of the stored error shows where the write met the broken connection;
                // the marker adds drain(), where the handler received it.
                assertTrue(Arrays.stream(seen.getSuppressed()).anyMatch(s -> s instanceof RethrownBy
                        && Arrays.stream(s.getStackTrace()).anyMatch(f -> f.getMethodName().equals("drain"))),
                        Arrays.toString(seen.getSuppressed()));
                server.close();
                server.waitClosed();
            });
            assertEquals(List.of(), handled, "a peer that goes away is not an error of the server");
            assertTrue(log.snapshot().stream().noneMatch(r -> r.getLevel().intValue() >= Level.WARNING.intValue()
                    && text(r).contains("client_connected_cb")));
        }
    }

    @Test
    void aHandlerThatFailsForItsOwnReasonReachesTheExceptionHandlerWithTransportProtocolAndSocket() {
        List<ErrorContext> handled = new ArrayList<>();
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> handled.add(ctx));
            IllegalStateException bug = new IllegalStateException("handler bug");
            Server server = Streams.startServer((reader, writer) -> {
                throw bug;
            }, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            assertEquals(0, c.reader().read(-1).length, "the server closes the connection after the failure");
            while (handled.isEmpty()) Asyncio.sleep(0.01);
            ErrorContext ctx = handled.get(0);
            assertSame(bug, ctx.exception());
            assertTrue(ctx.message().startsWith("Unhandled exception in client_connected_cb"), ctx.message());
            assertNotNull(ctx.transport());
            assertNotNull(ctx.protocol());
            assertSame(ctx.transport().getExtraInfo("socket"), ctx.socket());
            assertInstanceOf(SocketChannel.class, ctx.socket());
            c.writer().close();
            server.close();
            server.waitClosed();
        });
        assertEquals(1, handled.size());
    }

    private static String text(LogRecord r) {
        String m = r.getMessage();
        Object[] p = r.getParameters();
        return p == null ? m : java.text.MessageFormat.format(m, p);
    }
}
