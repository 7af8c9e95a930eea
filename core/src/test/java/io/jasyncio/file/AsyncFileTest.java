package io.jasyncio.file;

import static java.nio.file.StandardOpenOption.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** AsyncFile on real files: reading, writing, lines, position, buffering and its errors. */
@Timeout(60)
class AsyncFileTest {
    @TempDir
    Path dir;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void writesAndReadsBackSeveralMebibytesInChunksUnchanged() throws IOException {
        byte[] data = random(5 << 20 | 12345, 1);
        Path p = dir.resolve("big.bin");
        Asyncio.run(() -> {
            try (AsyncFile out = AsyncFile.open(p, CREATE_NEW, WRITE)) {
                for (int off = 0; off < data.length; off += 65536) out.write(data, off, Math.min(65536, data.length - off));
                assertEquals(data.length, out.position());
                out.flush();
            }
            byte[] back = new byte[data.length];
            try (AsyncFile in = AsyncFile.open(p)) {
                int off = 0;
                ByteBuffer chunk = ByteBuffer.allocate(65536);
                int n;
                while ((n = in.read(chunk.clear())) > 0) {
                    chunk.flip().get(back, off, n);
                    off += n;
                }
                assertEquals(-1, n);
                assertEquals(data.length, off);
                assertEquals(data.length, in.position());
                in.seek(0);
                assertArrayEquals(Arrays.copyOf(data, 3_000_000), in.readNBytes(3_000_000)); // spans fills
                assertArrayEquals(Arrays.copyOfRange(data, 3_000_000, data.length), in.readAllBytes());
                assertArrayEquals(new byte[0], in.readNBytes(10));
            }
            assertArrayEquals(data, back);
        });
        assertArrayEquals(data, readPlain(p));
    }

    private static byte[] readPlain(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void bufferedWritesReachTheFileAtFlushNotBefore() throws IOException {
        Path p = dir.resolve("w.txt");
        Asyncio.run(() -> {
            try (AsyncFile out = AsyncFile.open(p, CREATE, WRITE)) {
                out.write("hello".getBytes(StandardCharsets.UTF_8));
                assertEquals(0, Files.size(p), "a small write stays in the buffer");
                out.flush();
                assertEquals("hello", Files.readString(p));
            }
        });
    }

    @Test
    void closeWritesWhatIsBufferedAndWaitClosedWaitsForIt() throws IOException {
        Path p = dir.resolve("c.txt");
        Asyncio.run(() -> {
            AsyncFile out = AsyncFile.open(p, CREATE, WRITE);
            out.write("written at close".getBytes(StandardCharsets.UTF_8));
            out.close();
            assertFalse(out.isOpen());
            out.close(); // idempotent
            out.waitClosed();
            assertEquals("written at close", Files.readString(p));
            assertThrows(ClosedChannelException.class, () -> out.write(new byte[1]));
            assertThrows(ClosedChannelException.class, () -> out.read(ByteBuffer.allocate(1)));
            assertThrows(ClosedChannelException.class, out::size);
        });
    }

    @Test
    void aFailedWriteThrowsAtFlushAndAtWaitClosed() {
        Asyncio.run(() -> {
            AsyncFile full = AsyncFile.open(Path.of("/dev/full"), WRITE);
            full.write(new byte[100]); // buffered: no error yet
            IOException e = assertThrows(IOException.class, full::flush);
            assertEquals("No space left on device", e.getMessage());
            full.write(new byte[100]);
            full.close();
            IOException atClose = assertThrows(IOException.class, full::waitClosed);
            assertEquals("No space left on device", atClose.getMessage());
        });
    }

    @Test
    void writeAfterReadGoesWhereTheReaderStandsDespiteReadAhead() throws IOException {
        Path p = Files.writeString(dir.resolve("rw.txt"), "0123456789");
        Asyncio.run(() -> {
            try (AsyncFile f = AsyncFile.open(p, READ, WRITE)) {
                assertArrayEquals("012".getBytes(), f.readNBytes(3));
                assertEquals(3, f.position());
                f.write("ab".getBytes());
                assertEquals(5, f.position());
                assertArrayEquals("56789".getBytes(), f.readAllBytes()); // flushes first
                assertEquals(10, f.position());
            }
        });
        assertEquals("012ab56789", Files.readString(p));
    }

    @Test
    void seekMovesWithinTheBufferAndBeyondItAndPastTheEnd() throws IOException {
        Path p = Files.writeString(dir.resolve("s.txt"), "abcdefghij");
        Asyncio.run(() -> {
            try (AsyncFile f = AsyncFile.open(p, READ, WRITE)) {
                assertArrayEquals("abc".getBytes(), f.readNBytes(3));
                f.seek(1);
                assertEquals(1, f.position());
                assertArrayEquals("bc".getBytes(), f.readNBytes(2));
                f.seek(8);
                assertArrayEquals("ij".getBytes(), f.readAllBytes());
                assertEquals(-1, f.read(ByteBuffer.allocate(4)));
                f.seek(12);
                f.write("Z".getBytes());
                assertEquals(13, f.size()); // counts the buffered byte
                assertThrows(IllegalArgumentException.class, () -> f.seek(-1));
            }
        });
        assertArrayEquals("abcdefghij\0\0Z".getBytes(), Files.readAllBytes(p));
    }

    @Test
    void truncateCutsTheFileAndPullsThePositionBack() throws IOException {
        Path p = Files.writeString(dir.resolve("t.txt"), "abcdefghij");
        Asyncio.run(() -> {
            try (AsyncFile f = AsyncFile.open(p, READ, WRITE)) {
                f.seek(8);
                f.truncate(4);
                assertEquals(4, f.size());
                assertEquals(4, f.position());
                f.seek(0);
                f.readNBytes(2);
                f.truncate(3); // drops the read-ahead, keeps position 2
                assertEquals(2, f.position());
                assertArrayEquals("c".getBytes(), f.readAllBytes());
            }
        });
        assertEquals("abc", Files.readString(p));
    }

    @Test
    void appendModeWritesAtTheEndAndReportsThatPosition() throws IOException {
        Path p = Files.writeString(dir.resolve("a.txt"), "start;");
        Asyncio.run(() -> {
            try (AsyncFile f = AsyncFile.open(p, WRITE, APPEND)) {
                f.write("more".getBytes());
                f.flush();
                assertEquals(10, f.position());
            }
        });
        assertEquals("start;more", Files.readString(p));
    }

    @Test
    void readLineSplitsAtNewlinesStripsCarriageReturnsAndEndsWithNull() throws IOException {
        Path p = Files.writeString(dir.resolve("l.txt"), "a\r\nbé\n\nlast");
        Asyncio.run(() -> {
            try (AsyncFile f = AsyncFile.open(p)) {
                assertEquals("a", f.readLine());
                assertEquals("bé", f.readLine());
                assertEquals("", f.readLine());
                assertEquals("last", f.readLine());
                assertNull(f.readLine());
                assertNull(f.readLine());
            }
        });
    }

    @Test
    void linesSpanningBufferFillsComeOutWhole() throws IOException {
        List<String> expected = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        Random r = new Random(3);
        for (int i = 0; i < 400; i++) {
            char[] line = new char[r.nextInt(i % 50 == 0 ? 200_000 : 300)];
            Arrays.fill(line, (char) ('a' + i % 26));
            expected.add(new String(line));
            sb.append(line).append('\n');
        }
        Path p = Files.writeString(dir.resolve("long.txt"), sb);
        List<String> got = new ArrayList<>();
        Asyncio.run(() -> {
            try (AsyncFile f = AsyncFile.open(p)) {
                for (String line : f.lines()) got.add(line);
            }
        });
        assertEquals(expected, got);
    }

    @Test
    void twoTasksReadingOneHandleGetEveryLineExactlyOnce() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20_000; i++) sb.append(i).append('\n');
        Path p = Files.writeString(dir.resolve("shared.txt"), sb);
        List<String> got = new ArrayList<>();
        Asyncio.run(() -> {
            try (AsyncFile f = AsyncFile.open(p)) {
                io.jasyncio.Coroutine<Void> reader = () -> {
                    String line;
                    while ((line = f.readLine()) != null) got.add(line);
                    return null;
                };
                Task<Void> a = Asyncio.createTask(reader);
                Task<Void> b = Asyncio.createTask(reader);
                a.await();
                b.await();
            }
        });
        assertEquals(20_000, got.size());
        assertEquals(20_000, got.stream().distinct().count());
    }

    @Test
    void readLineRefusesCharsetsWhoseNewlineIsNotOneByte() throws IOException {
        Path p = Files.writeString(dir.resolve("u.txt"), "x");
        Asyncio.run(() -> {
            try (AsyncFile f = AsyncFile.open(p)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.readLine(StandardCharsets.UTF_16));
                assertTrue(e.getMessage().contains("UTF-16"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> f.lines(StandardCharsets.UTF_16));
            }
        });
    }

    @Test
    void openFailsAsFileChannelOpenDoes() throws IOException {
        Path existing = Files.writeString(dir.resolve("e.txt"), "x");
        Asyncio.run(() -> {
            NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> AsyncFile.open(dir.resolve("missing")));
            assertEquals(dir.resolve("missing").toString(), e.getFile());
            assertThrows(FileAlreadyExistsException.class, () -> AsyncFile.open(existing, CREATE_NEW, WRITE));
            assertThrows(IllegalArgumentException.class, () -> AsyncFile.open(existing, READ, APPEND));
        });
    }

    @Test
    void readingADirectoryFailsWithIsADirectoryAsTheJdkDoes() throws IOException {
        IOException plain = assertThrows(IOException.class, () -> {
            try (var ch = java.nio.channels.FileChannel.open(dir)) {
                ch.read(ByteBuffer.allocate(1));
            }
        });
        Asyncio.run(() -> {
            try (AsyncFile f = AsyncFile.open(dir)) {
                IOException e = assertThrows(IOException.class, () -> f.read(ByteBuffer.allocate(1)));
                assertEquals(plain.getClass(), e.getClass());
                assertEquals("Is a directory", e.getMessage());
            }
        });
    }

    @Test
    void badArgumentsFailAtOnceWithPreciseErrors() throws IOException {
        Path p = Files.writeString(dir.resolve("b.txt"), "x");
        Asyncio.run(() -> {
            try (AsyncFile f = AsyncFile.open(p, READ, WRITE)) {
                assertThrows(IllegalArgumentException.class, () -> f.read(ByteBuffer.allocate(1).asReadOnlyBuffer()));
                assertThrows(IndexOutOfBoundsException.class, () -> f.read(new byte[2], 1, 2));
                assertThrows(IllegalArgumentException.class, () -> f.readNBytes(-1));
                assertThrows(IllegalArgumentException.class, () -> f.truncate(-1));
                assertThrows(IllegalStateException.class, f::waitClosed);
                assertEquals(0, f.read(ByteBuffer.allocate(0)));
            }
            assertThrows(NullPointerException.class, () -> AsyncFile.open(null));
            assertThrows(NullPointerException.class, () -> AsyncFile.open(p, (java.nio.file.OpenOption) null));
        });
    }
}
