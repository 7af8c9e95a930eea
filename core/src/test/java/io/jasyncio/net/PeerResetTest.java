package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.ErrorContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer that resets the connection (a close with SO_LINGER 0 sends RST on loopback): the next
 * read or write of the transport fails, and the transport ends with that IOException, as
 * asyncio's {@code _fatal_error} (logged at DEBUG, not reported to the exception handler).
 */
@Timeout(20)
class PeerResetTest {

    /** Connects {@code protocol} to a plain server socket and resets the accepted end at once. */
    private static <P extends Protocol> Connection<P> connectAndReset(java.util.function.Supplier<P> protocol,
            boolean pauseReadingFirst) throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            Connection<P> c = Net.createConnection(protocol, "127.0.0.1",
                    ((InetSocketAddress) listener.getLocalAddress()).getPort());
            if (pauseReadingFirst) c.transport().pauseReading();
            try (SocketChannel peer = listener.accept()) { // blocking: the connection is established already
                peer.setOption(StandardSocketOptions.SO_LINGER, 0);
            } // the close sends RST, delivered within the call on loopback
            return c;
        }
    }

    @Test
    void aResetSeenByABufferedProtocolsReadEndsTheConnectionWithTheReadError() {
        List<ErrorContext> handled = new ArrayList<>();
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> handled.add(ctx));
            Connection<ProtocolErrorContextTest.FailingBufferedIn> c = connectAndReset(
                    () -> new ProtocolErrorContextTest.FailingBufferedIn("no callback", new Error("unused")), false);
            assertInstanceOf(IOException.class, c.protocol().lost.await(), "the read error ends the connection");
            assertTrue(c.transport().isClosing());
        });
        assertEquals(List.of(), handled, "a reset is an I/O error of the connection, not one to report");
    }

    @Test
    void aResetSeenByADirectWriteEndsTheConnectionWithTheWriteError() {
        List<ErrorContext> handled = new ArrayList<>();
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> handled.add(ctx));
            // Not reading: the reset is first seen by the write, which the socket takes at once
            // when nothing is buffered.
            Connection<Recorder> c = connectAndReset(Recorder::new, true);
            c.transport().write(ascii("after the reset"));
            assertInstanceOf(IOException.class, c.protocol().lost.await(), "the write error ends the connection");
            assertEquals(0, c.transport().getWriteBufferSize(), "nothing kept for a connection that is gone");
        });
        assertEquals(List.of(), handled);
    }

    /**
     * A sendfile to a peer that has reset: the kernel's sendfile fails, and the transport ends
     * with that same error (asyncio's {@code _sendfile_native} → {@code _fatal_error}), at once,
     * not only when a later read or write meets the dead socket.
     */
    @Test
    void aSendfileToAPeerThatHasResetFailsWithTheErrorAndEndsTheConnection(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("ten.bin"), "0123456789".getBytes());
        List<ErrorContext> handled = new ArrayList<>();
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> handled.add(ctx));
            // Not reading: the reset is first seen by the sendfile.
            Connection<Recorder> c = connectAndReset(Recorder::new, true);
            Throwable thrown;
            try (FileChannel fc = FileChannel.open(file)) {
                thrown = assertThrows(IOException.class, () -> Net.sendfile(c.transport(), fc, 0, 10));
            }
            assertTrue(c.transport().isClosing(), "the failed sendfile has ended the transport");
            assertSame(thrown, c.protocol().lost.await(), "connectionLost gets the sendfile's error");
        });
        assertEquals(List.of(), handled, "a reset is an I/O error of the connection, not one to report");
    }

    /** asyncio logs a socket's fatal I/O error in debug mode; we log it at DEBUG: the transport and the error. */
    @Test
    void aFatalSocketErrorIsLoggedAtDebugWithTheTransportAndTheError() {
        String[] transport = new String[1];
        Throwable[] lost = new Throwable[1];
        List<LogRecord> records = PipeDebugLogTest.debugRecords(() -> Asyncio.run(() -> {
            Connection<Recorder> c = connectAndReset(Recorder::new, true);
            transport[0] = c.transport().toString(); // open, nothing buffered: as when the write fails
            c.transport().write(ascii("after the reset"));
            lost[0] = assertInstanceOf(IOException.class, c.protocol().lost.await());
        }));
        LogRecord r = PipeDebugLogTest.only(records, "Fatal write error");
        assertEquals("Fatal write error on socket transport " + transport[0], r.getMessage());
        assertSame(lost[0], r.getThrown());
    }
}
