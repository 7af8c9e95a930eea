package io.jasyncio.net;

import static io.jasyncio.net.ReadPipeCallbacksTest.awaitLost;
import static io.jasyncio.net.ReadPipeCallbacksTest.connect;
import static io.jasyncio.net.ReadPipeCallbacksTest.write;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.ErrorContext;
import io.jasyncio.net.PipesTest.Source;
import io.jasyncio.net.ReadPipeCallbacksTest.Hooked;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Errors a pipe must not swallow: a {@link VirtualMachineError} thrown by a protocol callback ends
 * the loop's run (as for the socket transports) instead of being reported to the exception
 * handler; an {@link Error} thrown by the stream in a pipe's own thread ends the transport and
 * still reaches the thread's uncaught-exception handler.
 */
@Timeout(30)
class PipeFatalErrorTest {

    /** Runs {@code main}, expecting it to end with {@code fatal}; the exception handler hears nothing. */
    static void assertEndsTheRun(StackOverflowError fatal, List<ErrorContext> handled, io.jasyncio.AsyncRunnable main) {
        assertSame(fatal, assertThrows(StackOverflowError.class, () -> Asyncio.run(main)));
        assertEquals(List.of(), handled, "a VirtualMachineError is not an error to report and go on from");
    }

    @ParameterizedTest(name = "{0}, thread={1}")
    @CsvSource({"made,false", "made,true", "data,false", "data,true", "eof,false", "eof,true", "lost,false", "lost,true"})
    void aVirtualMachineErrorFromAReadPipeCallbackEndsTheRun(String callback, boolean thread) {
        StackOverflowError fatal = new StackOverflowError(callback);
        List<ErrorContext> handled = new ArrayList<>();
        Runnable once = new Runnable() {
            boolean thrown;

            @Override
            public void run() {
                if (thrown) return;
                thrown = true;
                throw fatal;
            }
        };
        assertEndsTheRun(fatal, handled, () -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> handled.add(ctx));
            Pipe pipe = Pipe.open();
            Hooked p = new Hooked();
            switch (callback) {
                case "made" -> p.onMade = t -> once.run();
                case "data" -> p.onData = t -> once.run();
                case "eof" -> p.onEof = once;
                default -> p.onLost = once;
            }
            PipeConnection<ReadTransport, Hooked> c = connect(thread, pipe, p);
            switch (callback) {
                case "data" -> write(pipe, "x");
                case "eof" -> pipe.sink().close();
                case "lost" -> c.transport().close();
                default -> { }
            }
            try {
                awaitLost(p);
                for (int i = 0; i < 5; i++) Asyncio.sleep(Duration.ZERO);
            } finally {
                pipe.sink().close();
            }
        });
    }

    @ParameterizedTest(name = "{0}, thread={1}")
    @CsvSource({"made,false", "made,true", "lost,false", "lost,true"})
    void aVirtualMachineErrorFromAWritePipeCallbackEndsTheRun(String callback, boolean thread) {
        StackOverflowError fatal = new StackOverflowError(callback);
        List<ErrorContext> handled = new ArrayList<>();
        assertEndsTheRun(fatal, handled, () -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> handled.add(ctx));
            Pipe pipe = Pipe.open();
            Source s = new Source() {
                @Override
                public void connectionMade(WriteTransport t) {
                    super.connectionMade(t);
                    if (callback.equals("made")) throw fatal;
                }

                @Override
                public void connectionLost(Throwable exc) {
                    super.connectionLost(exc);
                    if (callback.equals("lost")) throw fatal;
                }
            };
            try {
                PipeConnection<WriteTransport, Source> c = thread
                        ? Pipes.connectWritePipe(() -> s, Channels.newOutputStream(pipe.sink()))
                        : Pipes.connectWritePipe(() -> s, pipe.sink());
                c.transport().close();
                WritePipeStatesTest.awaitLost(s);
                for (int i = 0; i < 5; i++) Asyncio.sleep(Duration.ZERO);
            } finally {
                pipe.source().close();
            }
        });
    }

    /** An Error no stream should throw, to tell it from anything the JDK might throw. */
    static final class StreamBug extends Error {
        StreamBug() {
            super("the stream is broken");
        }
    }

    /** Runs {@code body} with a default uncaught-exception handler that records into {@code seen}. */
    static void withUncaughtRecorded(List<Throwable> seen, Runnable body) {
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> seen.add(e));
        try {
            body.run();
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }

    @Test
    void anErrorFromTheStreamInTheReaderThreadEndsThePipeAndStillReachesTheUncaughtHandler() {
        StreamBug bug = new StreamBug();
        List<Throwable> seen = new CopyOnWriteArrayList<>();
        withUncaughtRecorded(seen, () -> Asyncio.run(() -> {
            InputStream broken = new InputStream() {
                @Override
                public int read() {
                    throw bug;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    throw bug;
                }
            };
            Hooked p = new Hooked();
            PipeConnection<ReadTransport, Hooked> c = Pipes.connectReadPipe(() -> p, broken);
            Throwable exc = awaitLost(p);
            assertInstanceOf(IOException.class, exc);
            assertSame(bug, exc.getCause());
            Thread reader = ((ThreadReadPipe) c.transport()).thread();
            Asyncio.toThread(() -> { reader.join(10_000); return null; });
            assertFalse(reader.isAlive());
        }));
        assertEquals(List.of(bug), seen);
    }

    @Test
    void anErrorFromTheStreamInTheWriterThreadEndsThePipeAndStillReachesTheUncaughtHandler() {
        StreamBug bug = new StreamBug();
        List<Throwable> seen = new CopyOnWriteArrayList<>();
        withUncaughtRecorded(seen, () -> Asyncio.run(() -> {
            OutputStream broken = new OutputStream() {
                @Override
                public void write(int b) {
                    throw bug;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    throw bug;
                }
            };
            PipeConnection<WriteTransport, Source> c = Pipes.connectWritePipe(Source::new, broken);
            c.transport().write(new byte[10]);
            Throwable exc = WritePipeStatesTest.awaitLost(c.protocol());
            assertInstanceOf(IOException.class, exc);
            assertSame(bug, exc.getCause());
            Thread writer = ((ThreadWritePipe) c.transport()).thread();
            Asyncio.toThread(() -> { writer.join(10_000); return null; });
            assertFalse(writer.isAlive());
        }));
        assertEquals(List.of(bug), seen);
    }
}
