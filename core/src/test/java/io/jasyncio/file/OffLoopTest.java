package io.jasyncio.file;

import static java.nio.file.StandardOpenOption.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.LoopTicker;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * File I/O leaves the loop free: a slow FIFO does not stall other tasks, cancellation is prompt
 * and leaves the handle consistent (or closed, for a FIFO), and nothing outlives Asyncio.run.
 */
@Timeout(60)
class OffLoopTest {
    @TempDir
    Path dir;

    /**
     * Whether some thread sits in a native read on behalf of this package: the blocking read the
     * test cancels has really started (seen in the thread's stack; the class's @Timeout bounds
     * the wait).
     */
    private static boolean aReadIsBlocked() {
        return Thread.getAllStackTraces().values().stream().anyMatch(st -> st.length > 0 && st[0].isNativeMethod()
                && st[0].getMethodName().startsWith("read")
                && java.util.Arrays.stream(st).anyMatch(f -> f.getClassName().startsWith("io.jasyncio.file.")
                        && !f.getClassName().contains("Test")));
    }

    /** A writer that opens the FIFO (waiting for our reader), waits, writes, closes. */
    private static Thread slowWriter(Path fifo, Duration wait, String text) {
        return Thread.ofPlatform().daemon().start(() -> {
            try (OutputStream out = new FileOutputStream(fifo.toFile())) {
                Thread.sleep(wait);
                out.write(text.getBytes(StandardCharsets.UTF_8));
            } catch (IOException | InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
    }

    /**
     * Runs a 10 ms ticker for about a second, first alone, then while {@code read} runs, and
     * returns {worst lateness alone, worst lateness during the read} in ms.
     */
    private static double[] latenessAloneAndDuringRead(io.jasyncio.Coroutine<String> read, String expected) throws Exception {
        double[] worst = new double[2];
        Asyncio.run(() -> {
            LoopTicker ticker = LoopTicker.start();
            Asyncio.sleep(Duration.ofSeconds(1));
            ticker.phase(1);
            long t0 = System.nanoTime();
            assertEquals(expected, read.call());
            long readNanos = System.nanoTime() - t0;
            ticker.cancel();
            worst[0] = ticker.worstMillis(0);
            worst[1] = ticker.worstMillis(1);
            assertTrue(readNanos >= 900_000_000L, "the read waited for the writer: " + readNanos / 1e6 + " ms");
            assertTrue(ticker.ticks(1) >= 10, "the ticker ran during the read: " + ticker.ticks(1) + " ticks");
        });
        return worst;
    }

    /**
     * The bound: ticks at most 20 ms late while the read waits. This machine is shared
     * and often loaded (load average 20 on 2 cores while this was written), where the scheduler
     * alone can delay a tick by more than that; so an attempt also passes when the read added at
     * most 20 ms to the lateness the ticker showed alone just before, and up to three attempts
     * are made. A loop blocked by the read is ~1000 ms late in every attempt.
     */
    private void assertTickerOnTime(io.jasyncio.Coroutine<String> read, String written, String expected) throws Exception {
        List<String> attempts = new ArrayList<>();
        double worstDuringRead = Double.MAX_VALUE;
        boolean loadedAlone = true;
        for (int i = 0; i < 3; i++) {
            Path fifo = FileTesting.mkfifo(dir, "fifo" + i);
            Thread writer = slowWriter(fifo, Duration.ofSeconds(1), written);
            fifoOfAttempt = fifo;
            double[] w = latenessAloneAndDuringRead(read, expected);
            writer.join();
            attempts.add(String.format("alone %.1f ms, during read %.1f ms", w[0], w[1]));
            if (w[1] <= 20 || w[1] <= w[0] + 20) {
                System.out.println("[file ticker] " + attempts);
                return;
            }
            worstDuringRead = Math.min(worstDuringRead, w[1]);
            loadedAlone = loadedAlone && w[0] > 5;
        }
        // Every attempt ran on a machine that delayed the ticker even when alone: the 20 ms bound
        // cannot be told from scheduler noise there, but a loop blocked by the read would still
        // be ~1000 ms late, so require at least that to be ruled out.
        if (loadedAlone && worstDuringRead < 250) {
            System.out.println("[file ticker] loaded machine, not blocked: " + attempts);
            return;
        }
        fail("the ticker was late while the FIFO read waited: " + attempts);
    }

    private Path fifoOfAttempt;

    @Test
    void theLoopKeepsTickingWhileAHelperReadsAFifoWhoseWriterWaitsOneSecond() throws Exception {
        assertTickerOnTime(() -> AsyncFiles.readString(fifoOfAttempt), "late hello\n", "late hello\n");
    }

    @Test
    void theLoopKeepsTickingWhileAHandleReadsAFifoWhoseWriterWaitsOneSecond() throws Exception {
        assertTickerOnTime(() -> {
            try (AsyncFile f = AsyncFile.open(fifoOfAttempt)) {
                StringBuilder sb = new StringBuilder();
                for (String line : f.lines()) sb.append(line).append('|');
                return sb.toString();
            }
        }, "line one\nline two\n", "line one|line two|");
    }

    @Test
    void aReadCancelledWhileQueuedOrRunningKeepsItsBytesForTheNextRead() throws Exception {
        Path p = Files.writeString(dir.resolve("data.txt"), "0123456789");
        int threads = Math.min(32, Runtime.getRuntime().availableProcessors() + 4); // the default executor's size
        CountDownLatch release = new CountDownLatch(1);
        Asyncio.run(() -> {
            AsyncFile f = AsyncFile.open(p);
            // occupy every executor thread, so that the read's hop is surely still in flight
            List<Task<Object>> blockers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                blockers.add(Asyncio.createTask(() -> Asyncio.toThread(() -> release.await(30, TimeUnit.SECONDS))));
            }
            Asyncio.sleep(0);
            Task<Integer> reader = Asyncio.createTask(() -> f.read(ByteBuffer.allocate(4)));
            Asyncio.sleep(0);
            reader.cancel();
            assertThrows(CancelledError.class, reader::await);
            assertEquals(1, release.getCount(), "the cancelled task ended while its read still waited for a thread");
            release.countDown();
            for (Task<Object> b : blockers) b.await();
            // the next call waits for the abandoned read; its bytes are not lost
            assertEquals(0, f.position());
            assertArrayEquals("0123".getBytes(), f.readNBytes(4));
            assertEquals(4, f.position());
            assertArrayEquals("456789".getBytes(), f.readAllBytes());
            f.close();
        });
    }

    @Test
    void aWriteCancelledWhileItsFlushWaitsIsStillWrittenAndCountedInThePosition() throws Exception {
        Path p = dir.resolve("out.bin");
        int threads = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
        CountDownLatch release = new CountDownLatch(1);
        byte[] chunk = new byte[FileLoop.SMALL];
        java.util.Arrays.fill(chunk, (byte) 'w');
        Asyncio.run(() -> {
            AsyncFile f = AsyncFile.open(p, CREATE, WRITE);
            List<Task<Object>> blockers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                blockers.add(Asyncio.createTask(() -> Asyncio.toThread(() -> release.await(30, TimeUnit.SECONDS))));
            }
            Asyncio.sleep(0);
            Task<Void> writer = Asyncio.createTask(() -> f.write(chunk)); // fills the buffer: one flush hop
            Asyncio.sleep(0);
            writer.cancel();
            assertThrows(CancelledError.class, writer::await);
            assertEquals(1, release.getCount(), "the cancelled task ended while its flush still waited for a thread");
            release.countDown();
            for (Task<Object> b : blockers) b.await();
            assertEquals(chunk.length, f.position()); // waits for the abandoned flush
            assertEquals(chunk.length, f.size());
            f.close();
            f.waitClosed();
        });
        assertArrayEquals(chunk, Files.readAllBytes(p));
    }

    @Test
    void cancellingAReadBlockedOnAFifoClosesTheHandleAndFreesTheThread() throws Exception {
        Path fifo = FileTesting.mkfifo(dir, "fifo");
        CountDownLatch writerMayClose = new CountDownLatch(1);
        Thread silentWriter = Thread.ofPlatform().daemon().start(() -> {
            try (OutputStream out = new FileOutputStream(fifo.toFile())) {
                writerMayClose.await(30, TimeUnit.SECONDS); // opened, never writes
            } catch (IOException | InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        Set<Thread> before = FileTesting.liveThreads();
        long start = System.nanoTime();
        Asyncio.run(() -> {
            AsyncFile f = AsyncFile.open(fifo);
            Task<String> reader = Asyncio.createTask(() -> f.readLine());
            while (!aReadIsBlocked()) Asyncio.sleep(0.001); // an event, not a 50 ms sleep
            assertFalse(reader.done());
            reader.cancel();
            assertThrows(CancelledError.class, reader::await);
            assertFalse(f.isOpen(), "a cancelled FIFO read closes the handle");
            f.waitClosed(); // the blocked read has ended
            assertThrows(ClosedChannelException.class, f::readLine);
        });
        assertTrue(System.nanoTime() - start < 20_000_000_000L, "Asyncio.run did not wait for a stuck thread");
        assertEquals(List.of(), FileTesting.newJasyncioThreads(before));
        writerMayClose.countDown();
        silentWriter.join();
    }

    @Test
    void cancellingAHelperReadingAFifoInterruptsItsThreadSoRunEndsAtOnce() throws Exception {
        Path fifo = FileTesting.mkfifo(dir, "fifo");
        CountDownLatch writerMayClose = new CountDownLatch(1);
        Thread silentWriter = Thread.ofPlatform().daemon().start(() -> {
            try (OutputStream out = new FileOutputStream(fifo.toFile())) {
                writerMayClose.await(30, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        Set<Thread> before = FileTesting.liveThreads();
        long start = System.nanoTime();
        Asyncio.run(() -> {
            Task<String> reader = Asyncio.createTask(() -> AsyncFiles.readString(fifo));
            while (!aReadIsBlocked()) Asyncio.sleep(0.001); // an event, not a 50 ms sleep
            assertFalse(reader.done());
            reader.cancel();
            assertThrows(CancelledError.class, reader::await);
        });
        // Asyncio.run joins the executor's threads: it returns only because the read was interrupted
        assertTrue(System.nanoTime() - start < 20_000_000_000L, "Asyncio.run did not wait for a stuck thread");
        assertEquals(List.of(), FileTesting.newJasyncioThreads(before));
        writerMayClose.countDown();
        silentWriter.join();
    }

    @Test
    void noThreadOrDescriptorOutlivesRunAndALeakedHandleIsClosedWithAWarning() throws Exception {
        Path p = Files.writeString(dir.resolve("x.txt"), "content\n");
        Set<Thread> before = FileTesting.liveThreads();
        long fds = FileTesting.openFds();
        AsyncFile[] leaked = new AsyncFile[1];
        try (FileTesting.Logs logs = new FileTesting.Logs()) {
            Asyncio.run(() -> {
                List<Task<String>> reads = new ArrayList<>();
                for (int i = 0; i < 20; i++) reads.add(Asyncio.createTask(() -> AsyncFiles.readString(p)));
                for (Task<String> t : reads) assertEquals("content\n", t.await());
                try (AsyncFile f = AsyncFile.open(p)) {
                    assertEquals("content", f.readLine());
                }
                leaked[0] = AsyncFile.open(p, WRITE);
                leaked[0].write("C".getBytes()); // buffered, never flushed by the program
                assertTrue(FileTesting.openFds() > fds);
            });
            assertFalse(leaked[0].isOpen());
            assertTrue(logs.messages().stream().anyMatch(m -> m.contains("left open when the event loop closed")), logs.messages().toString());
        }
        assertEquals("Content\n", Files.readString(p), "the leaked handle's buffered byte was written at loop close");
        assertEquals(fds, FileTesting.openFds());
        assertEquals(List.of(), FileTesting.newJasyncioThreads(before));
    }

    @Test
    void aFifoHandleHasNoPositionButReadsAndWritesThroughItsBuffers() throws Exception {
        Path fifo = FileTesting.mkfifo(dir, "loop");
        Asyncio.run(() -> {
            // read+write: Linux opens a FIFO O_RDWR without waiting for a peer, and it loops back
            try (AsyncFile f = AsyncFile.open(fifo, READ, WRITE)) {
                f.write("ping\npong\n".getBytes(StandardCharsets.UTF_8));
                assertEquals("ping", f.readLine()); // the read flushes the buffered write first
                f.write("more\n".getBytes(StandardCharsets.UTF_8)); // keeps the unread "pong"
                assertEquals("pong", f.readLine());
                assertEquals("more", f.readLine());
                IOException e = assertThrows(IOException.class, f::position);
                assertTrue(e.getMessage().startsWith("Illegal seek"), e.getMessage());
                assertThrows(IOException.class, () -> f.seek(0));
            }
        });
    }

    @Test
    void readsCancelledAtRandomPointsLoseNoByteAndKeepThePositionExact() throws Exception {
        byte[] data = new byte[12 << 20];
        new java.util.Random(11).nextBytes(data);
        Path p = Files.write(dir.resolve("rand.bin"), data);
        java.util.Random rnd = new java.util.Random(42);
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        int[] cancelled = {0};
        Asyncio.run(() -> {
            try (AsyncFile f = AsyncFile.open(p)) {
                while (true) {
                    ByteBuffer buf = ByteBuffer.allocate(1 + rnd.nextInt(400_000));
                    Task<Integer> read = Asyncio.createTask(() -> f.read(buf));
                    for (int k = 1 + rnd.nextInt(3); k > 0; k--) Asyncio.sleep(0); // it has started: parked in a hop, or done
                    if (rnd.nextInt(2) == 0 && read.cancel()) cancelled[0]++;
                    Integer n;
                    try {
                        n = read.await();
                    } catch (CancelledError c) {
                        continue; // a cancelled read took nothing: its bytes wait in the buffer
                    }
                    if (n < 0) break;
                    got.write(buf.array(), 0, n);
                    assertEquals(got.size(), f.position());
                }
            }
        });
        assertTrue(cancelled[0] >= 3, "reads were cancelled inside their hop: " + cancelled[0]);
        System.out.println("[file random cancel] " + cancelled[0] + " reads cancelled inside their hop");
        assertArrayEquals(data, got.toByteArray());
    }
}
