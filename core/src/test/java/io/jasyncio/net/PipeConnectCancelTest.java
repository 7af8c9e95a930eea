package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import io.jasyncio.net.PipesTest.Sink;
import io.jasyncio.net.PipesTest.Source;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connect cancelled while it waits for {@code connectionMade} closes the transport it made, as
 * asyncio's {@code connect_read_pipe}/{@code connect_write_pipe} do ({@code transport.close()}
 * in their {@code except}): nobody else holds it, so it would read (or hold a thread) forever.
 */
@Timeout(30)
class PipeConnectCancelTest {

    /** Starts {@code connect} as a task, lets it reach its wait, cancels it; returns the protocol made. */
    private static <P> P cancelWhileConnecting(Supplier<P> make, java.util.function.Function<Supplier<P>, ?> connect) {
        Object[] made = new Object[1];
        Supplier<P> factory = () -> {
            P p = make.get();
            made[0] = p;
            return p;
        };
        Task<?> t = Asyncio.createTask(() -> connect.apply(factory));
        // One tick: the task creates the transport (connectionMade is scheduled) and waits.
        Asyncio.sleep(Duration.ZERO);
        assertNotNull(made[0], "the task reached its wait");
        assertFalse(t.done());
        t.cancel();
        assertThrows(CancelledError.class, t::await);
        @SuppressWarnings("unchecked")
        P p = (P) made[0];
        return p;
    }

    @Test
    void cancellingASelectorReadPipeConnectClosesThePipe() {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            Sink sink = cancelWhileConnecting(Sink::new, f -> uncheck(() -> Pipes.connectReadPipe(f, pipe.source())));
            assertNull(Asyncio.waitFor(sink.lost, Duration.ofSeconds(10)));
            assertEquals(List.of("made", "lost null"), sink.events);
            assertFalse(pipe.source().isOpen(), "the transport released its end");
            pipe.sink().close();
        });
    }

    @Test
    void cancellingAThreadReadPipeConnectClosesTheStreamAndEndsTheThread() {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            Sink sink = cancelWhileConnecting(Sink::new,
                    f -> uncheck(() -> Pipes.connectReadPipe(f, Channels.newInputStream(pipe.source()))));
            assertNull(Asyncio.waitFor(sink.lost, Duration.ofSeconds(10)));
            assertEquals(List.of("made", "lost null"), sink.events);
            assertFalse(pipe.source().isOpen(), "the transport closed its stream");
            ThreadReadPipe t = (ThreadReadPipe) sink.transport;
            t.thread().join(10_000);
            assertFalse(t.thread().isAlive());
            pipe.sink().close();
        });
    }

    @Test
    void cancellingASelectorWritePipeConnectClosesThePipe() {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            Source source = cancelWhileConnecting(Source::new, f -> uncheck(() -> Pipes.connectWritePipe(f, pipe.sink())));
            assertNull(Asyncio.waitFor(source.lost, Duration.ofSeconds(10)));
            assertEquals(List.of("lost null"), source.events);
            assertFalse(pipe.sink().isOpen(), "the transport released its end");
            pipe.source().close();
        });
    }

    @Test
    void cancellingAThreadWritePipeConnectClosesTheStream() {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            Source source = cancelWhileConnecting(Source::new,
                    f -> uncheck(() -> Pipes.connectWritePipe(f, Channels.newOutputStream(pipe.sink()))));
            assertNull(Asyncio.waitFor(source.lost, Duration.ofSeconds(10)));
            assertEquals(List.of("lost null"), source.events);
            // The writer thread closes the stream as it ends.
            Thread writer = ((ThreadWritePipe) source.transport).thread();
            writer.join(10_000);
            assertFalse(writer.isAlive());
            assertFalse(pipe.sink().isOpen(), "the writer thread closed its stream");
            pipe.source().close();
        });
    }

    @Test
    void cancellingAConnectWhileItsFifoOpenWaitsClosesTheStreamTheOpenMakesLater(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Asyncio.run(() -> {
            Task<?> t = Asyncio.createTask(() -> Pipes.connectReadPipe(Sink::new, fifo));
            // Until its open waits for a writer in the executor (cancelled earlier, the open would
            // never run, and the writer below would wait for a reader forever).
            for (int i = 0; i < 10_000 && !anExecutorThreadIsIn("newInputStream"); i++) Asyncio.sleep(0.001);
            assertTrue(anExecutorThreadIsIn("newInputStream"), "the open started");
            t.cancel();
            assertThrows(CancelledError.class, t::await);
            // A writer comes: the abandoned open completes, and what it opened must be closed, so
            // the writer meets a broken pipe instead of filling a pipe that nobody will read.
            boolean broken = Asyncio.toThread(() -> {
                try (OutputStream out = Files.newOutputStream(fifo)) {
                    for (int i = 0; i < 1000; i++) {
                        out.write(1);
                        out.flush();
                        Thread.sleep(10);
                    }
                    return false;
                } catch (IOException e) {
                    return true;
                }
            });
            assertTrue(broken, "the reading end opened after the cancellation was left open");
        });
    }

    /** Whether a platform thread is inside {@code java.nio.file.Files.<method>}. */
    private static boolean anExecutorThreadIsIn(String method) {
        for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
            for (StackTraceElement e : stack) {
                if (e.getClassName().equals("java.nio.file.Files") && e.getMethodName().equals(method)) return true;
            }
        }
        return false;
    }

    interface IoCall<T> {
        T call() throws java.io.IOException;
    }

    static <T> T uncheck(IoCall<T> c) {
        try {
            return c.call();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
