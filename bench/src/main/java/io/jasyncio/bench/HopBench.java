package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.file.AsyncFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One hop off the loop and back, sequentially, from one task: {@code Asyncio.toThread(() -> null)}
 * (the bare {@code runInExecutor} round trip), {@code AsyncFiles.exists} and
 * {@code AsyncFiles.readAllBytes} of a 1 KiB file, beside {@code Files.exists} /
 * {@code Files.readAllBytes} called on the (platform) benchmark thread. Score: wall µs per call;
 * run with {@code -prof gc} for bytes allocated per call. Files live in {@code /dev/shm} (tmpfs),
 * so the numbers measure the hop, not a disk.
 *
 * <p>Each invocation runs 1,000 calls in one task of a loop made once per trial (the task's
 * creation is amortized over them); the loop's default executor lives for the whole trial.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar HopBench -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.lang=ALL-UNNAMED")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Thread)
public class HopBench {
    static final int CALLS = 1_000;

    private EventLoop loop;
    private Path file;

    @Setup
    public void setUp() throws IOException {
        Path dir = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        file = Files.createTempFile(dir, "hopbench", ".bin");
        Files.write(file, new byte[1024]);
        loop = new EventLoop();
    }

    @TearDown
    public void tearDown() throws IOException {
        loop.runUntilComplete(loop.shutdownDefaultExecutor(Duration.ofSeconds(10)));
        loop.close();
        Files.deleteIfExists(file);
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void toThreadNull() {
        loop.runUntilComplete(() -> {
            for (int i = 0; i < CALLS; i++) Asyncio.toThread(() -> null);
        });
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void asyncFilesExists(Blackhole bh) {
        loop.runUntilComplete(() -> {
            for (int i = 0; i < CALLS; i++) bh.consume(AsyncFiles.exists(file));
        });
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void plainFilesExists(Blackhole bh) {
        for (int i = 0; i < CALLS; i++) bh.consume(Files.exists(file));
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void asyncFilesReadAllBytes(Blackhole bh) {
        loop.runUntilComplete(() -> {
            for (int i = 0; i < CALLS; i++) bh.consume(AsyncFiles.readAllBytes(file));
        });
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void plainFilesReadAllBytes(Blackhole bh) throws IOException {
        for (int i = 0; i < CALLS; i++) bh.consume(Files.readAllBytes(file));
    }
}
