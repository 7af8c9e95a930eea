package io.jasyncio.stream;

import static io.jasyncio.stream.StreamTesting.ascii;
import static io.jasyncio.stream.StreamTesting.text;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import java.io.IOException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reader's asyncio semantics, fed by hand: deterministic chunking, EOF, limits, errors. */
@Timeout(10)
class ReaderFeedTest {

    @Test
    void linesSplitAcrossSeededRandomChunksAreReassembled() {
        Asyncio.run(() -> {
            StringBuilder all = new StringBuilder();
            List<String> expected = new ArrayList<>();
            Random rnd = new Random(42);
            for (int i = 0; i < 500; i++) {
                String line = "line " + i + " " + "x".repeat(rnd.nextInt(200)) + "\n";
                expected.add(line);
                all.append(line);
            }
            byte[] bytes = ascii(all.toString());
            StreamReader reader = new StreamReader(1024);
            Task<List<String>> consumer = Asyncio.createTask(() -> {
                List<String> got = new ArrayList<>();
                for (byte[] line : reader) got.add(text(line));
                return got;
            });
            for (int off = 0; off < bytes.length; ) {
                int n = Math.min(bytes.length - off, 1 + rnd.nextInt(37));
                reader.feedData(java.nio.ByteBuffer.wrap(bytes, off, n));
                off += n;
                if (rnd.nextBoolean()) Asyncio.sleep(0);
            }
            reader.feedEof();
            assertEquals(expected, consumer.await());
            assertTrue(reader.atEof());
        });
    }

    /**
     * Large chunks fed while read(n) waits take the no-second-copy path (an array of their own);
     * whatever mix of chunk sizes, read sizes and waits, the bytes come out whole and in order,
     * and a returned array is never written again by a later feed.
     */
    @Test
    void bulkReadsOfLargeChunksReturnTheBytesInOrder() {
        Asyncio.run(() -> {
            Random rnd = new Random(7);
            byte[] all = new byte[3 << 20];
            rnd.nextBytes(all);
            StreamReader reader = new StreamReader();
            Task<List<byte[]>> consumer = Asyncio.createTask(() -> {
                List<byte[]> got = new ArrayList<>();
                byte[] b;
                while ((b = reader.read(rnd.nextBoolean() ? 64 * 1024 : 1 + rnd.nextInt(100_000))).length > 0) {
                    got.add(b);
                    if (rnd.nextInt(4) == 0) Asyncio.sleep(0);
                }
                return got;
            });
            for (int off = 0; off < all.length; ) {
                int n = Math.min(all.length - off, rnd.nextBoolean() ? 64 * 1024 : 1 + rnd.nextInt(70_000));
                reader.feedData(java.nio.ByteBuffer.wrap(all, off, n));
                off += n;
                if (rnd.nextBoolean()) Asyncio.sleep(0);
            }
            reader.feedEof();
            List<byte[]> chunks = consumer.await();
            java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
            for (byte[] c : chunks) joined.write(c, 0, c.length);
            assertArrayEquals(all, joined.toByteArray());
            assertTrue(chunks.stream().anyMatch(c -> c.length == 64 * 1024), "no whole chunk was handed over");
        });
    }

    @Test
    void readUntilWithSeveralSeparatorsReturnsTheShortestChunk() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            reader.feedData(ascii("abc\r\ndef\nghi"));
            assertEquals("abc\r\n", text(reader.readUntil(ascii("\r\n"), ascii("\n"))));
            assertEquals("def\n", text(reader.readUntil(ascii("\r\n"), ascii("\n"))));
            Task<byte[]> t = Asyncio.createTask(() -> reader.readUntil(ascii("END")));
            Asyncio.sleep(0);
            reader.feedData(ascii("EN"));
            Asyncio.sleep(0);
            assertFalse(t.done());
            reader.feedData(ascii("Dtail"));
            assertEquals("ghiEND", text(t.await()));
            assertEquals("tail", text(reader.read(100)));
        });
    }

    @Test
    void readUntilOverTheLimitKeepsTheDataAndReadLineDiscardsIt() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader(8);
            reader.feedData(ascii("0123456789ab\nrest\n"));
            LimitOverrunError e = assertThrows(LimitOverrunError.class, () -> reader.readUntil(ascii("\n")));
            assertEquals("Separator is found, but chunk is longer than limit", e.getMessage());
            assertEquals(12, e.consumed());
            assertEquals("0123456789ab\n", text(reader.readExactly(13)), "the data stays in the buffer");
            assertEquals("rest\n", text(reader.readLine()));

            reader.feedData(ascii("0123456789"));
            e = assertThrows(LimitOverrunError.class, () -> reader.readUntil(ascii("\n")));
            assertEquals("Separator is not found, and chunk exceed the limit", e.getMessage());
            assertEquals(10, e.consumed());
            assertEquals("0123456789", text(reader.read(100)));

            StreamReader lines = new StreamReader(4);
            lines.feedData(ascii("toolong\nok\nnoend-toolong"));
            assertThrows(LimitOverrunError.class, lines::readLine);
            assertEquals("ok\n", text(lines.readLine()), "the long line was discarded, newline included");
            assertThrows(LimitOverrunError.class, lines::readLine);
            lines.feedData(ascii("next\n"));
            lines.feedEof();
            assertEquals("next\n", text(lines.readLine()), "without a newline in sight the whole buffer went");
        });
    }

    @Test
    void eofSemanticsMatchAsyncio() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            reader.feedData(ascii("ab"));
            reader.feedEof();
            assertFalse(reader.atEof());
            assertEquals(0, reader.read(0).length);
            IncompleteReadError e = assertThrows(IncompleteReadError.class, () -> reader.readExactly(5));
            assertEquals("ab", text(e.partial()));
            assertEquals(5, e.expected());
            assertEquals("2 bytes read on a total of 5 expected bytes", e.getMessage());
            assertTrue(reader.atEof());
            assertEquals(0, reader.read(10).length);
            assertEquals(0, reader.read(-1).length);
            assertEquals(0, reader.readLine().length);
            e = assertThrows(IncompleteReadError.class, () -> reader.readUntil(ascii("\n")));
            assertEquals(0, e.partial().length);
            assertEquals("0 bytes read on a total of undefined expected bytes", e.getMessage());
            assertInstanceOf(java.io.EOFException.class, e);
        });
    }

    @Test
    void readToEofCollectsMoreThanTheLimit() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader(10);
            Task<byte[]> all = Asyncio.createTask(() -> reader.read(-1));
            for (int i = 0; i < 10; i++) {
                reader.feedData(ascii("0123456789abcdef"));
                Asyncio.sleep(0);
            }
            reader.feedEof();
            assertEquals(160, all.await().length);
        });
    }

    @Test
    void setExceptionWakesTheReaderAndFailsLaterReads() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            Task<byte[]> t = Asyncio.createTask(() -> reader.readExactly(4));
            Asyncio.sleep(0);
            SocketException boom = new SocketException("Connection reset");
            reader.setException(boom);
            CompletionOr.expect(boom, t);
            assertSame(boom, assertThrows(SocketException.class, () -> reader.read(1)));
            assertSame(boom, reader.exception());
        });
    }

    @Test
    void cancelledReadLeavesTheBufferAndLetsTheNextReadWait() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            reader.feedData(ascii("ab"));
            Task<byte[]> t = Asyncio.createTask(() -> reader.readExactly(4));
            Asyncio.sleep(0);
            t.cancel();
            assertThrows(CancelledError.class, t::await);
            Task<byte[]> again = Asyncio.createTask(() -> reader.readExactly(4));
            Asyncio.sleep(0);
            reader.feedData(ascii("cd"));
            assertEquals("abcd", text(again.await()));
        });
    }

    @Test
    void inputStreamViewFeedsAJavaParser() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            Task<List<String>> parser = Asyncio.createTask(() -> {
                var in = new java.io.BufferedReader(new java.io.InputStreamReader(reader.asInputStream(), java.nio.charset.StandardCharsets.UTF_8));
                List<String> got = new ArrayList<>();
                String line;
                while ((line = in.readLine()) != null) got.add(line);
                return got;
            });
            for (String part : List.of("héllo\nwo", "rld\n", "last")) {
                reader.feedData(part.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                Asyncio.sleep(0);
            }
            reader.feedEof();
            assertEquals(List.of("héllo", "world", "last"), parser.await());
            var in = reader.asInputStream();
            assertEquals(-1, in.read());
            in.close();
            assertEquals("Stream closed", assertThrows(IOException.class, in::read).getMessage());
        });
    }

    @Test
    void readingPausesAboveTwiceTheLimitAndResumesAtTheLimit() {
        Asyncio.run(() -> {
            CountingTransport t = new CountingTransport();
            StreamReader reader = new StreamReader(10);
            reader.setTransport(t);
            assertEquals("Transport already set", assertThrows(IllegalStateException.class, () -> reader.setTransport(t)).getMessage());
            reader.feedData(new byte[20]);
            assertEquals(0, t.pauses, "20 bytes is not above 2 x 10");
            reader.feedData(new byte[1]);
            assertEquals(1, t.pauses);
            reader.feedData(new byte[5]);
            assertEquals(1, t.pauses, "already paused");
            reader.read(15);
            assertEquals(0, t.resumes, "11 bytes left: still above the limit");
            reader.read(1);
            assertEquals(1, t.resumes, "10 bytes left: at the limit");
            reader.feedData(new byte[11]);
            assertEquals(2, t.pauses);
            // A read that must wait resumes reading first, or it would wait forever.
            Task<byte[]> big = Asyncio.createTask(() -> reader.readExactly(100));
            Asyncio.sleep(0);
            assertEquals(2, t.resumes);
            reader.feedData(new byte[79]);
            assertEquals(100, big.await().length);
        });
    }

    @Test
    void lineIterationSurfacesReadErrorsUnchecked() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            reader.feedData(ascii("one\n"));
            var it = reader.iterator();
            assertEquals("one\n", text(it.next()));
            reader.setException(new SocketException("Connection reset"));
            java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class, it::hasNext);
            assertEquals("Connection reset", e.getCause().getMessage());
        });
    }

    /** Counts pauseReading/resumeReading; everything else is unused by a reader. */
    static final class CountingTransport implements io.jasyncio.net.Transport {
        int pauses;
        int resumes;
        private boolean paused;

        @Override public void pauseReading() { if (!paused) { paused = true; pauses++; } }
        @Override public void resumeReading() { if (paused) { paused = false; resumes++; } }
        @Override public boolean isReading() { return !paused; }
        @Override public void write(java.nio.ByteBuffer data) { throw new UnsupportedOperationException(); }
        @Override public void writelines(Iterable<java.nio.ByteBuffer> buffers) { throw new UnsupportedOperationException(); }
        @Override public void writeEof() { }
        @Override public boolean canWriteEof() { return false; }
        @Override public void abort() { }
        @Override public long getWriteBufferSize() { return 0; }
        @Override public void setWriteBufferLimits(int high, int low) { }
        @Override public io.jasyncio.net.WriteBufferLimits getWriteBufferLimits() { return null; }
        @Override public io.jasyncio.net.Protocol getProtocol() { return null; }
        @Override public void setProtocol(io.jasyncio.net.Protocol protocol) { }
        @Override public Object getExtraInfo(String name) { return null; }
        @Override public boolean isClosing() { return false; }
        @Override public void close() { }
    }

    /** Awaits a task that must fail with exactly {@code expected}. */
    static final class CompletionOr {
        static void expect(Throwable expected, Task<?> t) {
            Throwable got = assertThrows(Throwable.class, t::await);
            if (got instanceof java.util.concurrent.CompletionException ce) got = ce.getCause();
            assertSame(expected, got);
        }
    }

    @Test
    void anEmptiedReaderHoldsNoBufferAndAWholeChunkIsHandedOverUncopied() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            assertEquals(0, reader.capacity());
            reader.feedData(ascii("hello\nwor"));
            assertEquals(9, reader.capacity(), "a chunk fed into an empty reader gets an array of its own size");
            assertEquals("hello\n", text(reader.readLine()));
            assertEquals(9, reader.capacity(), "unconsumed bytes are kept");
            reader.feedData(ascii("ld\n"));
            assertEquals("world\n", text(reader.readLine()));
            assertEquals(0, reader.capacity(), "the emptied reader let its array go");
            // A chunk read whole is returned as it is; the next feed never writes into it.
            reader.feedData(ascii("abc"));
            byte[] first = reader.read(100);
            reader.feedData(ascii("xyz"));
            assertEquals("abc", text(first));
            assertEquals("xyz", text(reader.read(100)));
            assertEquals(0, reader.capacity());
        });
    }

    /** A peer that sends one byte at a time: lines come out whole, the buffer stays small. */
    @Test
    void oneByteAtATimeReassemblesLinesWithBoundedBuffer() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader(1024);
            byte[] line = ascii("x".repeat(300) + "\n");
            Task<Integer> consumer = Asyncio.createTask(() -> {
                int lines = 0;
                for (byte[] l : reader) {
                    assertEquals(301, l.length);
                    lines++;
                }
                return lines;
            });
            int maxCapacity = 0;
            for (int i = 0; i < 20; i++) {
                for (byte b : line) {
                    reader.feedData(new byte[] {b});
                    maxCapacity = Math.max(maxCapacity, reader.capacity());
                    Asyncio.sleep(0);
                }
            }
            reader.feedEof();
            assertEquals(20, consumer.await());
            assertTrue(maxCapacity <= 1024, "buffer grew to " + maxCapacity);
            assertEquals(0, reader.capacity());
        });
    }
}
