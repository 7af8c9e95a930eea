package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.file.AsyncFiles;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What one trip off the loop costs: 100,000 sequential {@code Files.exists} on this thread,
 * {@code Asyncio.toThread(() -> null)} (the bare hop of {@code runInExecutor}) and
 * {@code AsyncFiles.exists} (the hop plus the file layer), in CPU and wall µs per call, 3 rounds
 * in one JVM, alternating.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp bench/target/benchmarks.jar io.jasyncio.bench.FileHopCost
 * </pre>
 */
public final class FileHopCost {
    public static void main(String[] args) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        int n = 100_000;
        Path p = Files.createTempFile(Path.of(args.length > 0 ? args[0] : "/dev/shm"), "hop", ".txt");
        try {
            for (int round = 0; round < 3; round++) {
                long c0 = os.getProcessCpuTime(), t0 = System.nanoTime();
                for (int i = 0; i < n; i++) Files.exists(p);
                long c1 = os.getProcessCpuTime(), t1 = System.nanoTime();
                Asyncio.run(() -> {
                    for (int i = 0; i < n; i++) Asyncio.toThread(() -> null);
                });
                long c2 = os.getProcessCpuTime(), t2 = System.nanoTime();
                Asyncio.run(() -> {
                    for (int i = 0; i < n; i++) AsyncFiles.exists(p);
                });
                long c3 = os.getProcessCpuTime(), t3 = System.nanoTime();
                System.out.printf("round %d: Files.exists %.2f us cpu %.2f us wall | toThread(null) %.2f us cpu %.2f us wall"
                                + " | AsyncFiles.exists %.2f us cpu %.2f us wall | loadavg %s%n", round,
                        (c1 - c0) / 1e3 / n, (t1 - t0) / 1e3 / n, (c2 - c1) / 1e3 / n, (t2 - t1) / 1e3 / n,
                        (c3 - c2) / 1e3 / n, (t3 - t2) / 1e3 / n, FilesBench.loadavg());
            }
        } finally {
            Files.delete(p);
        }
    }
}
