package io.jasyncio.net;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Pipe transports: selectable Pipe ends and thread-served streams (FIFOs, blocking pipe ends). */
@Timeout(30)
class PipesTest {

    /** Collects what a read pipe delivers. */
    static final class Sink implements ReadPipeProtocol {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final List<String> events = new ArrayList<>();
        final Future<Throwable> lost = Asyncio.getRunningLoop().createFuture();
        Future<Void> enough;
        long enoughAt;
        ReadTransport transport;

        @Override
        public void connectionMade(ReadTransport t) {
            transport = t;
            events.add("made");
        }

        @Override
        public void dataReceived(ByteBuffer d) {
            assertTrue(d.isReadOnly());
            byte[] b = new byte[d.remaining()];
            d.get(b);
            data.writeBytes(b);
            if (enough != null && !enough.done() && data.size() >= enoughAt) enough.setResult(null);
        }

        @Override
        public void eofReceived() {
            events.add("eof");
        }

        @Override
        public void connectionLost(Throwable exc) {
            events.add("lost " + exc);
            lost.setResult(exc);
        }

        void awaitSize(long n) {
            if (data.size() >= n) return;
            enough = Asyncio.getRunningLoop().createFuture();
            enoughAt = n;
            enough.await();
        }
    }

    /** Records a write pipe's flow control. */
    static class Source implements WritePipeProtocol {
        final List<String> events = new ArrayList<>();
        final Future<Throwable> lost = Asyncio.getRunningLoop().createFuture();
        Future<Void> resumed = Asyncio.getRunningLoop().createFuture();
        WriteTransport transport;

        @Override
        public void connectionMade(WriteTransport t) {
            transport = t;
        }

        @Override
        public void pauseWriting() {
            events.add("pause");
        }

        @Override
        public void resumeWriting() {
            events.add("resume");
            if (!resumed.done()) resumed.setResult(null);
        }

        @Override
        public void connectionLost(Throwable exc) {
            events.add("lost " + exc);
            lost.setResult(exc);
        }
    }

    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 7 + (i >> 11));
        return b;
    }

    @Test
    void aSelectablePipeCarriesDataThenEofThenConnectionLost() {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            PipeConnection<ReadTransport, Sink> in = Pipes.connectReadPipe(Sink::new, pipe.source());
            PipeConnection<WriteTransport, Source> out = Pipes.connectWritePipe(Source::new, pipe.sink());
            assertEquals(List.of("made"), in.protocol().events);
            byte[] data = pattern(3 << 20);
            out.transport().write(data);
            assertTrue(out.transport().getWriteBufferSize() > 0, "3 MiB do not fit in a pipe at once");
            out.transport().close();
            assertNull(in.protocol().lost.await());
            assertNull(out.protocol().lost.await());
            assertArrayEquals(data, in.protocol().data.toByteArray());
            assertEquals(List.of("made", "eof", "lost null"), in.protocol().events);
            assertEquals(List.of("pause", "resume", "lost null"), out.protocol().events);
            assertFalse(pipe.source().isOpen(), "the transport closed its pipe end");
            assertFalse(pipe.sink().isOpen());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> out.transport().write(new byte[1]));
            assertTrue(e.getMessage().contains("after close()"), e.getMessage());
        });
    }

    @Test
    void manyWritesBeyondTheStagingBufferArriveWholeAndInOrder() {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            PipeConnection<ReadTransport, Sink> in = Pipes.connectReadPipe(Sink::new, pipe.source());
            PipeConnection<WriteTransport, Source> out = Pipes.connectWritePipe(Source::new, pipe.sink());
            in.transport().pauseReading(); // the pipe fills, then the staging buffer, then the overflow
            byte[] all = pattern(100 * 50_000 + 7);
            ByteBuffer src = ByteBuffer.wrap(all);
            long maxBuffered = 0;
            while (src.hasRemaining()) {
                ByteBuffer part = src.slice(src.position(), Math.min(src.remaining(), 50_000));
                out.transport().write(part);
                src.position(src.position() + part.capacity());
                maxBuffered = Math.max(maxBuffered, out.transport().getWriteBufferSize());
            }
            assertTrue(maxBuffered > SelectorWritePipe.STAGE, "the overflow was used: " + maxBuffered);
            in.transport().resumeReading();
            out.transport().close();
            assertNull(out.protocol().lost.await());
            assertNull(in.protocol().lost.await());
            assertArrayEquals(all, in.protocol().data.toByteArray());
            assertEquals(0, out.transport().getWriteBufferSize());
        });
    }

    @Test
    void pausedReadingDeliversNothingUntilResumed() {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            PipeConnection<ReadTransport, Sink> in = Pipes.connectReadPipe(Sink::new, pipe.source());
            PipeConnection<WriteTransport, Source> out = Pipes.connectWritePipe(Source::new, pipe.sink());
            in.transport().pauseReading();
            assertFalse(in.transport().isReading());
            out.transport().write("abc".getBytes(US_ASCII));
            // Let the loop go round several times with the data waiting in the pipe.
            for (int i = 0; i < 20; i++) Asyncio.sleep(Duration.ZERO);
            assertEquals(0, in.protocol().data.size());
            in.transport().resumeReading();
            in.protocol().awaitSize(3);
            assertEquals("abc", in.protocol().data.toString(US_ASCII));
            in.transport().close();
            assertNull(in.protocol().lost.await());
            out.transport().abort();
            assertNull(out.protocol().lost.await());
        });
    }

    @Test
    void aBlockingStreamIsReadByAThreadWhileTheLoopKeepsTicking() {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open(); // used blocking, through streams: not selectable for us
            InputStream blocking = Channels.newInputStream(pipe.source());
            PipeConnection<ReadTransport, Sink> in = Pipes.connectReadPipe(Sink::new, blocking);
            // The loop is not blocked by the reader thread: the writer sends nothing until the
            // loop has ticked five times while the reader waits (a blocked loop never gets there).
            java.util.concurrent.CountDownLatch ticked = new java.util.concurrent.CountDownLatch(5);
            Thread writer = Thread.ofPlatform().start(() -> {
                try (var os = Channels.newOutputStream(pipe.sink())) {
                    ticked.await();
                    os.write(pattern(1 << 20));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            while (!in.protocol().lost.done()) {
                Asyncio.sleep(Duration.ofMillis(10));
                ticked.countDown();
            }
            assertEquals(0, ticked.getCount(), "the data came before the loop ticked while the pipe thread waited");
            assertArrayEquals(pattern(1 << 20), in.protocol().data.toByteArray());
            assertEquals(List.of("made", "eof", "lost null"), in.protocol().events);
            writer.join();
        });
    }

    @Test
    void aPausedThreadReaderStopsReadingSoTheWriterBlocks() throws Exception {
        Pipe pipe = Pipe.open();
        Thread[] writer = new Thread[1];
        long[] written = new long[1];
        Asyncio.run(() -> {
            PipeConnection<ReadTransport, Sink> in = Pipes.connectReadPipe(Sink::new, Channels.newInputStream(pipe.source()));
            in.transport().pauseReading();
            writer[0] = Thread.ofPlatform().start(() -> {
                try (var os = Channels.newOutputStream(pipe.sink())) {
                    byte[] chunk = new byte[4096];
                    for (int i = 0; i < 4096; i++) { // 16 MiB if nothing held it back
                        os.write(chunk);
                        synchronized (written) {
                            written[0] += chunk.length;
                        }
                    }
                } catch (IOException closed) {
                    // the reader closed the pipe
                }
            });
            // Wait until the writer is blocked on the full pipe.
            while (writer[0].getState() != Thread.State.RUNNABLE || !blockedInWrite(writer[0])) {
                Asyncio.sleep(Duration.ofMillis(10));
            }
            long w;
            synchronized (written) {
                w = written[0];
            }
            // Paused before the first read: at most one chunk read plus what the pipe holds.
            assertTrue(w <= ThreadReadPipe.CHUNK_SIZE + (1 << 20), "written while paused: " + w);
            assertEquals(0, in.protocol().data.size(), "nothing is delivered while paused");
            in.transport().resumeReading();
            in.protocol().awaitSize(64 * 1024);
            in.transport().close();
            in.protocol().lost.await();
        });
        pipe.sink().close();
        writer[0].join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(writer[0].isAlive());
    }

    /** Whether {@code t} is inside a pipe write (its top frames are the channel's write). */
    static boolean blockedInWrite(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getMethodName().startsWith("write0") || e.getMethodName().equals("write")
                    && e.getClassName().contains("SinkChannelImpl")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aFifoIsOpenedOffTheLoopAndRead(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            // Opening a FIFO for reading waits for a writer: that wait must not block the loop.
            var reading = loop.createTask(() -> Pipes.connectReadPipe(Sink::new, fifo));
            // Loop iterations, not time: the loop keeps running while the open waits (a blocked
            // loop would never get here), and without a writer the open cannot have finished.
            for (int i = 0; i < 3; i++) Asyncio.sleep(0);
            assertFalse(reading.done(), "no writer yet");
            PipeConnection<WriteTransport, Source> out = Pipes.connectWritePipe(Source::new, fifo);
            PipeConnection<ReadTransport, Sink> in = reading.await();
            out.transport().write("through a fifo".getBytes(US_ASCII));
            out.transport().close();
            assertNull(in.protocol().lost.await());
            assertEquals("through a fifo", in.protocol().data.toString(US_ASCII));
            assertNull(out.protocol().lost.await());
        });
    }

    @Test
    void writingToAPipeWhoseReaderIsGoneReportsTheError() {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            PipeConnection<WriteTransport, Source> out = Pipes.connectWritePipe(Source::new, Channels.newOutputStream(pipe.sink()));
            pipe.source().close();
            out.transport().write(new byte[100]);
            Throwable exc = out.protocol().lost.await();
            assertInstanceOf(IOException.class, exc);
            out.transport().write(new byte[1]); // after the loss: dropped, as asyncio
            assertTrue(out.transport().isClosing());
        });
    }

    /**
     * The writer thread used to catch only IOException: a stream that threw anything else killed
     * it silently, the transport never heard, and drain() (or this protocol) waited forever.
     */
    @Test
    void aWriteStreamThatThrowsUncheckedClosesThePipeWithTheErrorInsteadOfHanging() {
        Asyncio.run(() -> {
            IllegalStateException boom = new IllegalStateException("boom from the stream");
            java.io.OutputStream broken = new java.io.OutputStream() {
                @Override
                public void write(int b) {
                    throw boom;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    throw boom;
                }
            };
            PipeConnection<WriteTransport, Source> out = Pipes.connectWritePipe(Source::new, broken);
            Thread writer = ((ThreadWritePipe) out.transport()).thread();
            out.transport().write(new byte[200_000]); // above the high-water mark: paused
            assertEquals(List.of("pause"), out.protocol().events);
            Throwable exc = Asyncio.waitFor(out.protocol().lost, Duration.ofSeconds(20));
            assertInstanceOf(IOException.class, exc);
            assertSame(boom, exc.getCause());
            assertTrue(exc.getMessage().contains("writer thread failed"), exc.getMessage());
            writer.join(10_000);
            assertFalse(writer.isAlive());
        });
    }

    /** The reader thread's counterpart: the protocol hears the error instead of waiting for EOF forever. */
    @Test
    void aReadStreamThatThrowsUncheckedClosesThePipeWithTheErrorInsteadOfHanging() {
        Asyncio.run(() -> {
            UnsupportedOperationException boom = new UnsupportedOperationException("boom from the stream");
            InputStream broken = new InputStream() {
                @Override
                public int read() {
                    throw boom;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    throw boom;
                }
            };
            PipeConnection<ReadTransport, Sink> in = Pipes.connectReadPipe(Sink::new, broken);
            Throwable exc = Asyncio.waitFor(in.protocol().lost, Duration.ofSeconds(20));
            assertInstanceOf(IOException.class, exc);
            assertSame(boom, exc.getCause());
            assertTrue(exc.getMessage().contains("reader thread failed"), exc.getMessage());
            Thread reader = ((ThreadReadPipe) in.transport()).thread();
            reader.join(10_000);
            assertFalse(reader.isAlive());
        });
    }

    @Test
    void badPipesArePreciseErrors(@TempDir Path dir) {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            pipe.source().close();
            assertThrows(ClosedChannelException.class, () -> Pipes.connectReadPipe(Sink::new, pipe.source()));
            Pipe other = Pipe.open();
            other.source().configureBlocking(false);
            EventLoop loop = Asyncio.getRunningLoop();
            loop.addReader(other.source(), () -> { });
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Pipes.connectReadPipe(Sink::new, other.source()));
            assertTrue(e.getMessage().contains("already registered"), e.getMessage());
            assertTrue(loop.removeReader(other.source()));
            PipeConnection<ReadTransport, Sink> in = Pipes.connectReadPipe(Sink::new, other.source());
            in.transport().close();
            other.sink().close();
            assertThrows(java.nio.file.NoSuchFileException.class, () -> Pipes.connectReadPipe(Sink::new, dir.resolve("none")));
            assertThrows(NullPointerException.class, () -> Pipes.connectWritePipe(Source::new, (Pipe.SinkChannel) null));
        });
    }

    @Test
    void aThreadPipeLeftOpenIsReleasedWhenTheLoopCloses() throws Exception {
        Pipe pipe = Pipe.open();
        Thread[] t = new Thread[1];
        Asyncio.run(() -> {
            PipeConnection<WriteTransport, Source> out = Pipes.connectWritePipe(Source::new, Channels.newOutputStream(pipe.sink()));
            t[0] = ((ThreadWritePipe) out.transport()).thread();
            assertTrue(t[0].isAlive());
        });
        t[0].join(10_000);
        assertFalse(t[0].isAlive(), "the writer thread ended with the loop");
        assertFalse(pipe.sink().isOpen(), "and closed its stream");
        pipe.source().close();
    }
}
