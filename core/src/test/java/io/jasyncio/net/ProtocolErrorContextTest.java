package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static io.jasyncio.net.Recorder.port;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.ErrorContext;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** asyncio's context keys transport, protocol and socket reach the exception handler as objects. */
@Timeout(20)
class ProtocolErrorContextTest {

    /** A protocol whose dataReceived fails. */
    static final class Failing extends Recorder {
        @Override
        public void dataReceived(ByteBuffer data) {
            throw new IllegalStateException("cannot parse");
        }
    }

    @Test
    void aFailingProtocolCallbackGivesTheHandlerItsTransportProtocolAndSocket() {
        List<ErrorContext> handled = new ArrayList<>();
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> handled.add(ctx));
            Server server = Net.createServer(Recorder::echo, "127.0.0.1", 0);
            Connection<Failing> c = Net.createConnection(Failing::new, "127.0.0.1", port(server));
            c.transport().write(ascii("hello"));
            Throwable lostWith = c.protocol().lost.await();
            assertEquals("cannot parse", lostWith.getMessage());
            assertEquals(1, handled.size());
            ErrorContext ctx = handled.get(0);
            assertEquals("Fatal error: protocol.dataReceived() call failed.", ctx.message());
            assertSame(c.transport(), ctx.transport());
            assertSame(c.protocol(), ctx.protocol());
            assertInstanceOf(SocketChannel.class, ctx.socket());
            assertSame(c.transport().getExtraInfo("socket"), ctx.socket());
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void aVirtualMachineErrorFromConnectionLostEndsTheRunInsteadOfBeingReported() {
        StackOverflowError fatal = new StackOverflowError("deep");
        List<ErrorContext> handled = new ArrayList<>();
        assertSame(fatal, assertThrows(StackOverflowError.class, () -> Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> handled.add(ctx));
            try (Server server = Net.createServer(Recorder::new, "127.0.0.1", 0)) {
                Connection<Recorder> c = Net.createConnection(() -> new Recorder() {
                    @Override
                    public void connectionLost(Throwable exc) {
                        throw fatal;
                    }
                }, "127.0.0.1", server.port());
                c.transport().close(); // connectionLost runs in the next loop iteration
                for (int i = 0; i < 5; i++) Asyncio.sleep(0);
            }
        })));
        assertEquals(List.of(), handled, "a VirtualMachineError is not an error to report and go on from");
    }

    /** Throws {@code fatal} (unchecked) from the callback named {@code failIn}, the first time it is called. */
    static class FailingIn extends Recorder {
        final String failIn;
        final Throwable fatal;

        FailingIn(String failIn, Throwable fatal) {
            this.failIn = failIn;
            this.fatal = fatal;
        }

        boolean failed;

        /** Throws once: the loop's close may call the callback again, and one instance thrown twice cannot be suppressed by itself. */
        void maybeFail(String where) {
            if (where.equals(failIn) && !failed) {
                failed = true;
                if (fatal instanceof RuntimeException r) throw r;
                throw (Error) fatal;
            }
        }

        @Override
        public void connectionMade(Transport t) {
            super.connectionMade(t);
            maybeFail("connectionMade");
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            maybeFail("dataReceived");
            super.dataReceived(data);
        }

        @Override
        public boolean eofReceived() {
            maybeFail("eofReceived");
            return super.eofReceived();
        }
    }

    /** The same, reading into a buffer of its own. */
    static final class FailingBufferedIn extends FailingIn implements BufferedProtocol {
        final ByteBuffer own = ByteBuffer.allocate(100);

        FailingBufferedIn(String failIn, Throwable fatal) {
            super(failIn, fatal);
        }

        @Override
        public ByteBuffer getBuffer(int sizeHint) {
            maybeFail("getBuffer");
            return own.clear();
        }

        @Override
        public void bufferUpdated(int nbytes) {
            maybeFail("bufferUpdated");
        }
    }

    @Test
    void aVirtualMachineErrorFromAnyReadingCallbackEndsTheRunInsteadOfBeingReported() {
        for (String callback : List.of("connectionMade", "dataReceived", "getBuffer", "bufferUpdated", "eofReceived")) {
            StackOverflowError fatal = new StackOverflowError(callback);
            boolean buffered = callback.equals("getBuffer") || callback.equals("bufferUpdated");
            List<ErrorContext> handled = new ArrayList<>();
            assertSame(fatal, assertThrows(StackOverflowError.class, () -> Asyncio.run(() -> {
                Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> handled.add(ctx));
                try (Server server = Net.createServer(() -> buffered ? new FailingBufferedIn(callback, fatal)
                        : new FailingIn(callback, fatal), "127.0.0.1", 0)) {
                    Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", server.port());
                    c.transport().write(ascii("data"));
                    c.transport().writeEof();
                    // the server side closes on EOF (or on a reported error): then the client loses its connection
                    c.protocol().lost.await();
                    for (int i = 0; i < 3; i++) Asyncio.sleep(0);
                }
            })), callback);
            // (the loop's close may report the test's own Recorder failing to record a late loss)
            assertTrue(handled.stream().noneMatch(ctx -> ctx.exception() == fatal), () -> callback + ": reported " + handled);
        }
    }
    @Test
    void anExceptionFromAnyReadingCallbackIsReportedWithItsNameAndEndsTheConnectionWithIt() {
        for (String callback : List.of("dataReceived", "getBuffer", "bufferUpdated", "eofReceived")) {
            IllegalStateException boom = new IllegalStateException("boom in " + callback);
            boolean buffered = callback.equals("getBuffer") || callback.equals("bufferUpdated");
            List<ErrorContext> handled = new ArrayList<>();
            List<FailingIn> accepted = new ArrayList<>();
            Asyncio.run(() -> {
                Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> handled.add(ctx));
                try (Server server = Net.createServer(() -> {
                    FailingIn p = buffered ? new FailingBufferedIn(callback, boom) : new FailingIn(callback, boom);
                    accepted.add(p);
                    return p;
                }, "127.0.0.1", 0)) {
                    Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", server.port());
                    if (!callback.equals("eofReceived")) c.transport().write(ascii("data"));
                    c.transport().writeEof();
                    assertSame(boom, Recorder.awaitFirst(accepted).lost.await(), callback + ": the connection ends with it");
                    c.protocol().lost.await();
                }
            });
            assertEquals(1, handled.size(), () -> callback + ": " + handled);
            assertEquals("Fatal error: protocol." + callback + "() call failed.", handled.get(0).message());
            assertSame(boom, handled.get(0).exception());
        }
    }
}
