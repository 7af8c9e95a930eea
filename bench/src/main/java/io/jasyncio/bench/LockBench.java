package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.sync.Lock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Lock} acquire/release pairs per second.
 *
 * <ul>
 *   <li>{@link #uncontended}: one task acquires and releases in a loop; the lock is always free,
 *       so nothing suspends: the cost of the fast path and its loop-binding check.</li>
 *   <li>{@link #uncontendedHold}: the same through try-with-resources ({@code hold()}).</li>
 *   <li>{@link #contended}: {@code tasks} tasks (a parameter, 4 by default) each acquire, yield
 *       to the loop while holding ({@code sleep(0)}), and release, so every acquisition after the
 *       first waits in the queue and is a FIFO hand-over: the cost of a waiter future, a wake-up
 *       and two task switches per pair, plus the {@code sleep(0)} itself.</li>
 * </ul>
 *
 * Each invocation is one {@code Asyncio.run} doing {@link #PAIRS} pairs in total.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.lang=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LockBench {
    static final int PAIRS = 100_000;

    /** How many tasks contend, for {@link #contended} only. */
    @State(Scope.Benchmark)
    public static class Contention {
        @Param({"4"})
        public int tasks;
    }

    @Benchmark
    @OperationsPerInvocation(PAIRS)
    public int uncontended() {
        return Asyncio.run(() -> {
            Lock lock = new Lock();
            int n = 0;
            for (int i = 0; i < PAIRS; i++) {
                lock.acquire();
                n++;
                lock.release();
            }
            return n;
        });
    }

    @Benchmark
    @OperationsPerInvocation(PAIRS)
    public int uncontendedHold() {
        return Asyncio.run(() -> {
            Lock lock = new Lock();
            int n = 0;
            for (int i = 0; i < PAIRS; i++) {
                try (var _ = lock.hold()) {
                    n++;
                }
            }
            return n;
        });
    }

    @Benchmark
    @OperationsPerInvocation(PAIRS)
    public int contended(Contention contention) {
        int tasks = contention.tasks;
        int perTask = PAIRS / tasks;
        return Asyncio.run(() -> {
            Lock lock = new Lock();
            int[] n = {0};
            List<Task<Void>> all = new ArrayList<>();
            for (int t = 0; t < tasks; t++) {
                all.add(Asyncio.createTask(() -> {
                    for (int i = 0; i < perTask; i++) {
                        lock.acquire();
                        try {
                            n[0]++;
                            Asyncio.sleep(Duration.ZERO); // suspend while holding: the others queue up
                        } finally {
                            lock.release();
                        }
                    }
                }));
            }
            for (Task<Void> t : all) t.await();
            return n[0];
        });
    }
}
