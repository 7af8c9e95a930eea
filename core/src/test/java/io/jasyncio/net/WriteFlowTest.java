package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.ErrorContext;
import io.jasyncio.EventLoop;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A transport's write flow control ({@link WriteFlow}) driven by buffer sizes given by hand: the
 * protocol is paused once when the buffer passes the high-water mark (not at it), resumed once
 * when it is back at the low-water mark (not above), new limits apply to the current buffer at
 * once, and a protocol that fails to pause or resume is reported to the loop. A real transport
 * has a write queue only while writes wait, and flow control with asyncio's default marks.
 */
@Timeout(10)
class WriteFlowTest {

    /** Counts pauseWriting/resumeWriting; throws {@code failure} from both when it is set. */
    static final class CountingProtocol implements BaseProtocol {
        int pauses;
        int resumes;
        Throwable failure;

        @Override
        public void pauseWriting() {
            pauses++;
            throwFailure();
        }

        @Override
        public void resumeWriting() {
            resumes++;
            throwFailure();
        }

        private void throwFailure() {
            if (failure instanceof RuntimeException re) throw re;
            if (failure instanceof Error e) throw e;
        }
    }

    @Test
    void theProtocolIsPausedOnceWhenTheBufferPassesTheHighWaterMark() {
        Asyncio.run(() -> {
            WriteFlow flow = new WriteFlow(Asyncio.getRunningLoop(), null);
            CountingProtocol p = new CountingProtocol();
            flow.grew(WriteFlow.DEFAULT_HIGH_WATER, p);
            assertEquals(0, p.pauses, "at the mark is not above it");
            assertFalse(flow.isPaused());
            flow.grew(WriteFlow.DEFAULT_HIGH_WATER + 1, p);
            assertEquals(1, p.pauses);
            assertTrue(flow.isPaused());
            flow.grew(WriteFlow.DEFAULT_HIGH_WATER + 100, p);
            assertEquals(1, p.pauses, "already paused: told once");
        });
    }

    @Test
    void thePausedProtocolIsResumedOnceWhenTheBufferIsBackAtTheLowWaterMark() {
        Asyncio.run(() -> {
            WriteFlow flow = new WriteFlow(Asyncio.getRunningLoop(), null);
            CountingProtocol p = new CountingProtocol();
            flow.shrank(0, p);
            assertEquals(0, p.resumes, "never paused: nothing to resume");
            flow.grew(WriteFlow.DEFAULT_HIGH_WATER + 1, p);
            flow.shrank(WriteFlow.DEFAULT_HIGH_WATER / 4 + 1, p);
            assertEquals(0, p.resumes, "above the low-water mark: still paused");
            assertTrue(flow.isPaused());
            flow.shrank(WriteFlow.DEFAULT_HIGH_WATER / 4, p);
            assertEquals(1, p.resumes);
            assertFalse(flow.isPaused());
            flow.shrank(0, p);
            assertEquals(1, p.resumes, "already resumed: told once");
        });
    }

    @Test
    void aTransportHasAWriteQueueOnlyWhileWritesWaitAndPausesItsProtocolPastTheDefaultMark() {
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::new), "127.0.0.1", 0);
            Connection<Recorder> client = Net.createConnection(Recorder::pausedOnConnect, "127.0.0.1", Recorder.port(server));
            Recorder srv = Recorder.awaitFirst(accepted);
            StreamTransport t = (StreamTransport) srv.made.await();
            t.write(java.nio.ByteBuffer.allocate(1024));
            assertNull(t.buffer, "the socket took the write: nothing queued, no queue made");
            long sent = 1024;
            // The client reads nothing: the socket fills, then the transport's own buffer.
            while (t.getWriteBufferSize() <= WriteFlow.DEFAULT_HIGH_WATER + 4096) {
                t.write(java.nio.ByteBuffer.allocate(1024));
                sent += 1024;
                assertEquals(t.getWriteBufferSize() > 0, t.buffer != null);
                assertEquals(t.getWriteBufferSize() > WriteFlow.DEFAULT_HIGH_WATER ? 1 : 0, srv.pauses,
                        "paused once, past asyncio's default high-water mark: " + t.getWriteBufferSize());
            }
            assertEquals(new WriteBufferLimits(64 * 1024, 16 * 1024), t.getWriteBufferLimits());
            client.transport().resumeReading();
            client.protocol().awaitReceived(sent);
            assertEquals(1, srv.resumes);
            assertEquals(0, t.getWriteBufferSize());
            assertNull(t.buffer, "a drained queue is let go");
            client.transport().close();
            srv.lost.await();
            server.close();
        });
    }

    @Test
    void newLimitsApplyToTheBufferAtOnceAndBadOnesAreRefused() {
        Asyncio.run(() -> {
            WriteFlow flow = new WriteFlow(Asyncio.getRunningLoop(), null);
            CountingProtocol p = new CountingProtocol();
            assertEquals(new WriteBufferLimits(64 * 1024, 16 * 1024), flow.limits());
            flow.setLimits(10, 5, 11, p);
            assertEquals(new WriteBufferLimits(10, 5), flow.limits());
            assertEquals(1, p.pauses, "11 bytes already buffered are above the new high-water mark");
            assertEquals("high (5) must be >= low (10) must be >= 0",
                    assertThrows(IllegalArgumentException.class, () -> flow.setLimits(5, 10, 0, p)).getMessage());
            assertEquals("high (5) must be >= low (-1) must be >= 0",
                    assertThrows(IllegalArgumentException.class, () -> flow.setLimits(5, -1, 0, p)).getMessage());
            assertEquals(new WriteBufferLimits(10, 5), flow.limits(), "a refused call changes nothing");
        });
    }

    @Test
    void aProtocolThatFailsToPauseOrResumeIsReportedWithItsTransport() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<ErrorContext> reported = new ArrayList<>();
            loop.setExceptionHandler((l, ctx) -> reported.add(ctx));
            try (Server server = Net.createServer(Recorder::new, "127.0.0.1", 0)) {
                Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", server.port());
                WriteFlow flow = new WriteFlow(loop, c.transport());
                CountingProtocol p = new CountingProtocol();
                IllegalStateException bug = new IllegalStateException("protocol bug");
                p.failure = bug;
                flow.grew(WriteFlow.DEFAULT_HIGH_WATER + 1, p);
                assertTrue(flow.isPaused(), "the protocol was told, whatever it did with it");
                flow.shrank(0, p);
                assertFalse(flow.isPaused());
                assertEquals(List.of("protocol.pauseWriting() failed", "protocol.resumeWriting() failed"),
                        reported.stream().map(ErrorContext::message).toList());
                for (ErrorContext ctx : reported) {
                    assertSame(bug, ctx.exception());
                    assertSame(c.transport(), ctx.transport());
                    assertSame(p, ctx.protocol());
                    assertSame(c.transport().getExtraInfo("socket"), ctx.socket());
                }
                WriteFlow noTransport = new WriteFlow(loop, "not a transport");
                noTransport.grew(WriteFlow.DEFAULT_HIGH_WATER + 1, p);
                assertNull(reported.get(2).transport());
                c.transport().close();
            }
        });
    }

    @Test
    void aFatalErrorFromTheProtocolIsNotSwallowed() {
        Asyncio.run(() -> {
            WriteFlow flow = new WriteFlow(Asyncio.getRunningLoop(), null);
            CountingProtocol p = new CountingProtocol();
            StackOverflowError fatal = new StackOverflowError("deep");
            p.failure = fatal;
            assertSame(fatal, assertThrows(StackOverflowError.class, () -> flow.grew(WriteFlow.DEFAULT_HIGH_WATER + 1, p)));
            assertSame(fatal, assertThrows(StackOverflowError.class, () -> flow.shrank(0, p)));
        });
    }
}
