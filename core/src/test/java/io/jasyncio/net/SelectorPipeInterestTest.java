package io.jasyncio.net;

import static io.jasyncio.net.ReadPipeCallbacksTest.awaitLost;
import static io.jasyncio.net.ReadPipeCallbacksTest.connect;
import static io.jasyncio.net.ReadPipeCallbacksTest.write;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.net.PipesTest.Source;
import io.jasyncio.net.ReadPipeCallbacksTest.Hooked;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the selector-served pipes ask the loop's selector for: a read pipe watches for readiness
 * only while it reads (not paused, not closed, not at EOF), a write pipe for writability only
 * while bytes wait; and what a read pipe does with a readiness event whose bytes another callback
 * of the same iteration already took.
 */
@Timeout(30)
class SelectorPipeInterestTest {

    /** The interest set of {@code ch}'s key on the running loop's selector. */
    static int interest(SelectableChannel ch) {
        SelectionKey key = ch.keyFor(IoLoop.of(Asyncio.getRunningLoop()).selector);
        assertNotNull(key, "not registered: " + ch);
        assertTrue(key.isValid(), "released already: " + ch);
        return key.interestOps();
    }

    @Test
    void aPausedSelectorReadPipeStopsWatchingForReadinessUntilResumed() {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            Hooked p = new Hooked();
            ReadTransport t = connect(false, pipe, p).transport();
            assertEquals(SelectionKey.OP_READ, interest(pipe.source()));
            t.pauseReading();
            assertEquals(0, interest(pipe.source()));
            t.resumeReading();
            assertEquals(SelectionKey.OP_READ, interest(pipe.source()));
            t.close();
            awaitLost(p);
            pipe.sink().close();
        });
    }

    @Test
    void aClosedSelectorReadPipeStopsWatchingAtOnceNotOnlyAtItsRelease() {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            Hooked p = new Hooked();
            ReadTransport t = connect(false, pipe, p).transport();
            t.close();
            assertEquals(0, interest(pipe.source())); // released one iteration later
            awaitLost(p);
            pipe.sink().close();
        });
    }

    @Test
    void atEofTheSelectorReadPipeStopsWatchingBeforeItsCallbacksRun() {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            Hooked p = new Hooked();
            connect(false, pipe, p);
            List<Integer> atEof = new ArrayList<>();
            p.onEof = () -> atEof.add(interest(pipe.source()));
            pipe.sink().close();
            assertNull(awaitLost(p));
            assertEquals(List.of(0), atEof);
        });
    }

    @Test
    void aWriteThePipeTakesAtOnceDoesNotWatchForWritability() {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            WriteTransport t = WritePipeStatesTest.connect(false, pipe).transport();
            t.write(new byte[100]);
            assertEquals(0, t.getWriteBufferSize());
            assertEquals(0, interest(pipe.sink()));
            t.close();
            pipe.source().close();
        });
    }

    @Test
    void aWritePipeWatchesForWritabilityWhileBytesWaitAndStopsWhenTheyAreWritten() {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            PipeConnection<WriteTransport, Source> c = WritePipeStatesTest.connect(false, pipe);
            WriteTransport t = c.transport();
            int size = 1 << 20; // more than the pipe holds
            t.write(new byte[size]);
            assertTrue(t.getWriteBufferSize() > 0);
            assertEquals(SelectionKey.OP_WRITE, interest(pipe.sink()));
            var drained = Asyncio.getRunningLoop().runInExecutor(null, () -> {
                ByteBuffer b = ByteBuffer.allocate(64 * 1024);
                long n = 0;
                while (n < size) {
                    b.clear();
                    n += pipe.source().read(b);
                }
                return n;
            });
            for (int i = 0; i < 2000 && t.getWriteBufferSize() > 0; i++) Asyncio.sleep(Duration.ofMillis(5));
            assertEquals(0, t.getWriteBufferSize());
            assertEquals(0, interest(pipe.sink()));
            assertEquals(size, (long) drained.await());
            t.close();
            assertNull(WritePipeStatesTest.awaitLost(c.protocol()));
            pipe.source().close();
        });
    }

    @Test
    void anAbortedWritePipeStopsWatchingForWritabilityAtOnce() {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            PipeConnection<WriteTransport, Source> c = WritePipeStatesTest.connect(false, pipe);
            WriteTransport t = c.transport();
            t.write(new byte[1 << 20]);
            assertEquals(SelectionKey.OP_WRITE, interest(pipe.sink()));
            t.abort();
            assertEquals(0, interest(pipe.sink())); // released one iteration later
            assertNull(WritePipeStatesTest.awaitLost(c.protocol()));
            pipe.source().close();
        });
    }

    /**
     * Two read pipes ready in the same iteration, each reading the other's bytes off its channel
     * from its {@code dataReceived}: whichever runs first, the other's queued readiness event then
     * reads nothing, which is neither data (not even empty) nor EOF.
     */
    @Test
    void aReadinessEventWhoseBytesAnotherCallbackTookDeliversNeitherDataNorEof() {
        Asyncio.run(() -> {
            Pipe a = Pipe.open();
            Pipe b = Pipe.open();
            Hooked pa = new Hooked();
            Hooked pb = new Hooked();
            connect(false, a, pa);
            connect(false, b, pb);
            Consumer<Pipe> drain = pipe -> {
                try {
                    pipe.source().read(ByteBuffer.allocate(16));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            pa.onData = t -> drain.accept(b);
            pb.onData = t -> drain.accept(a);
            write(a, "a"); // both readable before the loop's next select
            write(b, "b");
            EventLoop loop = Asyncio.getRunningLoop();
            for (int i = 0; i < 5; i++) Asyncio.sleep(Duration.ZERO);
            List<String> all = new ArrayList<>(pa.events);
            all.addAll(pb.events);
            assertEquals(1, all.stream().filter(e -> e.startsWith("data")).count(), all.toString());
            assertTrue(all.contains("data a") || all.contains("data b"), all.toString());
            assertFalse(all.contains("eof"), all.toString());
            assertTrue(pa.transport.isReading() && pb.transport.isReading(), loop.toString());
            pa.transport.close();
            pb.transport.close();
            awaitLost(pa);
            awaitLost(pb);
            a.sink().close();
            b.sink().close();
        });
    }
}
