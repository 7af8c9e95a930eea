package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.process.Stdio;
import io.jasyncio.process.Subprocess;
import io.jasyncio.process.SubprocessOptions;
import io.jasyncio.process.Subprocesses;

/**
 * Bytes through {@code cat} (stdin to stdout) with jasyncio's subprocess streams, as
 * {@code bench/subprocess_asyncio.py} does with Python's asyncio: one task writes
 * {@code CHUNK}-byte blocks with {@code write} + {@code drain}, another reads with
 * {@code read(1 MiB)} until EOF. Prints one line: {@code jasyncio <bytes> <seconds> <MB/s> <cpu-seconds>}
 * (CPU time of this JVM, all its threads, during the timed transfer; not the child's).
 * A warm-up transfer (untimed) runs first so the JIT has compiled the path.
 *
 * <p>usage: {@code java --add-opens java.base/java.lang=ALL-UNNAMED ... SubprocessCat [bytes] [warmupBytes]}
 * (run by {@code bench/subprocess-bench.sh}).
 */
public final class SubprocessCat {
    static final int CHUNK = 256 * 1024;

    private SubprocessCat() {
    }

    public static void main(String[] args) {
        long bytes = args.length > 0 ? Long.parseLong(args[0]) : 1L << 30;
        long warmup = args.length > 1 ? Long.parseLong(args[1]) : 256L << 20;
        Asyncio.run(() -> {
            if (warmup > 0) transfer(warmup);
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            transfer(bytes);
            double secs = (System.nanoTime() - t0) / 1e9;
            double cpu = (os.getProcessCpuTime() - c0) / 1e9;
            System.out.printf("jasyncio %d %.3f %.1f %.3f%n", bytes, secs, bytes / 1e6 / secs, cpu);
        });
    }

    static void transfer(long bytes) throws Exception {
        Subprocess p = Subprocesses.createSubprocessExec(
                SubprocessOptions.defaults().stdin(Stdio.PIPE).stdout(Stdio.PIPE), "cat");
        Task<Long> reader = Asyncio.createTask(() -> {
            long n = 0;
            byte[] b;
            while ((b = p.stdout().read(1 << 20)).length > 0) n += b.length;
            return n;
        });
        byte[] block = new byte[CHUNK];
        for (long sent = 0; sent < bytes; sent += CHUNK) {
            p.stdin().write(block);
            p.stdin().drain();
        }
        p.stdin().close();
        long got = reader.await();
        if (got != bytes) throw new IllegalStateException("sent " + bytes + " bytes, cat gave back " + got);
        int rc = p.waitFor();
        if (rc != 0) throw new IllegalStateException("cat exited with " + rc);
    }
}
