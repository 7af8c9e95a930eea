package io.jasyncio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debug mode reports a step while it is stuck. Nothing here depends on how fast the machine is:
 * each stuck step stays stuck until the test has seen the reports it waits for.
 */
@Timeout(120)
class StuckStepReportTest {
    private static final RunOptions DEBUG = RunOptions.defaults().debug(true).slowCallbackDuration(Duration.ofMillis(100));

    /** Waits (from a thread other than the loop's) until {@code count} messages match. */
    private static List<String> awaitReports(LogCapture logs, Predicate<String> match, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            List<String> found = logs.messages().stream().filter(match).toList();
            if (found.size() >= count) return found;
            Thread.sleep(10);
        }
        throw new AssertionError("fewer than " + count + " reports in 60 s: " + logs.messages());
    }

    private static double ageOf(String report) {
        String after = report.substring(report.indexOf("still running after ") + "still running after ".length());
        return Double.parseDouble(after.substring(0, after.indexOf(' ')));
    }

    @Test
    void aStuckCallbackIsReportedWhileStuckWithItsStackAndAgainAsItStaysStuck() throws Exception {
        LogCapture logs = LogCapture.start();
        CountDownLatch release = new CountDownLatch(1);
        try {
            Thread releaser = Thread.ofPlatform().start(() -> {
                try {
                    awaitReports(logs, StuckStepReportTest::isStuckCallbackReport, 3);
                } catch (Throwable e) {
                    // reported by the assertions below
                } finally {
                    release.countDown();
                }
            });
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Future<Void> done = loop.createFuture();
                loop.callSoon(() -> {
                    stuckUntil(release);
                    done.setResult(null);
                });
                done.await();
            }, DEBUG);
            releaser.join();
        } finally {
            logs.stop();
        }
        // Only this callback's: on a loaded machine another step (the main task's) may be slow too.
        List<String> reports = logs.messages().stream().filter(StuckStepReportTest::isStuckCallbackReport).toList();
        assertTrue(reports.size() >= 3, reports.toString());
        for (String r : reports) {
            assertTrue(r.startsWith("Executing Handle"), r);
            assertTrue(r.contains("seconds, blocking the event loop; the callback is at:"), r);
            assertTrue(r.contains("stuckUntil"), r);
        }
        // Reported again as it stays stuck, each time older (the age doubles between reports).
        assertTrue(ageOf(reports.get(0)) >= 0.1, reports.get(0));
        assertTrue(ageOf(reports.get(1)) > ageOf(reports.get(0)), reports.toString());
        assertTrue(ageOf(reports.get(2)) > ageOf(reports.get(1)), reports.toString());
        assertNull(LoopBlockingCalls.describe(Thread.currentThread().getStackTrace()), "a latch wait is not a loop-blocking call");
    }

    private static boolean isStuckCallbackReport(String m) {
        return m.contains("is still running after") && m.contains("stuckUntil");
    }

    private static void stuckUntil(CountDownLatch release) {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aTaskStuckInAFifoReadIsReportedNamingTheCallAndWhatToUseInstead(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(mk.waitFor(30, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo failed");
        LogCapture logs = LogCapture.start();
        try {
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    awaitReports(logs, m -> m.contains("blocked in file or pipe read"), 1);
                } catch (Throwable e) {
                    // the assertions below report it
                }
                try (FileOutputStream out = new FileOutputStream(fifo.toFile())) {
                    out.write(42);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            int got = Asyncio.run(() -> Asyncio.createTask(() -> readOneByte(fifo), "fifo-reader").await(), DEBUG);
            writer.join();
            assertEquals(42, got);
        } finally {
            logs.stop();
        }
        String report = logs.messages().stream().filter(m -> m.contains("is still running after") && m.contains("fifo-reader"))
                .findFirst().orElseThrow();
        assertTrue(report.startsWith("Executing Step[Task[fifo-reader"), report);
        assertTrue(report.contains("the task is at:"), report);
        assertTrue(report.contains("blocked in file or pipe read (java.io.FileInputStream"), report);
        assertTrue(report.contains("it blocks the event loop's thread, not just this task; use io.jasyncio.file"), report);
        assertTrue(report.contains("readOneByte"), report);
        assertTrue(report.contains("task created at"), report);
        // The report when the step ends names the call too.
        String end = logs.messages().stream().filter(m -> m.startsWith("Executing Step[Task[fifo-reader") && m.contains(" took "))
                .findFirst().orElseThrow();
        assertTrue(end.contains("blocked in file or pipe read (java.io.FileInputStream"), end);
    }

    private static int readOneByte(Path fifo) throws Exception {
        try (FileInputStream in = new FileInputStream(fifo.toFile())) {
            return in.read();
        }
    }

    @Test
    void theClassifierNamesDnsAndFileChannelsAndStopsAtTheCallersCode() {
        StackTraceElement dns = new StackTraceElement("java.net.Inet6AddressImpl", "lookupAllHostAddr", null, -2);
        StackTraceElement getAll = new StackTraceElement("java.net.InetAddress", "getAllByName", null, 1);
        StackTraceElement user = new StackTraceElement("com.example.App", "connect", null, 10);
        String named = LoopBlockingCalls.describe(new StackTraceElement[] {dns, getAll, user});
        assertTrue(named.startsWith("a DNS lookup (java.net.InetAddress) at java.net.Inet6AddressImpl.lookupAllHostAddr"), named);
        assertTrue(named.contains("Net.getaddrinfo"), named);
        StackTraceElement read0 = new StackTraceElement("sun.nio.ch.UnixFileDispatcherImpl", "read0", null, -2);
        StackTraceElement channel = new StackTraceElement("sun.nio.ch.FileChannelImpl", "read", null, 1);
        String file = LoopBlockingCalls.describe(new StackTraceElement[] {read0, channel, user});
        assertTrue(file.startsWith("file I/O (java.nio.channels.FileChannel"), file);
        // A loop-blocking frame below the caller's code is not what blocks now.
        assertNull(LoopBlockingCalls.describe(new StackTraceElement[] {user, getAll}));
        assertNull(LoopBlockingCalls.describe(null));
    }
}
