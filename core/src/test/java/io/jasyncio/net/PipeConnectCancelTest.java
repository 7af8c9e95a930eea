package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import io.jasyncio.net.PipesTest.Sink;
import io.jasyncio.net.PipesTest.Source;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
