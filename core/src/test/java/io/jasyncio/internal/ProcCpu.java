package io.jasyncio.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * CPU time of threads of this process, read from Linux's /proc (10 ms resolution): the module
 * does not read java.management, and /proc names threads as the kernel schedules them.
 */
public final class ProcCpu {
    private static final long NANOS_PER_TICK = 10_000_000; // USER_HZ is 100 on Linux

    private ProcCpu() {}

    /** The calling platform thread's user + system CPU time, in nanoseconds. */
    public static long currentThread() {
        return ticks(Path.of("/proc/thread-self/stat")) * NANOS_PER_TICK;
    }

    /**
     * The summed CPU time of this process's threads whose kernel name (Java's thread name cut to
     * 15 characters) starts with one of {@code prefixes}, in nanoseconds. Threads that ended
     * meanwhile drop out of the sum.
     */
    public static long threadsNamed(String... prefixes) {
        long sum = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String comm = Files.readString(task.resolve("comm")).strip();
                    for (String p : prefixes) {
                        if (comm.startsWith(p.length() > 15 ? p.substring(0, 15) : p)) {
                            sum += ticks(task.resolve("stat"));
                            break;
                        }
                    }
                } catch (NoSuchFileException ended) {
                    // the thread ended while we looked
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sum * NANOS_PER_TICK;
    }

    private static long ticks(Path stat) {
        try {
            String s = Files.readString(stat);
            // Fields after the command name, which is in parentheses and may contain spaces.
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
