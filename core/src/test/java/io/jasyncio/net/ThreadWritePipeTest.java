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
            CountDownLatch inFirstWrite = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ByteArrayOutputStream written = new ByteArrayOutputStream();
            OutputStream held = new OutputStream() {
                @Override
                public void write(int b) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public synchronized void write(byte[] b, int off, int len) {
                    if (inFirstWrite.getCount() > 0) {
                        inFirstWrite.countDown();
                        try {
                            release.await(20, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    written.write(b, off, len);
                }
            };
            PipeConnection<WriteTransport, Source> c = Pipes.connectWritePipe(Source::new, held);
            WriteTransport t = c.transport();
            byte[] all = PipesTest.pattern(30_000);
            t.write(java.util.Arrays.copyOfRange(all, 0, 10_000));
            assertTrue(Asyncio.toThread(() -> inFirstWrite.await(20, TimeUnit.SECONDS)));
            t.write(java.util.Arrays.copyOfRange(all, 10_000, 20_000)); // queued behind the first
            t.write(java.util.Arrays.copyOfRange(all, 20_000, 30_000));
            assertEquals(30_000, t.getWriteBufferSize());
            release.countDown();
            t.close();
            assertNull(Asyncio.waitFor(c.protocol().lost, Duration.ofSeconds(10)));
            assertEquals(0, t.getWriteBufferSize());
            synchronized (held) {
                assertArrayEquals(all, written.toByteArray());
            }
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
            CountDownLatch inFirstWrite = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<String> calls = new java.util.ArrayList<>();
            OutputStream held = new OutputStream() {
                @Override
                public void write(int b) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public synchronized void write(byte[] b, int off, int len) {
                    if (inFirstWrite.getCount() > 0) {
                        inFirstWrite.countDown();
                        try {
                            release.await(20, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    calls.add("write " + len);
                }

                @Override
                public synchronized void flush() {
                    calls.add("flush");
                }

                @Override
                public synchronized void close() {
                    calls.add("close");
                }
            };
            PipeConnection<WriteTransport, Source> c = Pipes.connectWritePipe(Source::new, held);
            WriteTransport t = c.transport();
            t.write(new byte[100]);
            assertTrue(Asyncio.toThread(() -> inFirstWrite.await(20, TimeUnit.SECONDS)));
            t.write(new byte[200]); // both queued before the first write returns
            t.write(new byte[300]);
            release.countDown();
            t.close();
            assertNull(Asyncio.waitFor(c.protocol().lost, Duration.ofSeconds(10)));
            ((ThreadWritePipe) t).thread().join(10_000);
            synchronized (held) {
                assertEquals(List.of("write 100", "write 200", "write 300", "flush", "close"), calls);
            }
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
            CountDownLatch inFirstWrite = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            java.util.concurrent.atomic.AtomicBoolean firstReturned = new java.util.concurrent.atomic.AtomicBoolean();
            ByteArrayOutputStream written = new ByteArrayOutputStream();
            OutputStream held = new OutputStream() {
                @Override
                public void write(int b) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    boolean first = inFirstWrite.getCount() > 0;
                    if (first) {
                        inFirstWrite.countDown();
                        try {
                            release.await(20, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    synchronized (written) {
                        written.write(b, off, len);
                    }
                    if (first) firstReturned.set(true);
                }
            };
            List<String> seenAtLoss = new java.util.ArrayList<>();
            Thread[] writer = new Thread[1];
            Source s = new Source() {
                @Override
                public void connectionLost(Throwable exc) {
                    // On the loop thread, before the release: let the first write return and wait
                    // until the writer thread has nothing more to do.
                    release.countDown();
                    for (int i = 0; i < 10_000; i++) {
                        if (firstReturned.get() && writer[0].getState() == Thread.State.WAITING) break;
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    synchronized (written) {
                        seenAtLoss.add(firstReturned.get() + " " + written.size());
                    }
                    super.connectionLost(exc);
                }
            };
            PipeConnection<WriteTransport, Source> c = Pipes.connectWritePipe(() -> s, held);
            writer[0] = ((ThreadWritePipe) c.transport()).thread();
            WriteTransport t = c.transport();
            t.write(new byte[100]);
            assertTrue(Asyncio.toThread(() -> inFirstWrite.await(20, TimeUnit.SECONDS)));
            t.write(new byte[200]); // queued behind the write in progress
            t.write(new byte[300]);
            t.abort();
            assertNull(Asyncio.waitFor(c.protocol().lost, Duration.ofSeconds(10)));
            assertEquals(List.of("true 100"), seenAtLoss);
            Asyncio.toThread(() -> {
                writer[0].join(10_000);
                return null;
            });
            synchronized (written) {
                assertEquals(100, written.size());
            }
        });
    }

    /**
     * The loop closing while the writer thread is inside a write ends the pipe: the writes queued
     * behind that one are not written when it returns, and the stream is closed.
     */
    @Test
    void writesQueuedBehindAWriteInProgressAreNotWrittenOnceTheLoopClosed() throws Exception {
        CountDownLatch inFirstWrite = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        CountDownLatch closed = new CountDownLatch(1);
        OutputStream held = new OutputStream() {
            @Override
            public void write(int b) {
                throw new UnsupportedOperationException();
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                if (inFirstWrite.getCount() > 0) {
                    inFirstWrite.countDown();
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                written.write(b, off, len);
            }

            @Override
            public void close() {
                closed.countDown();
            }
        };
        Thread[] writer = new Thread[1];
        LogCapture log = LogCapture.start(); // the "left open" warning is expected here
        try {
            Asyncio.run(() -> {
                PipeConnection<WriteTransport, Source> c = Pipes.connectWritePipe(Source::new, held);
                writer[0] = ((ThreadWritePipe) c.transport()).thread();
                c.transport().write(new byte[100]);
                assertTrue(Asyncio.toThread(() -> inFirstWrite.await(20, TimeUnit.SECONDS)));
                c.transport().write(new byte[200]); // queued behind the write in progress
                c.transport().write(new byte[300]);
            });
        } finally {
            log.stop();
        }
        release.countDown();
        assertTrue(closed.await(20, TimeUnit.SECONDS));
        writer[0].join(10_000);
        assertFalse(writer[0].isAlive());
        synchronized (held) {
            assertEquals(100, written.size());
        }
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
}
