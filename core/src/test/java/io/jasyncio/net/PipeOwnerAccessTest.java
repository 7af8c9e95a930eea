package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.LogCapture;
import io.jasyncio.internal.PipeAccess;
import io.jasyncio.net.PipesTest.Sink;
import io.jasyncio.net.PipesTest.Source;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a subprocess transport does to its child's pipes through {@link PipeAccess}: the owner's
 * close (stdin: after the buffered bytes, without making later writes errors) and the immediate
 * release when the loop closes (the pipe threads end at once).
 */
@Timeout(30)
class PipeOwnerAccessTest {
    private static final PipeAccess PIPES = PipeAccess.get();

    /**
     * A subprocess transport closing its child's stdin: the buffered bytes are still written, then
     * EOF; a write after that is dropped (the application did not close the pipe) and must not
     * stop the buffer from draining. It did: the drop was counted as a lost connection, so the
     * pipe stopped writing and never reported its end.
     */
    @Test
    void theOwnersCloseOfAWritePipeWritesTheBufferFirstAndALaterWriteIsDroppedWithoutStoppingIt() {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            PipeConnection<WriteTransport, Source> c = Pipes.connectWritePipe(Source::new, pipe.sink());
            WriteTransport t = c.transport();
            t.write(new byte[1 << 20]);
            PIPES.closeByOwner(t);
            assertTrue(t.isClosing());
            t.write(new byte[10]);
            assertTrue(t.toString().contains("[closing "), t.toString());
            PipeConnection<ReadTransport, Sink> in = Pipes.connectReadPipe(Sink::new, pipe.source());
            assertNull(Asyncio.waitFor(in.protocol().lost, Duration.ofSeconds(10)), "EOF after the buffer");
            assertEquals(1 << 20, in.protocol().data.size());
            assertNull(Asyncio.waitFor(c.protocol().lost, Duration.ofSeconds(10)));
        });
    }

    @Test
    void theOwnersCloseOfAReadPipeClosesIt() {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            PipeConnection<ReadTransport, Sink> c = Pipes.connectReadPipe(Sink::new, pipe.source());
            PIPES.closeByOwner(c.transport());
            assertTrue(c.transport().isClosing());
            assertNull(Asyncio.waitFor(c.protocol().lost, Duration.ofSeconds(10)));
            assertFalse(pipe.source().isOpen());
            pipe.sink().close();
        });
    }

    /** releaseNow ends a pipe's thread and closes its stream without waiting for the loop. */
    @Test
    void releasingThreadPipesNowEndsTheirThreadsAndClosesTheirStreams() {
        Asyncio.run(() -> {
            Pipe in = Pipe.open();
            Pipe out = Pipe.open();
            ReadTransport r = Pipes.connectReadPipe(Sink::new, Channels.newInputStream(in.source())).transport();
            WriteTransport w = Pipes.connectWritePipe(Source::new, Channels.newOutputStream(out.sink())).transport();
            PIPES.releaseNow(r);
            assertFalse(in.source().isOpen(), "the read pipe's stream is closed at once");
            PIPES.releaseNow(w);
            for (Thread t : new Thread[] {PIPES.thread(r), PIPES.thread(w)}) {
                t.join(10_000);
                assertFalse(t.isAlive(), t + " ended");
            }
            assertFalse(out.sink().isOpen(), "the write pipe's thread closed its stream as it ended");
            assertNull(PIPES.thread(new Object()));
            in.sink().close();
            out.source().close();
        });
    }

    /**
     * asyncio's LOG_THRESHOLD_FOR_CONNLOST_WRITES: after the reader went away, the fifth write
     * dropped logs a warning (the first four do not); empty writes are no writes and do not count.
     */
    @Test
    void theFifthWriteDroppedAfterALossLogsAWarningAndEmptyWritesDoNotCount() {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            PipeConnection<WriteTransport, Source> c = Pipes.connectWritePipe(Source::new, pipe.sink());
            WriteTransport t = c.transport();
            pipe.source().close();
            t.write(new byte[100]);
            assertInstanceOf(java.io.IOException.class, Asyncio.waitFor(c.protocol().lost, Duration.ofSeconds(10)));
            LogCapture log = LogCapture.start();
            try {
                for (int i = 0; i < 10; i++) t.write(new byte[0]);
                for (int i = 0; i < 4; i++) t.write(new byte[1]);
                assertEquals(List.of(), dropWarnings(log));
                t.write(new byte[1]);
                assertEquals(1, dropWarnings(log).size());
                assertTrue(dropWarnings(log).get(0).contains(t.toString()), dropWarnings(log).toString());
            } finally {
                log.stop();
            }
        });
    }

    private static List<String> dropWarnings(LogCapture log) {
        return log.messages().stream().filter(m -> m.contains("data dropped")).toList();
    }
}
