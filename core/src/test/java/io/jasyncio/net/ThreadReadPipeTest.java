package io.jasyncio.net;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.LogCapture;
import io.jasyncio.internal.PipeAccess;
import io.jasyncio.net.ReadPipeCallbacksTest.Hooked;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The thread-served read pipe: its reader thread's reads, pauses, chunk hand-over and end, driven
 * by streams whose reads the test controls.
 */
@Timeout(30)
class ThreadReadPipeTest {

    /** A stream whose reads return the pieces the test feeds, one per read; an empty piece is EOF. */
    static final class Fed extends InputStream {
        final LinkedBlockingQueue<byte[]> pieces = new LinkedBlockingQueue<>();
        final AtomicInteger entered = new AtomicInteger();
        final AtomicInteger returned = new AtomicInteger();
        volatile boolean closed;

        void feed(String s) {
            pieces.add(s.getBytes(US_ASCII));
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            entered.incrementAndGet();
            byte[] p;
            try {
                p = pieces.take();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            returned.incrementAndGet();
            if (p.length == 0) return -1;
            System.arraycopy(p, 0, b, off, p.length);
            return p.length;
        }

        @Override
        public void close() {
            closed = true;
            pieces.add(new byte[0]); // wakes a read in progress with EOF
        }
    }

    /** Waits (bounded, yielding to the loop) until the reader thread is inside its first read. */
    static void awaitFirstRead(Fed in) {
        for (int i = 0; i < 2000 && in.entered.get() == 0; i++) Asyncio.sleep(Duration.ofMillis(5));
        assertEquals(1, in.entered.get());
    }

    /** Waits (bounded, yielding to the loop) until the reader thread is parked after {@code reads} returned reads. */
    static void awaitParkedAfter(ThreadReadPipe t, Fed in, int reads) {
        for (int i = 0; i < 2000; i++) {
            if (in.returned.get() == reads && t.thread().getState() == Thread.State.WAITING) return;
            Asyncio.sleep(Duration.ofMillis(5));
        }
        fail("the reader thread did not park: " + t.thread().getState() + ", reads returned " + in.returned);
    }

    @Test
    void readsThatReturnNothingAreRetriedWithoutLosingAChunkOrEndingTheStream() {
        Asyncio.run(() -> {
            int[] script = {0, 0, 0, 0, 0, 0, 3, 0, -1};
            InputStream zeroes = new InputStream() {
                int i;

                @Override
                public int read() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    int n = script[i++];
                    if (n > 0) Arrays.fill(b, off, off + n, (byte) 'z');
                    return n;
                }
            };
            Hooked p = new Hooked();
            Pipes.connectReadPipe(() -> p, zeroes);
            assertNull(ReadPipeCallbacksTest.awaitLost(p));
            assertEquals(List.of("made", "data zzz", "eof", "lost null"), p.events);
        });
    }

    /**
     * Paused while a read was under way: that read's data is held, not delivered, and the thread
     * reads no more until resumed; resuming delivers the held data from a fresh callback (not from
     * inside resumeReading, where a StreamReader would be fed re-entrantly).
     */
    @Test
    void pausedDuringAReadTheThreadHoldsThatChunkAndReadsNoMoreUntilResumed() {
        Asyncio.run(() -> {
            Fed in = new Fed();
            Hooked p = new Hooked();
            PipeConnection<ReadTransport, Hooked> c = Pipes.connectReadPipe(() -> p, in);
            ThreadReadPipe t = (ThreadReadPipe) c.transport();
            awaitFirstRead(in);
            c.transport().pauseReading();
            in.feed("held");
            awaitParkedAfter(t, in, 1);
            for (int i = 0; i < 3; i++) Asyncio.sleep(Duration.ZERO);
            assertEquals(1, in.entered.get(), "paused: no second read");
            assertEquals(List.of("made"), p.events, "nothing is delivered while paused");
            c.transport().resumeReading();
            assertEquals(List.of("made"), p.events, "not from inside resumeReading()");
            in.feed("more");
            in.feed("");
            assertNull(ReadPipeCallbacksTest.awaitLost(p));
            assertEquals(List.of("made", "data held", "data more", "eof", "lost null"), p.events);
        });
    }

    @Test
    void closingAPausedThreadPipeEndsItsThreadAndClosesTheStream() {
        Asyncio.run(() -> {
            Fed in = new Fed();
            Hooked p = new Hooked();
            PipeConnection<ReadTransport, Hooked> c = Pipes.connectReadPipe(() -> p, in);
            ThreadReadPipe t = (ThreadReadPipe) c.transport();
            awaitFirstRead(in);
            c.transport().pauseReading();
            in.feed("held");
            awaitParkedAfter(t, in, 1); // waiting to be resumed
            c.transport().close();
            assertNull(ReadPipeCallbacksTest.awaitLost(p));
            t.thread().join(10_000);
            assertFalse(t.thread().isAlive(), "the paused thread was woken to end");
            assertTrue(in.closed);
            assertEquals(List.of("made", "lost null"), p.events, "the held chunk was dropped");
        });
    }

    /**
     * The loop closes while the reader thread waits for a free chunk (every chunk handed to the
     * loop, whose callbacks the close drops): the thread is woken and ends.
     */
    @Test
    void aReaderThreadWaitingForAFreeChunkEndsWhenTheLoopCloses() throws Exception {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'e';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                Arrays.fill(b, off, off + len, (byte) 'e');
                return len;
            }
        };
        Thread thread;
        EventLoop loop = new EventLoop();
        try {
            ReadTransport t = PipeAccess.get().readPipe(loop, endless, "endless", new ReadPipeProtocol() { });
            thread = PipeAccess.get().thread(t);
            loop.runUntilComplete(() -> Asyncio.sleep(Duration.ZERO)); // connectionMade: the thread starts
            // The loop no longer runs: the thread hands over every chunk and waits for one back.
            for (int i = 0; i < 2000 && thread.getState() != Thread.State.WAITING; i++) Thread.sleep(5);
            assertEquals(Thread.State.WAITING, thread.getState());
        } finally {
            loop.close();
        }
        thread.join(10_000);
        assertFalse(thread.isAlive());
    }

    /** A thread pipe left open is released when the loop closes (with a warning); one closed is not mentioned. */
    @Test
    void aThreadReadPipeLeftOpenIsReleasedWhenTheLoopClosesAndOneClosedIsNotReleasedAgain() throws Exception {
        Pipe open = Pipe.open();
        Pipe closed = Pipe.open();
        Thread[] threads = new Thread[1];
        String[] names = new String[2];
        LogCapture log = LogCapture.start();
        try {
            Asyncio.run(() -> {
                Hooked a = new Hooked();
                Hooked b = new Hooked();
                ReadTransport left = Pipes.connectReadPipe(() -> a, Channels.newInputStream(open.source())).transport();
                ReadTransport shut = Pipes.connectReadPipe(() -> b, Channels.newInputStream(closed.source())).transport();
                threads[0] = ((ThreadReadPipe) left).thread();
                shut.close();
                ReadPipeCallbacksTest.awaitLost(b);
                names[0] = left.toString();
                names[1] = shut.getExtraInfo("pipe").toString();
            });
            threads[0].join(10_000);
            assertFalse(threads[0].isAlive(), "the reader thread ended with the loop");
            assertFalse(open.source().isOpen(), "and its stream was closed");
            List<String> leftOpen = log.messages().stream().filter(m -> m.contains("left open")).toList();
            assertEquals(1, leftOpen.size(), leftOpen.toString());
            assertTrue(leftOpen.get(0).contains(names[0].substring(names[0].indexOf(' '))), leftOpen + " " + names[0]);
            assertFalse(leftOpen.get(0).contains(names[1]), leftOpen.toString());
        } finally {
            log.stop();
            open.sink().close();
            closed.sink().close();
        }
    }

    @Test
    void aReadErrorClosesThePipeWithIt() {
        Asyncio.run(() -> {
            IOException failure = new IOException("read failed");
            InputStream failing = new InputStream() {
                @Override
                public int read() throws IOException {
                    throw failure;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    throw failure;
                }
            };
            Hooked p = new Hooked();
            PipeConnection<ReadTransport, Hooked> c = Pipes.connectReadPipe(() -> p, failing);
            assertSame(failure, ReadPipeCallbacksTest.awaitLost(p));
            assertEquals(List.of("made", "lost read failed"), p.events);
            ((ThreadReadPipe) c.transport()).thread().join(10_000);
        });
    }

    /**
     * A read that ignores the release's interrupt and returns EOF after the pipe was closed and
     * released: the EOF reaches the loop but is dropped; no eofReceived, no second connectionLost.
     */
    @Test
    void anEofReadAfterThePipeWasClosedIsDropped() {
        Asyncio.run(() -> {
            java.util.concurrent.CountDownLatch eof = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
            InputStream deaf = new InputStream() {
                @Override
                public int read() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    entered.countDown();
                    boolean done = false;
                    while (!done) {
                        try {
                            done = eof.await(20, java.util.concurrent.TimeUnit.SECONDS);
                        } catch (InterruptedException ignored) {
                            // as a read blocked in the kernel: the interrupt does not end it
                        }
                    }
                    return -1;
                }
            };
            Hooked p = new Hooked();
            PipeConnection<ReadTransport, Hooked> c = Pipes.connectReadPipe(() -> p, deaf);
            assertTrue(Asyncio.toThread(() -> entered.await(20, java.util.concurrent.TimeUnit.SECONDS)));
            c.transport().close();
            assertNull(ReadPipeCallbacksTest.awaitLost(p)); // released in the same callback
            eof.countDown();
            Thread reader = ((ThreadReadPipe) c.transport()).thread();
            Asyncio.toThread(() -> {
                reader.join(10_000);
                return null;
            });
            assertFalse(reader.isAlive());
            for (int i = 0; i < 3; i++) Asyncio.sleep(Duration.ZERO); // the EOF's callback and any follow-up
            assertEquals(List.of("made", "lost null"), p.events);
        });
    }

    /** Paused from connectionMade, then closed: resuming the closed pipe never starts its reader thread. */
    @Test
    void resumingAClosedPipeThatNeverReadDoesNotStartItsThread() {
        Asyncio.run(() -> {
            Fed in = new Fed();
            Hooked p = new Hooked();
            p.onMade = ReadTransport::pauseReading;
            PipeConnection<ReadTransport, Hooked> c = Pipes.connectReadPipe(() -> p, in);
            c.transport().close();
            c.transport().resumeReading();
            assertNull(ReadPipeCallbacksTest.awaitLost(p));
            assertEquals(Thread.State.NEW, ((ThreadReadPipe) c.transport()).thread().getState());
            assertEquals(0, in.entered.get());
            assertTrue(in.closed);
        });
    }
}
