package io.jasyncio.stream;

import static io.jasyncio.stream.StreamTesting.ascii;
import static io.jasyncio.stream.StreamTesting.text;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.ContextVar;
import io.jasyncio.ErrorContext;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link StreamReaderProtocol} driven by hand, as a transport drives it: what reaches the reader,
 * when EOF keeps a connection half open, what a server handler's end does to the connection.
 */
@Timeout(10)
class ReaderProtocolTest {

    @Test
    void aConnectionFeedsTheReaderLetsItPauseTheTransportAndDropsItOnLoss() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader(4);
            StreamReaderProtocol p = new StreamReaderProtocol(reader, null, Asyncio.getRunningLoop());
            assertEquals("StreamReaderProtocol[not connected]", p.toString());
            assertFalse(p.serverSide());
            FakeTransport t = new FakeTransport();
            p.connectionMade(t);
            assertEquals("StreamReaderProtocol[FakeTransport]", p.toString());
            p.dataReceived(ByteBuffer.wrap(ascii("0123456789")));
            assertEquals(10, reader.buffered());
            assertEquals(1, t.pauses, "the reader was given the transport, and paused it above 2 x limit");
            assertTrue(p.eofReceived(), "a plain connection stays half open");
            assertFalse(reader.atEof(), "EOF came, the bytes are still to read");
            assertEquals("0123456789", text(reader.read(100)));
            assertTrue(reader.atEof());
            p.connectionLost(null);
            assertTrue(p.closeWaiter().done());
            assertEquals("StreamReaderProtocol[not connected]", p.toString());
            // The reader is let go: nothing reaches it any more (it would refuse data after EOF).
            p.dataReceived(ByteBuffer.wrap(ascii("late")));
            assertTrue(p.eofReceived());
            p.connectionLost(new SocketException("late"));
            assertNull(reader.exception());
            p.upgradingToTls(false); // no transport any more: plain
            assertTrue(p.eofReceived());
        });
    }

    @Test
    void aLossWithAnErrorFailsTheReaderAndACleanLossEndsIt() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            StreamReader clean = new StreamReader();
            StreamReaderProtocol p = new StreamReaderProtocol(clean, null, loop);
            p.connectionMade(new FakeTransport());
            p.dataReceived(ByteBuffer.wrap(ascii("ab")));
            p.connectionLost(null);
            assertEquals("ab", text(clean.read(-1)));
            assertTrue(clean.atEof());

            StreamReader broken = new StreamReader();
            StreamReaderProtocol q = new StreamReaderProtocol(broken, null, loop);
            q.connectionMade(new FakeTransport());
            SocketException boom = new SocketException("Connection reset");
            q.connectionLost(boom);
            assertFalse(q.closeWaiter().hasUnretrievedException(),
                    "counted as retrieved: nobody has to waitClosed() to silence a report");
            assertSame(boom, broken.exception());
            assertSame(boom, assertThrows(SocketException.class, () -> broken.read(1)));
            assertSame(boom, q.closeWaiter().exception());
        });
    }

    @Test
    void eofOverTlsEndsTheConnectionInsteadOfKeepingItHalfOpen() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            FakeTransport tls = new FakeTransport();
            tls.extra.put("sslcontext", javax.net.ssl.SSLContext.getDefault());
            StreamReaderProtocol p = new StreamReaderProtocol(new StreamReader(), null, loop);
            p.connectionMade(tls);
            assertFalse(p.eofReceived());
            p.upgradingToTls(false);
            assertFalse(p.eofReceived(), "still the TLS transport");

            FakeTransport plain = new FakeTransport();
            StreamReaderProtocol q = new StreamReaderProtocol(new StreamReader(), null, loop);
            q.connectionMade(plain);
            q.upgradingToTls(true);
            assertFalse(q.eofReceived(), "during startTls, EOF already counts as TLS");
            q.upgradingToTls(false);
            assertTrue(q.eofReceived(), "a failed startTls leaves the plain connection half-closable");
            StreamWriter w = new StreamWriter(tls, q, null);
            q.replaceWriter(w);
            assertFalse(q.eofReceived(), "the writer's new transport is TLS");
            assertEquals("StreamReaderProtocol[FakeTransport]", q.toString());
            q.replaceWriter(new StreamWriter(plain, q, null));
            assertTrue(q.eofReceived());
        });
    }

    /** A server connection's protocol whose handler is {@code handler}; its task is in {@code task[0]}. */
    private static StreamReaderProtocol serve(ClientConnected handler, FakeTransport t, Task<?>[] task) {
        StreamReaderProtocol p = new StreamReaderProtocol(new StreamReader(), (r, w) -> {
            task[0] = Asyncio.currentTask();
            handler.accept(r, w);
        }, Asyncio.getRunningLoop());
        assertTrue(p.serverSide());
        p.connectionMade(t);
        return p;
    }

    /**
     * Waits for the handler's end, then one loop turn: the task's done callbacks were all queued
     * when it ended, so the protocol's has run when this returns.
     */
    private static void awaitEnd(Task<?> task) {
        try {
            task.await();
        } catch (io.jasyncio.CancelledError e) {
            if (!task.cancelled()) throw e; // only the handler's own cancellation is expected
        } catch (RuntimeException handlerFailure) {
            // the outcome is what the test checks, through the transport and the reports
        }
        Asyncio.sleep(0);
    }

    private static List<ErrorContext> captureReports() {
        List<ErrorContext> reported = new ArrayList<>();
        Asyncio.getRunningLoop().setExceptionHandler((loop, ctx) -> reported.add(ctx));
        return reported;
    }

    @Test
    void aHandlerThatReturnsLeavesItsConnectionOpen() {
        Asyncio.run(() -> {
            List<ErrorContext> reported = captureReports();
            FakeTransport t = new FakeTransport();
            StreamWriter[] writer = new StreamWriter[1];
            Task<?>[] task = new Task<?>[1];
            StreamReaderProtocol p = serve((r, w) -> writer[0] = w, t, task);
            Asyncio.sleep(0);
            awaitEnd(task[0]);
            assertEquals(0, t.closes, "asyncio closes only after a failed or cancelled handler");
            writer[0].write(ascii("later")); // still usable by whoever kept it
            assertEquals("later", t.sentText());
            assertEquals(List.of(), reported);
            assertEquals("StreamReaderProtocol[FakeTransport]", p.toString());
        });
    }

    @Test
    void aHandlerThatFailsIsReportedWithItsConnectionAndTheConnectionIsClosed() {
        Asyncio.run(() -> {
            List<ErrorContext> reported = captureReports();
            FakeTransport t = new FakeTransport();
            Task<?>[] task = new Task<?>[1];
            IllegalStateException bug = new IllegalStateException("handler bug");
            StreamReaderProtocol p = serve((r, w) -> { throw bug; }, t, task);
            Asyncio.sleep(0);
            awaitEnd(task[0]);
            assertEquals(1, t.closes);
            assertEquals(1, reported.size());
            ErrorContext ctx = reported.get(0);
            assertEquals("Unhandled exception in client_connected_cb (StreamWriter[transport=FakeTransport, reader=StreamReader[0 bytes, transport=FakeTransport]])",
                    ctx.message());
            assertSame(bug, ctx.exception());
            assertSame(t, ctx.transport());
            assertSame(p, ctx.protocol());
            assertNull(ctx.socket(), "the fake transport has no socket");
        });
    }

    @Test
    void theHandlersDoneCallbackRunsInTheContextOfTheConnectionNotOfTheHandler() {
        ContextVar<String> who = new ContextVar<>("who");
        Asyncio.run(() -> {
            List<String> seen = new ArrayList<>();
            Asyncio.getRunningLoop().setExceptionHandler((loop, ctx) -> seen.add(who.get("unset")));
            who.set("connection");
            Task<?>[] task = new Task<?>[1];
            serve((r, w) -> {
                who.set("handler");
                throw new IllegalStateException("handler bug");
            }, new FakeTransport(), task);
            who.set("changed after connectionMade");
            Asyncio.sleep(0);
            awaitEnd(task[0]);
            // asyncio's add_done_callback: a copy of the context current when it was added.
            assertEquals(List.of("connection"), seen);
        });
    }

    @Test
    void aCancelledHandlerClosesItsConnectionWithoutAReport() {
        Asyncio.run(() -> {
            List<ErrorContext> reported = captureReports();
            FakeTransport t = new FakeTransport();
            Task<?>[] task = new Task<?>[1];
            serve((r, w) -> r.read(1), t, task);
            Asyncio.sleep(0);
            task[0].cancel();
            awaitEnd(task[0]);
            assertTrue(task[0].cancelled());
            assertEquals(1, t.closes);
            assertEquals(List.of(), reported);
        });
    }

    @Test
    void aHandlerEndedByTheConnectionsLossClosesWithoutAReport() {
        Asyncio.run(() -> {
            List<ErrorContext> reported = captureReports();
            FakeTransport t = new FakeTransport();
            Task<?>[] task = new Task<?>[1];
            StreamReaderProtocol p = serve((r, w) -> r.read(1), t, task);
            Asyncio.sleep(0);
            p.connectionLost(new SocketException("Connection reset"));
            awaitEnd(task[0]);
            assertEquals(1, t.closes);
            assertEquals(List.of(), reported, "a peer going away is routine for a server: DEBUG, not the handler");
        });
    }
}
