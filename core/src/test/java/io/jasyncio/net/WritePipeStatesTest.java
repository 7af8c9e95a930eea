package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.net.PipesTest.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A write pipe's states, for both transports (the selector's on a {@link Pipe.SinkChannel}, the
 * thread's on a blocking stream of the same pipe): what close, abort and write do after the reader
 * went away or after the application closed, the buffer limits, extra info and printed state.
 */
@Timeout(30)
class WritePipeStatesTest {

    static PipeConnection<WriteTransport, Source> connect(boolean thread, Pipe pipe) throws IOException {
        return thread ? Pipes.connectWritePipe(Source::new, Channels.newOutputStream(pipe.sink()))
                : Pipes.connectWritePipe(Source::new, pipe.sink());
    }

    static Throwable awaitLost(Source s) {
        return Asyncio.waitFor(s.lost, Duration.ofSeconds(10));
    }

    /** Reads {@code in} to its end off the loop; returns the byte count. */
    static long drain(InputStream in) {
        return Asyncio.toThread(() -> {
            long n = 0;
            byte[] b = new byte[64 * 1024];
            for (int r; (r = in.read(b)) >= 0; ) n += r;
            return n;
        });
    }

    /**
     * asyncio drops writes to a pipe whose reader went away; closing or aborting such a pipe is
     * not "the application closed it", so writes after that are still quiet drops, not errors.
     */
    @ParameterizedTest(name = "thread={0}")
    @ValueSource(booleans = {false, true})
    void afterTheReaderWentAwayCloseAbortAndWritesAreQuietDrops(boolean thread) {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            PipeConnection<WriteTransport, Source> c = connect(thread, pipe);
            WriteTransport t = c.transport();
            pipe.source().close();
            t.write(new byte[100]);
            assertInstanceOf(IOException.class, awaitLost(c.protocol()));
            assertTrue(t.isClosing());
            t.close();
            ByteBuffer dropped = ByteBuffer.allocate(10);
            t.write(dropped);
            assertFalse(dropped.hasRemaining(), "a dropped write consumes its bytes as a written one does");
            t.abort();
            t.write(new byte[10]);
            t.writelines(List.of(ByteBuffer.allocate(3)));
            assertEquals(0, t.getWriteBufferSize());
            Asyncio.sleep(Duration.ZERO);
            assertEquals(1, c.protocol().events.size(), c.protocol().events.toString());
        });
    }

    /** abort() drops what is buffered at once; connectionLost(null) follows; writing after it is an error. */
    @ParameterizedTest(name = "thread={0}")
    @ValueSource(booleans = {false, true})
    void abortDropsTheBufferAndALateReportOfAWriteInProgressChangesNothing(boolean thread) {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            PipeConnection<WriteTransport, Source> c = connect(thread, pipe);
            WriteTransport t = c.transport();
            int size = 3 << 20;
            t.write(new byte[size]); // nobody reads yet: most of it stays buffered
            assertTrue(t.getWriteBufferSize() > 0);
            assertEquals(List.of("pause"), c.protocol().events);
            if (thread) {
                // Abort while the thread is inside its write of the copy (the pipe is full).
                Thread writer = ((ThreadWritePipe) t).thread();
                for (int i = 0; i < 2000 && !PipesTest.blockedInWrite(writer); i++) Asyncio.sleep(Duration.ofMillis(5));
                assertTrue(PipesTest.blockedInWrite(writer));
            }
            t.abort();
            assertEquals(0, t.getWriteBufferSize(), "abort drops the buffer at once");
            assertTrue(t.toString().contains("[closed "), t.toString());
            t.abort(); // idempotent
            assertTrue(t.isClosing());
            assertNull(awaitLost(c.protocol()));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.write(new byte[1]));
            assertTrue(e.getMessage().contains("abort()"), e.getMessage());
            long got = drain(Channels.newInputStream(pipe.source()));
            if (thread) {
                // The thread's write of the whole copy was under way and cannot be stopped; its
                // report arrives after connectionLost and must change nothing.
                assertEquals(size, got);
                Thread writer = ((ThreadWritePipe) t).thread();
                writer.join(10_000);
                assertFalse(writer.isAlive());
                for (int i = 0; i < 3; i++) Asyncio.sleep(Duration.ZERO);
            } else {
                assertTrue(got < size, "the selector pipe stopped writing at the abort: " + got);
            }
            assertEquals(0, t.getWriteBufferSize());
            assertEquals(List.of("pause", "lost null"), c.protocol().events);
            pipe.source().close();
        });
    }

    @ParameterizedTest(name = "thread={0}")
    @ValueSource(booleans = {false, true})
    void newBufferLimitsApplyToWhatIsAlreadyBuffered(boolean thread) {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            PipeConnection<WriteTransport, Source> c = connect(thread, pipe);
            WriteTransport t = c.transport();
            t.setWriteBufferLimits(8 << 20, 0);
            assertEquals(new WriteBufferLimits(8 << 20, 0), t.getWriteBufferLimits());
            t.write(new byte[1 << 20]); // more than the pipe holds; below the high-water mark
            assertTrue(t.getWriteBufferSize() > 1000);
            assertEquals(List.of(), c.protocol().events);
            t.setWriteBufferLimits(1000, 100);
            assertEquals(new WriteBufferLimits(1000, 100), t.getWriteBufferLimits());
            assertEquals(List.of("pause"), c.protocol().events, "the new limits judged the buffer at once");
            t.close();
            drain(Channels.newInputStream(pipe.source()));
            assertNull(awaitLost(c.protocol()));
            assertEquals(List.of("pause", "resume", "lost null"), c.protocol().events);
            pipe.source().close();
        });
    }

    @ParameterizedTest(name = "thread={0}")
    @ValueSource(booleans = {false, true})
    void thePipeIsTheExtraInfoPipeAndItsStatePrints(boolean thread) {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            PipeConnection<WriteTransport, Source> c = connect(thread, pipe);
            WriteTransport t = c.transport();
            Object end = t.getExtraInfo("pipe");
            if (!thread) assertSame(pipe.sink(), end);
            else assertInstanceOf(java.io.OutputStream.class, end);
            assertNull(t.getExtraInfo("sockname"));
            assertTrue(t.canWriteEof());
            String name = thread ? "ThreadWritePipe" : "SelectorWritePipe";
            assertEquals(name + "[open " + end + ", write buffer 0]", t.toString());
            t.writelines(List.of(ByteBuffer.wrap(new byte[1 << 20]), ByteBuffer.wrap(new byte[1 << 20])));
            long buffered = t.getWriteBufferSize();
            assertTrue(buffered > 0);
            t.writeEof();
            assertTrue(t.isClosing());
            assertEquals(name + "[closing " + end + ", write buffer " + buffered + "]", t.toString());
            assertEquals(2 << 20, drain(Channels.newInputStream(pipe.source())), "writelines wrote both, then EOF");
            assertNull(awaitLost(c.protocol()));
            assertEquals(name + "[closed " + end + ", write buffer 0]", t.toString());
            Asyncio.sleep(Duration.ZERO);
            assertEquals(List.of("pause", "resume", "lost null"), c.protocol().events);
            pipe.source().close();
        });
    }

    @ParameterizedTest(name = "thread={0}")
    @ValueSource(booleans = {false, true})
    void inDebugModeUsingAPipeFromAnotherThreadFailsLoudly(boolean thread) {
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setDebug(true);
            Pipe pipe = Pipe.open();
            PipeConnection<WriteTransport, Source> out = connect(thread, pipe);
            PipeConnection<ReadTransport, PipesTest.Sink> in = thread
                    ? Pipes.connectReadPipe(PipesTest.Sink::new, Channels.newInputStream(pipe.source()))
                    : Pipes.connectReadPipe(PipesTest.Sink::new, pipe.source());
            List<Runnable> calls = List.of(() -> out.transport().write(new byte[1]), () -> out.transport().writeEof(),
                    () -> out.transport().close(), () -> out.transport().abort(), () -> in.transport().close());
            for (Runnable call : calls) {
                Throwable e = Asyncio.toThread(() -> {
                    try {
                        call.run();
                        return null;
                    } catch (IllegalStateException wrongThread) {
                        return wrongThread;
                    }
                });
                assertInstanceOf(IllegalStateException.class, e);
                assertTrue(e.getMessage().contains("thread"), e.getMessage());
            }
            assertFalse(out.transport().isClosing(), "a refused call changed nothing");
            assertFalse(in.transport().isClosing());
            out.transport().close();
            assertNull(in.protocol().lost.await());
            assertNull(out.protocol().lost.await());
        });
    }

    @ParameterizedTest(name = "thread={0}")
    @ValueSource(booleans = {false, true})
    void closingAnEmptyPipeIsClosedAtOnceAndTheOwnersCloseAfterwardsChangesNothing(boolean thread) {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            PipeConnection<WriteTransport, Source> c = connect(thread, pipe);
            WriteTransport t = c.transport();
            t.close();
            assertTrue(t.toString().contains("[closed "), t.toString());
            assertNull(awaitLost(c.protocol()));
            // A subprocess transport closes each pipe as owner, including pipes already lost.
            io.jasyncio.internal.PipeAccess.get().closeByOwner(t);
            t.abort();
            Asyncio.sleep(Duration.ZERO);
            assertEquals(List.of("lost null"), c.protocol().events);
            assertEquals(-1, Channels.newInputStream(pipe.source()).read(), "the reader saw EOF");
            pipe.source().close();
        });
    }

    /** The owner's close (a subprocess closing its child's stdin) waits for the buffer, and later writes are still allowed drops. */
    @ParameterizedTest(name = "thread={0}")
    @ValueSource(booleans = {false, true})
    void theOwnersCloseAfterALossChangesNothing(boolean thread) {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            PipeConnection<WriteTransport, Source> c = connect(thread, pipe);
            WriteTransport t = c.transport();
            pipe.source().close();
            t.write(new byte[100]);
            assertInstanceOf(IOException.class, awaitLost(c.protocol()));
            io.jasyncio.internal.PipeAccess.get().closeByOwner(t);
            Asyncio.sleep(Duration.ZERO);
            assertEquals(1, c.protocol().events.size(), c.protocol().events.toString());
        });
    }

    @ParameterizedTest(name = "thread={0}")
    @ValueSource(booleans = {false, true})
    void aConnectionMadeThatThrowsIsReportedAndClosesThePipeWithItsError(boolean thread) {
        Asyncio.run(() -> {
            List<io.jasyncio.ErrorContext> errors = ReadPipeCallbacksTest.captureErrors();
            Pipe pipe = Pipe.open();
            IllegalStateException boom = new IllegalStateException("boom");
            Source[] made = new Source[1];
            java.util.function.Supplier<Source> factory = () -> made[0] = new Source() {
                @Override
                public void connectionMade(WriteTransport t) {
                    throw boom;
                }
            };
            PipeConnection<WriteTransport, Source> c = thread
                    ? Pipes.connectWritePipe(factory, Channels.newOutputStream(pipe.sink()))
                    : Pipes.connectWritePipe(factory, pipe.sink());
            assertTrue(c.transport().isClosing());
            assertSame(boom, awaitLost(made[0]));
            assertEquals(1, errors.size(), errors.toString());
            assertSame(boom, errors.get(0).exception());
            assertTrue(errors.get(0).message().contains("connectionMade() failed"), errors.get(0).message());
            assertEquals(-1, Channels.newInputStream(pipe.source()).read(), "the pipe was released: EOF");
            pipe.source().close();
        });
    }

    /**
     * The reader's end closed (a child exited) while bytes were still buffered: they are lost,
     * and the protocol hears it as an error; with nothing buffered the pipe just closes.
     */
    @ParameterizedTest(name = "thread={0} buffered={1}")
    @CsvSource({"false,false", "false,true", "true,false", "true,true"})
    void theReadersEndClosingWithBytesStillBufferedIsAnError(boolean thread, boolean buffered) {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            PipeConnection<WriteTransport, Source> c = connect(thread, pipe);
            WriteTransport t = c.transport();
            if (buffered) t.write(new byte[1 << 20]);
            long left = t.getWriteBufferSize();
            assertEquals(buffered, left > 0);
            if (thread && !buffered) {
                // The idle writer thread waits for work: the news must wake it.
                Thread writer = ((ThreadWritePipe) t).thread();
                for (int i = 0; i < 2000 && writer.getState() != Thread.State.WAITING; i++) Asyncio.sleep(Duration.ofMillis(5));
                assertEquals(Thread.State.WAITING, writer.getState());
            }
            io.jasyncio.internal.PipeAccess.get().peerClosed(t);
            // The thread decides once its write in progress returns: the reader really goes away.
            if (thread && buffered) pipe.source().close();
            Throwable exc = awaitLost(c.protocol());
            assertEquals(0, t.getWriteBufferSize());
            if (buffered) {
                assertInstanceOf(IOException.class, exc);
                if (!thread) {
                    assertTrue(exc.getMessage().contains("Broken pipe") && exc.getMessage().contains(left + " bytes"),
                            exc.getMessage());
                }
            } else {
                assertNull(exc);
            }
            pipe.source().close();
        });
    }

    /** The reader goes away while bytes wait in the selector pipe's buffer: the failed flush empties it. */
    @Test
    void aReaderGoneWhileBytesAreBufferedEndsThePipeWithAnEmptyBuffer() {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            PipeConnection<WriteTransport, Source> c = connect(false, pipe);
            WriteTransport t = c.transport();
            t.write(new byte[1 << 20]);
            assertTrue(t.getWriteBufferSize() > 0);
            pipe.source().close(); // the sink becomes writable: the next flush fails
            assertInstanceOf(IOException.class, awaitLost(c.protocol()));
            assertEquals(0, t.getWriteBufferSize());
            assertEquals(List.of("pause", "lost " + c.protocol().lost.result()), c.protocol().events);
        });
    }

    /**
     * Writes made while earlier ones are still buffered (partly written, the rest in the staging
     * buffer and behind it) reach the reader after them, in order.
     */
    @Test
    void writesMadeWhileEarlierOnesArePartlyWrittenArriveAfterThem() {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            PipeConnection<WriteTransport, Source> c = connect(false, pipe);
            WriteTransport t = c.transport();
            t.setWriteBufferLimits(64 << 20, 0);
            byte[] all = PipesTest.pattern(3 << 20);
            InputStream in = Channels.newInputStream(pipe.source());
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            int first = 1 << 20;
            t.write(ByteBuffer.wrap(all, 0, first));
            int at = first;
            byte[] b = new byte[16 * 1024];
            while (at < all.length) {
                // Read a little, so the pipe takes part of the staged bytes, then write more.
                long before = t.getWriteBufferSize();
                int n = Asyncio.toThread(() -> in.read(b));
                got.write(b, 0, n);
                for (int i = 0; i < 1000 && t.getWriteBufferSize() == before; i++) Asyncio.sleep(Duration.ofMillis(1));
                int len = Math.min(100_000, all.length - at);
                t.write(ByteBuffer.wrap(all, at, len));
                at += len;
            }
            t.close();
            got.writeBytes(Asyncio.toThread(in::readAllBytes));
            assertNull(awaitLost(c.protocol()));
            assertArrayEquals(all, got.toByteArray());
            pipe.source().close();
        });
    }
}
