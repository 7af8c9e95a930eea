package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.LogCapture;
import io.jasyncio.net.PipesTest.Source;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The thread-served write pipe: its writer thread's batches and its end. */
@Timeout(30)
class ThreadWritePipeTest {

    /** Writes queued while the thread is inside an earlier write go out after it, whole and in order. */
    @Test
    void writesQueuedWhileTheThreadIsWritingArriveWholeAndInOrder() {
        Asyncio.run(() -> {
            HeldStream held = new HeldStream();
            PipeConnection<WriteTransport, Source> c = Pipes.connectWritePipe(Source::new, held);
            WriteTransport t = c.transport();
            byte[] all = PipesTest.pattern(30_000);
            t.write(java.util.Arrays.copyOfRange(all, 0, 10_000));
            held.awaitFirstWrite();
            t.write(java.util.Arrays.copyOfRange(all, 10_000, 20_000)); // queued behind the first
            t.write(java.util.Arrays.copyOfRange(all, 20_000, 30_000));
            assertEquals(30_000, t.getWriteBufferSize());
            held.release.countDown();
            t.close();
            assertNull(Asyncio.waitFor(c.protocol().lost, Duration.ofSeconds(10)));
            assertEquals(0, t.getWriteBufferSize());
            assertArrayEquals(all, held.written());
        });
    }

    /**
     * The writes queued while the thread is inside a write go out as one batch: the stream is
     * flushed once for the three writes, not after each (for a process's stdin behind a buffered
     * stream, a flush is a system call).
     */
    @Test
    void writesQueuedWhileTheThreadIsWritingGoOutWithOneFlush() {
        Asyncio.run(() -> {
            HeldStream held = new HeldStream();
            PipeConnection<WriteTransport, Source> c = Pipes.connectWritePipe(Source::new, held);
            WriteTransport t = c.transport();
            t.write(new byte[100]);
            held.awaitFirstWrite();
            t.write(new byte[200]); // both queued before the first write returns
            t.write(new byte[300]);
            held.release.countDown();
            t.close();
            assertNull(Asyncio.waitFor(c.protocol().lost, Duration.ofSeconds(10)));
            ((ThreadWritePipe) t).thread().join(10_000);
            assertEquals(List.of("write 100", "write 200", "write 300", "flush", "close"), held.calls());
        });
    }

    /**
     * abort() drops the queued writes at once, not only at the release one loop iteration later:
     * a write in progress that returns in between (here while the protocol's connectionLost runs,
     * before the release) is followed by none of the writes queued behind it.
     */
    @Test
    void abortDropsTheQueuedWritesAtOnceEvenIfTheWriteInProgressReturnsBeforeTheRelease() {
        Asyncio.run(() -> {
            HeldStream held = new HeldStream();
            List<String> seenAtLoss = new java.util.ArrayList<>();
            Thread[] writer = new Thread[1];
            Source s = new Source() {
                @Override
                public void connectionLost(Throwable exc) {
                    // On the loop thread, before the release: let the first write return and wait
                    // until the writer thread has nothing more to do.
                    held.release.countDown();
                    for (int i = 0; i < 10_000; i++) {
                        if (held.firstReturned() && writer[0].getState() == Thread.State.WAITING) break;
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    seenAtLoss.add(held.firstReturned() + " " + held.written().length);
                    super.connectionLost(exc);
                }
            };
            PipeConnection<WriteTransport, Source> c = Pipes.connectWritePipe(() -> s, held);
            writer[0] = ((ThreadWritePipe) c.transport()).thread();
            WriteTransport t = c.transport();
            t.write(new byte[100]);
            held.awaitFirstWrite();
            t.write(new byte[200]); // queued behind the write in progress
            t.write(new byte[300]);
            t.abort();
            assertNull(Asyncio.waitFor(c.protocol().lost, Duration.ofSeconds(10)));
            assertEquals(List.of("true 100"), seenAtLoss);
            Asyncio.toThread(() -> {
                writer[0].join(10_000);
                return null;
            });
            assertEquals(100, held.written().length);
        });
    }

    /**
     * The loop closing while the writer thread is inside a write ends the pipe: the writes queued
     * behind that one are not written when it returns, and the stream is closed.
     */
    @Test
    void writesQueuedBehindAWriteInProgressAreNotWrittenOnceTheLoopClosed() throws Exception {
        HeldStream held = new HeldStream();
        Thread[] writer = new Thread[1];
        LogCapture log = LogCapture.start(); // the "left open" warning is expected here
        try {
            Asyncio.run(() -> {
                PipeConnection<WriteTransport, Source> c = Pipes.connectWritePipe(Source::new, held);
                writer[0] = ((ThreadWritePipe) c.transport()).thread();
                c.transport().write(new byte[100]);
                held.awaitFirstWrite();
                c.transport().write(new byte[200]); // queued behind the write in progress
                c.transport().write(new byte[300]);
            });
        } finally {
            log.stop();
        }
        held.release.countDown();
        assertTrue(held.closed.await(20, TimeUnit.SECONDS));
        writer[0].join(10_000);
        assertFalse(writer[0].isAlive());
        assertEquals(100, held.written().length);
    }

    /** A write pipe closed before the loop closes is not "left open": no warning, and its stream is closed. */
    @Test
    void aClosedThreadWritePipeIsNotReleasedAgainWhenTheLoopCloses() throws Exception {
        Pipe pipe = Pipe.open();
        LogCapture log = LogCapture.start();
        try {
            Asyncio.run(() -> {
                PipeConnection<WriteTransport, Source> c =
                        Pipes.connectWritePipe(Source::new, Channels.newOutputStream(pipe.sink()));
                c.transport().close();
                assertNull(Asyncio.waitFor(c.protocol().lost, Duration.ofSeconds(10)));
                ((ThreadWritePipe) c.transport()).thread().join(10_000);
            });
            assertFalse(pipe.sink().isOpen());
            List<String> leftOpen = log.messages().stream().filter(m -> m.contains("left open")).toList();
            assertEquals(List.of(), leftOpen);
        } finally {
            log.stop();
            pipe.source().close();
        }
    }

    /**
     * A stream whose first write waits, on the writer thread, until {@link #release} is counted
     * down; it records every call ("write N", "flush", "close") and the bytes written.
     */
    static final class HeldStream extends OutputStream {
        final CountDownLatch inFirstWrite = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);
        private final ByteArrayOutputStream written = new ByteArrayOutputStream();
        private final List<String> calls = new ArrayList<>();
        private volatile boolean firstReturned;

        @Override
        public void write(int b) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void write(byte[] b, int off, int len) {
            boolean first = inFirstWrite.getCount() > 0; // one writer thread: no race here
            if (first) {
                inFirstWrite.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            synchronized (this) {
                written.write(b, off, len);
                calls.add("write " + len);
            }
            if (first) firstReturned = true;
        }

        @Override
        public synchronized void flush() {
            calls.add("flush");
        }

        @Override
        public void close() {
            synchronized (this) {
                calls.add("close");
            }
            closed.countDown();
        }

        /** Waits, off the loop thread, until the writer thread is inside its first write. */
        void awaitFirstWrite() {
            assertTrue(Asyncio.toThread(() -> inFirstWrite.await(20, TimeUnit.SECONDS)));
        }

        boolean firstReturned() {
            return firstReturned;
        }

        synchronized byte[] written() {
            return written.toByteArray();
        }

        synchronized List<String> calls() {
            return List.copyOf(calls);
        }
    }
}
