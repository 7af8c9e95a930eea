package io.jasyncio.bench;

import io.jasyncio.EventLoop;
import io.jasyncio.Task;
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

/**
 * Spawn and await trivial tasks. Score: nanoseconds per task (target ≥ 2 M tasks/s, i.e. ≤ 500 ns).
 *
 * <ul>
 *   <li>{@link #spawnAwait1M}: a task creates 1,000,000 tasks that return at once, then awaits
 *       each of them in order — all million exist at the same time.</li>
 *   <li>{@link #spawnAwaitBatches}: the same million tasks, created and awaited 1,000 at a time:
 *       shows what the all-at-once working set costs (allocation, cache misses, GC).</li>
 *   <li>{@link #spawnAwaitBatchesFixedName}: as the batches, with an explicit constant task name,
 *       so no "Task-N" string is built per task: the cost of default names.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.lang=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class SpawnBench {
    static final int TASKS = 1_000_000;
    static final int BATCH = 1_000;

    private EventLoop loop;

    @Setup
    public void setUp() {
        loop = new EventLoop();
    }

    @TearDown
    public void tearDown() {
        loop.close();
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long spawnAwait1M() {
        return loop.runUntilComplete(() -> {
            Task<?>[] tasks = new Task<?>[TASKS];
            for (int i = 0; i < TASKS; i++) {
                tasks[i] = loop.createTask(() -> null);
            }
            long n = 0;
            for (Task<?> t : tasks) {
                t.await();
                n++;
            }
            return n;
        });
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long spawnAwaitBatches() {
        return spawnInBatches(null);
    }

    /** As {@link #spawnAwaitBatches}, every task named "t": without generating "Task-N" names. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long spawnAwaitBatchesFixedName() {
        return spawnInBatches("t");
    }

    private long spawnInBatches(String name) {
        return loop.runUntilComplete(() -> {
            Task<?>[] tasks = new Task<?>[BATCH];
            long n = 0;
            for (int b = 0; b < TASKS / BATCH; b++) {
                for (int i = 0; i < BATCH; i++) {
                    tasks[i] = loop.createTask(() -> null, name);
                }
                for (Task<?> t : tasks) {
                    t.await();
                    n++;
                }
            }
            return n;
        });
    }
}
