package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.file.AsyncFile;
import io.jasyncio.file.AsyncFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * io.jasyncio.file against plain FileChannel/Files on a platform thread, side by side in one
 * run: 1 GiB written and read in 64 KiB chunks, and 100,000 small files written then read.
 * Contenders alternate within every round (the order flips each round) so that a change in the
 * machine's load hits both alike; each round prints its ratios, the end their medians.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *      io.jasyncio.bench.FilesBench [--dir D] [--mib 1024] [--chunk 65536] [--files 100000]
 *      [--file-size 1024] [--rounds 3] [--concurrency 16]
 * </pre>
 *
 * Output lines starting with "RESULT" are machine-readable: workload, contender, MB/s or ops/s.
 */
public final class FilesBench {
    private final Path dir;
    private final long bytes;
    private final int chunk;
    private final int files;
    private final int fileSize;
    private final int concurrency;
    private final byte[] chunkData;
    private final byte[] fileData;

    private FilesBench(Path dir, long bytes, int chunk, int files, int fileSize, int concurrency) {
        this.dir = dir;
        this.bytes = bytes;
        this.chunk = chunk;
        this.files = files;
        this.fileSize = fileSize;
        this.concurrency = concurrency;
        Random r = new Random(7);
        chunkData = new byte[chunk];
        r.nextBytes(chunkData);
        fileData = new byte[fileSize];
        r.nextBytes(fileData);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        Path dir = Path.of(opt.getOrDefault("dir", "/tmp/jasyncio-files-bench"));
        long mib = Long.parseLong(opt.getOrDefault("mib", "1024"));
        int chunk = Integer.parseInt(opt.getOrDefault("chunk", "65536"));
        int files = Integer.parseInt(opt.getOrDefault("files", "100000"));
        int fileSize = Integer.parseInt(opt.getOrDefault("file-size", "1024"));
        int rounds = Integer.parseInt(opt.getOrDefault("rounds", "3"));
        int concurrency = Integer.parseInt(opt.getOrDefault("concurrency", "16"));
        Files.createDirectories(dir.resolve("small"));
        System.out.printf("# FilesBench dir=%s size=%d MiB chunk=%d files=%d x %d B rounds=%d concurrency=%d loadavg=%s%n",
                dir, mib, chunk, files, fileSize, rounds, concurrency, loadavg());

        // warm-up (JIT, page cache, directory entries): a small pass of everything, not reported
        FilesBench warm = new FilesBench(dir, Math.min(mib, 64) << 20, chunk, Math.min(files, 5000), fileSize, concurrency);
        for (int i = 0; i < 2; i++) warm.round(-1);
        new FilesBench(dir, mib << 20, chunk, files, fileSize, concurrency).round(-1); // creates the full set once
        FilesBench b = new FilesBench(dir, mib << 20, chunk, files, fileSize, concurrency);
        Map<String, List<Double>> ratios = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            Map<String, Double> res = b.round(r);
            System.out.printf("# round %d loadavg=%s%n", r, loadavg());
            for (String work : List.of("write-1GiB", "read-1GiB", "small-write+read")) {
                double plain = res.get(work + " plain");
                ratio(ratios, r, work + " jasyncio/plain", res.get(work + " jasyncio") / plain);
                ratio(ratios, r, work + " cpu jasyncio/plain", res.get("cpu " + work + " jasyncio") / res.get("cpu " + work + " plain"));
                if (work.startsWith("small")) ratio(ratios, r, work + " jasyncio-concurrent/plain", res.get(work + " jasyncio-concurrent") / plain);
            }
        }
        System.out.println("# medians of per-round ratios (throughput: higher is better for jasyncio; cpu: lower is better)");
        ratios.forEach((k, v) -> System.out.printf("MEDIAN %s %.3f  (rounds: %s)%n", k, median(v), v));
        System.out.printf("# end loadavg=%s%n", loadavg());
    }

    private static void ratio(Map<String, List<Double>> ratios, int round, String name, double v) {
        ratios.computeIfAbsent(name, k -> new ArrayList<>()).add(v);
        System.out.printf("RATIO round=%d %s %.3f%n", round, name, v);
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    /** One round: every workload, plain and jasyncio alternating, order flipped on odd rounds. */
    private Map<String, Double> round(int r) throws Exception {
        Map<String, Double> res = new LinkedHashMap<>();
        boolean plainFirst = r % 2 == 0;
        Path big = dir.resolve("big.bin");
        for (int k = 0; k < 2; k++) {
            if ((k == 0) == plainFirst) put(res, "write-1GiB plain", mbps(bytes, time(() -> plainWrite(big))));
            else put(res, "write-1GiB jasyncio", mbps(bytes, time(() -> jasyncioWrite(big))));
        }
        for (int k = 0; k < 2; k++) {
            if ((k == 0) == plainFirst) put(res, "read-1GiB plain", mbps(bytes, time(() -> plainRead(big))));
            else put(res, "read-1GiB jasyncio", mbps(bytes, time(() -> jasyncioRead(big))));
        }
        List<String> order = plainFirst ? List.of("plain", "jasyncio", "jasyncio-concurrent") : List.of("jasyncio-concurrent", "jasyncio", "plain");
        for (String c : order) {
            long ns = time(switch (c) {
                case "plain" -> this::plainSmall;
                case "jasyncio" -> this::jasyncioSmall;
                default -> this::jasyncioSmallConcurrent;
            });
            put(res, "small-write+read " + c, files / (ns / 1e9));
        }
        if (r >= 0) {
            res.forEach((k, v) -> {
                if (!k.startsWith("cpu ")) {
                    System.out.printf("RESULT round=%d %s %.1f %s cpu-ms=%.0f%n", r, k, v, k.startsWith("small") ? "files/s" : "MB/s", res.get("cpu " + k));
                }
            });
        }
        return res;
    }

    private static void put(Map<String, Double> res, String key, double value) {
        res.put(key, value);
        res.put("cpu " + key, lastCpuMs);
    }

    private interface Work {
        void run() throws Exception;
    }

    /** CPU time of the whole process (all threads: the loop, the executor's, GC, JIT). */
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    /** CPU ms of the last {@link #time} call. */
    private static double lastCpuMs;

    /**
     * Wall time of {@code w} in ns; its process CPU time goes to {@link #lastCpuMs}. On a loaded
     * machine the CPU time is the steadier cost: wall time depends on how the scheduler treats a
     * busy thread against threads that sleep and wake (the jasyncio contenders' do).
     */
    private static long time(Work w) throws Exception {
        long c0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        w.run();
        long dt = System.nanoTime() - t0;
        lastCpuMs = (OS.getProcessCpuTime() - c0) / 1e6;
        return dt;
    }

    private static double mbps(long bytes, long ns) {
        return bytes / 1e6 / (ns / 1e9);
    }

    // ---- plain: FileChannel / Files on this (platform) thread ----

    private void plainWrite(Path p) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(chunkData);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long done = 0; done < bytes; done += chunk) {
                buf.clear();
                while (buf.hasRemaining()) ch.write(buf);
            }
        }
    }

    private void plainRead(Path p) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(chunk);
        long total = 0;
        try (FileChannel ch = FileChannel.open(p)) {
            int n;
            while ((n = ch.read(buf.clear())) >= 0) total += n;
        }
        check(total);
    }

    private void plainSmall() throws IOException {
        Path small = dir.resolve("small");
        for (int i = 0; i < files; i++) Files.write(small.resolve("f" + i), fileData);
        long total = 0;
        for (int i = 0; i < files; i++) total += Files.readAllBytes(small.resolve("f" + i)).length;
        checkSmall(total);
    }

    // ---- jasyncio: the same work inside a task ----

    private void jasyncioWrite(Path p) {
        Asyncio.run(() -> {
            ByteBuffer buf = ByteBuffer.wrap(chunkData);
            AsyncFile f = AsyncFile.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            for (long done = 0; done < bytes; done += chunk) f.write(buf.clear());
            f.close();
            f.waitClosed();
        });
    }

    private void jasyncioRead(Path p) {
        Asyncio.run(() -> {
            ByteBuffer buf = ByteBuffer.allocate(chunk);
            long total = 0;
            try (AsyncFile f = AsyncFile.open(p)) {
                int n;
                while ((n = f.read(buf.clear())) >= 0) total += n;
            }
            check(total);
        });
    }

    private void jasyncioSmall() {
        Path small = dir.resolve("small");
        Asyncio.run(() -> {
            for (int i = 0; i < files; i++) AsyncFiles.write(small.resolve("f" + i), fileData);
            long total = 0;
            for (int i = 0; i < files; i++) total += AsyncFiles.readAllBytes(small.resolve("f" + i)).length;
            checkSmall(total);
        });
    }

    /** The async way: {@code concurrency} tasks share the files (each file written then read). */
    private void jasyncioSmallConcurrent() {
        Path small = dir.resolve("small");
        Asyncio.run(() -> {
            AtomicInteger next = new AtomicInteger();
            long[] total = {0};
            List<Task<Void>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(Asyncio.createTask(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < files) AsyncFiles.write(small.resolve("f" + i), fileData);
                }));
            }
            for (Task<Void> t : workers) t.await();
            workers.clear();
            next.set(0);
            for (int w = 0; w < concurrency; w++) {
                workers.add(Asyncio.createTask(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < files) {
                        int n = AsyncFiles.readAllBytes(small.resolve("f" + i)).length; // suspends: add after
                        total[0] += n;
                    }
                }));
            }
            for (Task<Void> t : workers) t.await();
            checkSmall(total[0]);
        });
    }

    private void check(long total) {
        if (total != bytes) throw new IllegalStateException("read " + total + " bytes, expected " + bytes);
    }

    private void checkSmall(long total) {
        if (total != (long) files * fileSize) throw new IllegalStateException("read " + total + " bytes of small files");
    }

}
