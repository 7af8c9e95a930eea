package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.net.PipesTest.Source;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * abort() on a selector-served write pipe drops its buffer for good: a writability event the
 * loop already collected in the iteration of the abort (its handle queued behind the abort)
 * writes none of the dropped bytes, neither the staged ones nor the overflow behind them.
 */
@Timeout(30)
class SelectorWritePipeAbortTest {

    /** Reads what {@code source} holds now (non-blocking); -1 once it is at EOF and empty. */
    private static long readAvailable(Pipe.SourceChannel source) {
        try {
            ByteBuffer b = ByteBuffer.allocate(64 * 1024);
            long n = 0;
            while (true) {
                b.clear();
                int r = source.read(b);
                if (r < 0) return n == 0 ? -1 : n;
                if (r == 0) return n;
                n += r;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The order within an iteration makes the window deterministic: a callback scheduled in one
     * iteration runs in the next before the readiness handles that iteration's select appends.
     * So the task fills the pipe (the rest waits in the staging buffer and the overflow), drains
     * the pipe itself on the loop thread (no select in between, so no event yet), and schedules
     * abort(); the next select sees the pipe writable and queues the write pipe's handle behind it.
     */
    @Test
    void aWritabilityEventQueuedBehindAnAbortWritesNoneOfTheDroppedBytes() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Pipe pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            PipeConnection<WriteTransport, Source> c = WritePipeStatesTest.connect(false, pipe);
            WriteTransport t = c.transport();
            SelectionKey key = pipe.sink().keyFor(IoLoop.of(loop).selector);
            int size = 4 * SelectorWritePipe.STAGE; // fills the pipe, the staging buffer and the overflow
            t.write(new byte[size]);
            long buffered = t.getWriteBufferSize();
            assertTrue(buffered > SelectorWritePipe.STAGE, "bytes wait in the staging buffer and the overflow: " + buffered);
            assertEquals(0, key.readyOps(), "no writability reported yet");
            long before = readAvailable(pipe.source()); // the pipe is empty, so writable, from here on
            assertEquals(size - buffered, before);
            List<String> atAbort = new ArrayList<>();
            loop.callSoon(() -> {
                // the select of this iteration reported the pipe writable: its handle runs after this one
                atAbort.add("writable " + ((key.readyOps() & SelectionKey.OP_WRITE) != 0));
                t.abort();
                atAbort.add("buffer " + t.getWriteBufferSize());
            });
            assertNull(WritePipeStatesTest.awaitLost(c.protocol()));
            assertEquals(List.of("writable true", "buffer 0"), atAbort);
            assertEquals(0, t.getWriteBufferSize());
            assertFalse(pipe.sink().isOpen(), "released");
            // Everything the pipe holds was written after the drain above: none of it may be there.
            assertEquals(-1, readAvailable(pipe.source()), "the dropped bytes reached the reader");
            pipe.source().close();
        });
    }
}
