package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.ErrorContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
}
