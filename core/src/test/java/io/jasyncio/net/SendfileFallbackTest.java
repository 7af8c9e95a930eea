package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SendfileFallback} over a transport the test drives by hand: it takes every write and
 * lets the test play the flow-control and connection events a real transport would send to its
 * protocol (which, during the send, is the fallback). TLS cases: TlsSendfileUnixTest.
 */
@Timeout(20)
class SendfileFallbackTest {
    private static final int CHUNK = SendfileFallback.BLOCK_SIZE;

    /** A transport that keeps what is written; {@link #onWrite} runs after each write. */
    private static final class HandTransport implements Transport {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        int writes;
        Protocol protocol;
        boolean closing;
        boolean reading = true;
        Consumer<HandTransport> onWrite = t -> { };

        HandTransport(Protocol protocol) {
            this.protocol = protocol;
        }

        @Override
        public void write(ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            written.write(b, 0, b.length);
            writes++;
            onWrite.accept(this);
        }

        @Override
        public void writelines(Iterable<ByteBuffer> buffers) {
            for (ByteBuffer b : buffers) write(b);
        }

        @Override
        public void writeEof() {
        }

        @Override
        public boolean canWriteEof() {
            return false;
        }

        @Override
        public void abort() {
            closing = true;
        }

        @Override
        public boolean isReading() {
            return reading;
        }

        @Override
        public void pauseReading() {
            reading = false;
        }

        @Override
        public void resumeReading() {
            reading = true;
        }

        @Override
        public long getWriteBufferSize() {
            return 0;
        }

        @Override
        public void setWriteBufferLimits(int high, int low) {
        }

        @Override
        public WriteBufferLimits getWriteBufferLimits() {
            return new WriteBufferLimits(WriteFlow.DEFAULT_HIGH_WATER, WriteFlow.DEFAULT_HIGH_WATER / 4);
        }

        @Override
        public Protocol getProtocol() {
            return protocol;
        }

        @Override
        public void setProtocol(Protocol protocol) {
            this.protocol = protocol;
        }

        @Override
        public Object getExtraInfo(String name) {
            return null;
        }

        @Override
        public boolean isClosing() {
            return closing;
        }

        @Override
        public void close() {
            closing = true;
        }
    }

    private static byte[] content(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private static long send(HandTransport t, Path file, long offset, long count) throws IOException {
        try (FileChannel fc = FileChannel.open(file)) {
            return Net.sendfile(t, fc, offset, count);
        }
    }

    @Test
    void sendsTheSliceInBlocksAndRestoresTheProtocolAndReading(@TempDir Path dir) throws Exception {
        byte[] content = content(3 * CHUNK + 100);
        Path file = Files.write(dir.resolve("f"), content);
        Asyncio.run(() -> {
            Recorder app = new Recorder();
            HandTransport t = new HandTransport(app);
            t.onWrite = h -> {
                assertFalse(h.reading, "reading is paused during the send");
                assertNotSame(app, h.protocol);
                assertTrue(h.protocol.toString().contains(app.toString()), h.protocol.toString());
            };
            assertEquals(2 * CHUNK + 50, send(t, file, 10, 2 * CHUNK + 50));
            assertArrayEquals(java.util.Arrays.copyOfRange(content, 10, 10 + 2 * CHUNK + 50), t.written.toByteArray());
            assertEquals(3, t.writes, "blocks of " + CHUNK);
            assertSame(app, t.protocol);
            assertTrue(t.reading);
            assertEquals(0, app.pauses + app.resumes);
        });
    }

    @Test
    void argumentsAreCheckedAndZeroBytesSendNothing(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("f"), content(100));
        Asyncio.run(() -> {
            HandTransport t = new HandTransport(new Recorder());
            assertThrows(IllegalArgumentException.class, () -> send(t, file, -1, 0));
            assertThrows(IllegalArgumentException.class, () -> send(t, file, 0, -1));
            assertEquals(0, send(t, file, 0, 0));
            assertEquals(0, t.writes);
            t.closing = true;
            assertThrows(IllegalStateException.class, () -> send(t, file, 0, 10));
        });
    }

    @Test
    void eventsForTheApplicationArePassedOnDuringTheSend(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("f"), content(10));
        Asyncio.run(() -> {
            for (boolean keepOpen : new boolean[] {true, false}) {
                Recorder app = new Recorder();
                app.keepOpenOnEof = keepOpen;
                HandTransport t = new HandTransport(app);
                boolean[] keptOpen = new boolean[1];
                t.onWrite = h -> {
                    h.protocol.dataReceived(Recorder.ascii("late data"));
                    keptOpen[0] = h.protocol.eofReceived();
                };
                assertEquals(10, send(t, file, 0, 10));
                assertEquals("late data", app.text());
                assertEquals(keepOpen, keptOpen[0], "the application's answer to eofReceived");
                assertTrue(app.eof.done());
            }
        });
    }

    @Test
    void theApplicationHearsOfAPauseThatOutlivesTheSend(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("f"), content(100));
        Asyncio.run(() -> {
            Recorder app = new Recorder();
            HandTransport t = new HandTransport(app);
            t.onWrite = h -> h.protocol.pauseWriting(); // the last block fills the buffer
            assertEquals(100, send(t, file, 0, 100));
            assertEquals(1, app.pauses, "paused now, so the application is told");
            t.protocol.resumeWriting(); // the transport drains later
            assertEquals(1, app.resumes);
        });
    }

    @Test
    void whilePausedTheSendWaitsForResumeWriting(@TempDir Path dir) throws Exception {
        byte[] content = content(2 * CHUNK);
        Path file = Files.write(dir.resolve("f"), content);
        Asyncio.run(() -> {
            Recorder app = new Recorder();
            HandTransport t = new HandTransport(app);
            io.jasyncio.Future<Void> firstWrite = Asyncio.getRunningLoop().createFuture();
            t.onWrite = h -> {
                if (h.writes == 1) {
                    h.protocol.pauseWriting();
                    firstWrite.setResult(null);
                }
            };
            Task<Long> send = Asyncio.createTask(() -> send(t, file, 0, 2 * CHUNK));
            firstWrite.await();
            Protocol fallback = t.protocol;
            // The second block is read off the loop, then waits for the drain, as long as it takes.
            fallback.resumeWriting();
            assertEquals(2 * CHUNK, send.await());
            assertEquals(2, t.writes);
            assertEquals(0, app.pauses + app.resumes, "paused and resumed within the send: nothing to tell");
        });
    }

    @Test
    void aTransportClosingBetweenBlocksFailsTheSend(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("f"), content(3 * CHUNK));
        Asyncio.run(() -> {
            Recorder app = new Recorder();
            HandTransport t = new HandTransport(app);
            t.onWrite = h -> h.closing = true;
            IOException e = assertThrows(IOException.class, () -> send(t, file, 0, 3 * CHUNK));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertEquals(1, t.writes, "nothing written once the transport was closing");
        });
    }

    @Test
    void aConnectionLostWhilePausedFailsTheSendWithItsCause(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("f"), content(3 * CHUNK));
        Asyncio.run(() -> {
            for (Throwable cause : new Throwable[] {new IOException("reset by peer"), new IllegalStateException("a bug")}) {
                Recorder app = new Recorder();
                HandTransport t = new HandTransport(app);
                t.onWrite = h -> {
                    h.protocol.pauseWriting();
                    Protocol fallback = h.protocol;
                    // Before the next block is read: the send then waits on the paused state.
                    Asyncio.getRunningLoop().callSoon(() -> fallback.connectionLost(cause));
                };
                IOException e = assertThrows(IOException.class, () -> send(t, file, 0, 3 * CHUNK));
                if (cause instanceof IOException) assertSame(cause, e);
                else assertSame(cause, e.getCause());
                assertSame(cause, app.lost.result(), "the application hears the loss too");
            }
        });
    }

    @Test
    void aTransportLostWhilePausedTellsTheApplicationNothingMoreAfterConnectionLost(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("f"), content(3 * CHUNK));
        Asyncio.run(() -> {
            Recorder app = new Recorder();
            HandTransport t = new HandTransport(app);
            t.onWrite = h -> {
                h.protocol.pauseWriting();
                Protocol fallback = h.protocol;
                Asyncio.getRunningLoop().callSoon(() -> {
                    h.closing = true;
                    fallback.connectionLost(new IOException("reset by peer"));
                });
            };
            assertThrows(IOException.class, () -> send(t, file, 0, 3 * CHUNK));
            assertTrue(app.lost.done());
            assertEquals(0, app.pauses, "no pauseWriting after connectionLost");
        });
    }

    @Test
    void aSendCancelledWhilePausedRestoresTheApplicationAndTellsItOfThePause(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("f"), content(3 * CHUNK));
        Asyncio.run(() -> {
            Recorder app = new Recorder();
            HandTransport t = new HandTransport(app);
            io.jasyncio.Future<Void> firstWrite = Asyncio.getRunningLoop().createFuture();
            t.onWrite = h -> {
                h.protocol.pauseWriting();
                firstWrite.setResult(null);
            };
            Task<Long> send = Asyncio.createTask(() -> send(t, file, 0, 3 * CHUNK));
            firstWrite.await();
            send.cancel();
            assertThrows(io.jasyncio.CancelledError.class, send::await);
            assertSame(app, t.protocol);
            assertTrue(t.reading);
            assertEquals(1, app.pauses, "still paused: the application is told");
            assertEquals(1, t.writes);
        });
    }
}
