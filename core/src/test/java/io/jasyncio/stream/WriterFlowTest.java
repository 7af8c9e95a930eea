package io.jasyncio.stream;

import static io.jasyncio.stream.StreamTesting.ascii;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link StreamWriter}, its flow control ({@link DrainFlow}) and its OutputStream view against a
 * transport that records the calls: what reaches the transport, when drain() suspends and when
 * it does not, which error it throws after the connection is lost.
 */
@Timeout(10)
class WriterFlowTest {

    /** True if {@code body} let the loop run a callback scheduled before it: it suspended. */
    private static boolean suspends(io.jasyncio.Coroutine<?> body) throws Exception {
        boolean[] ran = {false};
        Asyncio.getRunningLoop().callSoon(() -> ran[0] = true);
        body.call();
        return ran[0];
    }

    private static Throwable failure(Task<?> t) {
        Throwable got = assertThrows(Throwable.class, t::await);
        return got instanceof CompletionException ce ? ce.getCause() : got;
    }

    private static long rethrownMarks(Throwable t) {
        return java.util.Arrays.stream(t.getSuppressed()).filter(s -> s instanceof RethrownBy).count();
    }

    @Test
    void everyWriteVariantReachesTheTransportInOrder() {
        Asyncio.run(() -> {
            FakeTransport t = new FakeTransport();
            StreamWriter w = new StreamWriter(t, new DrainFlow(Asyncio.getRunningLoop()), null);
            w.write(ascii("a"));
            w.write("b");
            w.write("\u00e9", StandardCharsets.ISO_8859_1);
            w.write(ByteBuffer.wrap(ascii("xcx"), 1, 1));
            w.writeLines(List.of(ascii("d"), ascii("e")));
            assertEquals("ab\u00e9cde", t.sentText());
            assertSame(t, w.transport());
        });
    }

    @Test
    void halfCloseCloseAndExtraInfoAreTheTransports() {
        Asyncio.run(() -> {
            FakeTransport t = new FakeTransport();
            t.extra.put("peername", "peer");
            StreamWriter w = new StreamWriter(t, new DrainFlow(Asyncio.getRunningLoop()), null);
            assertTrue(w.canWriteEof());
            t.canWriteEof = false;
            assertFalse(w.canWriteEof());
            w.writeEof();
            assertEquals(1, t.eofs);
            assertEquals("peer", w.getExtraInfo("peername"));
            assertEquals("peer", w.getExtraInfo("peername", "default"));
            assertEquals("default", w.getExtraInfo("sockname", "default"));
            assertFalse(w.isClosing());
            w.close();
            assertEquals(1, t.closes);
            assertTrue(w.isClosing());
            assertEquals("StreamWriter[transport=FakeTransport]", w.toString());
        });
    }

    @Test
    void drainOnAnOpenConnectionBelowTheHighWaterMarkDoesNotSuspend() {
        Asyncio.run(() -> {
            FakeTransport t = new FakeTransport();
            StreamReader reader = new StreamReader();
            StreamWriter w = new StreamWriter(t, new DrainFlow(Asyncio.getRunningLoop()), reader);
            assertFalse(suspends(() -> {
                w.drain();
                return null;
            }));
            assertTrue(w.toString().endsWith(", reader=" + reader + "]"), w.toString());
        });
    }

    @Test
    void drainThrowsTheReadersErrorEvenWhileTheTransportLooksOpen() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            StreamWriter w = new StreamWriter(new FakeTransport(), new DrainFlow(Asyncio.getRunningLoop()), reader);
            SocketException boom = new SocketException("Connection reset");
            reader.fail(boom);
            assertSame(boom, assertThrows(SocketException.class, w::drain));
        });
    }

    @Test
    void aStreamPairWaitsUntilItsConnectionIsLost() {
        Asyncio.run(() -> {
            DrainFlow flow = new DrainFlow(Asyncio.getRunningLoop());
            StreamPair pair = new StreamPair(new StreamReader(), new StreamWriter(new FakeTransport(), flow, null));
            Task<Void> waiting = Asyncio.createTask(() -> { pair.waitClosed(); return null; });
            Asyncio.sleep(0);
            Asyncio.sleep(0);
            assertFalse(waiting.done());
            flow.connectionLost(null);
            waiting.await();
        });
    }

    @Test
    void drainSuspendsWhilePausedAndResumeWakesEveryWaiter() {
        Asyncio.run(() -> {
            DrainFlow flow = new DrainFlow(Asyncio.getRunningLoop());
            StreamWriter w = new StreamWriter(new FakeTransport(), flow, null);
            flow.pauseWriting();
            Task<Void> a = Asyncio.createTask(() -> { w.drain(); return null; });
            Task<Void> b = Asyncio.createTask(() -> { w.drain(); return null; });
            Asyncio.sleep(0);
            Asyncio.sleep(0);
            assertFalse(a.done());
            assertFalse(b.done());
            flow.resumeWriting();
            // Paused and resumed again before the woken tasks ran: their waiters are already done.
            flow.pauseWriting();
            flow.resumeWriting();
            a.await();
            b.await();
            assertFalse(suspends(() -> { w.drain(); return null; }), "resumed: drain returns at once");
        });
    }

    @Test
    void aPausedDrainIsWokenByTheLossWithItsErrorAndWaitClosedThrowsItToo() {
        Asyncio.run(() -> {
            DrainFlow flow = new DrainFlow(Asyncio.getRunningLoop());
            StreamWriter w = new StreamWriter(new FakeTransport(), flow, null);
            flow.pauseWriting();
            Task<Void> waiting = Asyncio.createTask(() -> { w.drain(); return null; });
            Asyncio.sleep(0);
            SocketException boom = new SocketException("Connection reset");
            assertFalse(flow.endedByConnectionLoss(boom), "not lost yet");
            flow.connectionLost(boom);
            Throwable got = failure(waiting);
            assertSame(boom, got);
            assertEquals(1, rethrownMarks(got), "marked with the frame that rethrew it");
            assertSame(boom, assertThrows(SocketException.class, w::waitClosed));
            assertTrue(flow.endedByConnectionLoss(boom));
            assertTrue(flow.endedByConnectionLoss(new IOException("wrapped", boom)), "a cause counts");
            assertFalse(flow.endedByConnectionLoss(new IOException("other")));
            assertFalse(flow.endedByConnectionLoss(new IllegalStateException("bug", boom)), "not an IOException");
            assertEquals("Connection lost", assertThrows(SocketException.class, w::drain).getMessage());
        });
    }

    @Test
    void afterACleanLossDrainSaysConnectionLostAndThatCountsAsTheLoss() {
        Asyncio.run(() -> {
            DrainFlow flow = new DrainFlow(Asyncio.getRunningLoop());
            FakeTransport t = new FakeTransport();
            StreamWriter w = new StreamWriter(t, flow, null);
            t.closing = true;
            Asyncio.getRunningLoop().callSoon(() -> flow.connectionLost(null));
            SocketException lost = assertThrows(SocketException.class, w::drain);
            assertEquals("Connection lost", lost.getMessage());
            assertTrue(flow.endedByConnectionLoss(lost), "drain's own error ends a handler routinely");
            assertFalse(flow.endedByConnectionLoss(new SocketException("Connection lost")), "only the one drain raised");
            w.waitClosed(); // a clean loss: returns
        });
    }

    @Test
    void drainOnAClosingConnectionYieldsOnceAndThrowsTheErrorTheReaderWasFailedWith() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            DrainFlow flow = new DrainFlow(loop);
            FakeTransport t = new FakeTransport();
            StreamReader reader = new StreamReader();
            StreamWriter w = new StreamWriter(t, flow, reader);
            t.closing = true;
            SocketException boom = new SocketException("Broken pipe");
            // The loss arrives in the next loop turn, as a transport reports it.
            loop.callSoon(() -> {
                reader.fail(boom);
                flow.connectionLost(boom);
            });
            IOException first = assertThrows(IOException.class, w::drain);
            assertSame(boom, first, "the connection's own error, not \"Connection lost\"");
            assertSame(boom, assertThrows(IOException.class, w::drain));
            assertEquals(1, rethrownMarks(boom), "marked once however often it is rethrown");
        });
    }

    @Test
    void theOutputStreamViewWritesThenDrainsSoItSuspendsWhilePaused() {
        Asyncio.run(() -> {
            DrainFlow flow = new DrainFlow(Asyncio.getRunningLoop());
            FakeTransport t = new FakeTransport();
            StreamWriter w = new StreamWriter(t, flow, null);
            OutputStream out = w.asOutputStream();
            assertSame(out, w.asOutputStream());
            out.write('A');
            out.write(ascii("xBCx"), 1, 2);
            assertEquals("ABC", t.sentText());
            flow.pauseWriting();
            Task<Void> writing = Asyncio.createTask(() -> { out.write(ascii("D")); return null; });
            Task<Void> flushing = Asyncio.createTask(() -> { out.flush(); return null; });
            Asyncio.sleep(0);
            Asyncio.sleep(0);
            assertEquals("ABCD", t.sentText(), "written at once");
            assertFalse(writing.done(), "then waits for the buffer to drain");
            assertFalse(flushing.done(), "flush waits too");
            flow.resumeWriting();
            writing.await();
            flushing.await();
            assertEquals("OutputStream of " + w, out.toString());
        });
    }

    @Test
    void theOutputStreamViewChecksItsArgumentsClosesOnceAndRefusesUseAfterClose() {
        Asyncio.run(() -> {
            FakeTransport t = new FakeTransport();
            StreamWriter w = new StreamWriter(t, new DrainFlow(Asyncio.getRunningLoop()), null);
            OutputStream out = w.asOutputStream();
            assertThrows(IndexOutOfBoundsException.class, () -> out.write(new byte[2], 1, 2));
            w.close();
            out.write(new byte[4], 1, 0); // no bytes: nothing reaches the closed transport
            assertEquals("", t.sentText());
            out.close();
            out.close();
            assertEquals(2, t.closes, "the writer's close, then the view's, once");
            assertEquals("Stream closed", assertThrows(IOException.class, () -> out.write(1)).getMessage());
            assertEquals("Stream closed", assertThrows(IOException.class, out::flush).getMessage());
        });
    }

    @Test
    void startTlsNeedsASocketConnection() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            FakeTransport t = new FakeTransport();
            StreamWriter pipe = new StreamWriter(t, new DrainFlow(loop), null);
            io.jasyncio.net.TlsOptions tls = io.jasyncio.net.TlsOptions.of(javax.net.ssl.SSLContext.getDefault());
            assertEquals("startTls needs a socket connection; this writer writes to FakeTransport",
                    assertThrows(IllegalStateException.class, () -> pipe.startTls(tls)).getMessage());
            io.jasyncio.net.WriteTransport writeOnly = new io.jasyncio.net.WriteTransport() {
                @Override public void write(ByteBuffer data) { }
                @Override public void writelines(Iterable<ByteBuffer> buffers) { }
                @Override public void writeEof() { }
                @Override public boolean canWriteEof() { return false; }
                @Override public void abort() { }
                @Override public long getWriteBufferSize() { return 0; }
                @Override public void setWriteBufferLimits(int high, int low) { }
                @Override public io.jasyncio.net.WriteBufferLimits getWriteBufferLimits() { return null; }
                @Override public Object getExtraInfo(String name) { return null; }
                @Override public boolean isClosing() { return false; }
                @Override public void close() { }
                @Override public String toString() { return "WriteOnly"; }
            };
            StreamReaderProtocol protocol = new StreamReaderProtocol(new StreamReader(), null, loop);
            StreamWriter notASocket = new StreamWriter(writeOnly, protocol, null);
            assertEquals("startTls needs a socket connection; this writer writes to WriteOnly",
                    assertThrows(IllegalStateException.class, () -> notASocket.startTls(tls)).getMessage());
            assertThrows(NullPointerException.class, () -> pipe.startTls(null));
        });
    }
}
