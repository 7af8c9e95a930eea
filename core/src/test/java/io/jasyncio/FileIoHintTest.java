package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Debug mode names plain file I/O as the reason a step blocked the loop. */
@Timeout(60)
class FileIoHintTest {
    private static final RunOptions DEBUG = RunOptions.defaults().debug(true).slowCallbackDuration(Duration.ofMillis(40));

    @Test
    void aStepBlockedInAPlainFileReadIsReportedWithTheFileIoHint(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0);
        Thread writer = Thread.ofPlatform().daemon().start(() -> {
            try (OutputStream out = new FileOutputStream(fifo.toFile())) {
                Thread.sleep(400);
                out.write('x');
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        LogCapture logs = LogCapture.start();
        try {
            Asyncio.run(() -> {
                try (FileInputStream in = new FileInputStream(fifo.toFile())) { // blocks the loop: the point
                    assertEquals('x', in.read());
                }
            }, DEBUG);
        } finally {
            logs.stop();
        }
        writer.join();
        String report = logs.messages().stream().filter(m -> m.startsWith("Executing")).findFirst().orElseThrow();
        assertTrue(report.contains("the step was blocked in file I/O (java.io.FileInputStream."), report);
        assertTrue(report.contains("use io.jasyncio.file"), report);
    }

    @Test
    void aStepSlowInOwnCodeGetsNoFileIoHint() {
        StackTraceElement[] cpu = {
            new StackTraceElement("java.lang.Math", "sqrt", null, 1),
            new StackTraceElement("com.example.App", "crunch", null, 1),
            new StackTraceElement("java.io.FileInputStream", "read", null, 1),
        };
        assertNull(FileIoHint.of(cpu), "a file frame below user code is not where the step is stuck");
        StackTraceElement[] file = {
            new StackTraceElement("sun.nio.ch.UnixFileDispatcherImpl", "read0", null, 1),
            new StackTraceElement("sun.nio.ch.FileChannelImpl", "read", null, 1),
            new StackTraceElement("com.example.App", "load", null, 1),
        };
        assertTrue(FileIoHint.of(file).contains("sun.nio.ch.UnixFileDispatcherImpl.read0"));
    }
}
