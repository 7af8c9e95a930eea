package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code gather} of 100,000 coroutines, each run as a task that returns at once. Score:
 * nanoseconds per child task (issue 12 target ≤ 250 ns), everything included: building the
 * 100,000 distinct coroutines (as {@code urls.stream().map(u -> () -> fetch(u))} would), the
 * gather, its tasks, their virtual threads, and the results list.
 *
 * <ul>
 *   <li>{@link #gatherCoroutines100k}: {@code Asyncio.gather(List<Coroutine>)}.</li>
 *   <li>{@link #gatherYielding100k}: the same, every child first yields once ({@code sleep(0)}),
 *       so that all 100,000 are suspended at the same time before any finishes.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.lang=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class GatherBench {
    static final int CHILDREN = 100_000;
    private static final Integer RESULT = 7;

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
    @OperationsPerInvocation(CHILDREN)
    public int gatherCoroutines100k() {
        return loop.runUntilComplete(() -> {
            List<Coroutine<Integer>> coros = new ArrayList<>(CHILDREN);
            for (int i = 0; i < CHILDREN; i++) {
                int k = i;
                coros.add(() -> k < 0 ? null : RESULT);
            }
            return Asyncio.gather(coros).await().size();
        });
    }

    @Benchmark
    @OperationsPerInvocation(CHILDREN)
    public int gatherYielding100k() {
        return loop.runUntilComplete(() -> {
            List<Coroutine<Integer>> coros = new ArrayList<>(CHILDREN);
            for (int i = 0; i < CHILDREN; i++) {
                int k = i;
                coros.add(() -> {
                    Asyncio.sleep(java.time.Duration.ZERO);
                    return k < 0 ? null : RESULT;
                });
            }
            return Asyncio.gather(coros).await().size();
        });
    }
}
