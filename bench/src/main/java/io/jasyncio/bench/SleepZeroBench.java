package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code Asyncio.sleep(Duration.ZERO)} — one yield to the loop — with 1 and with 100,000 tasks
 * yielding in a ring. Score: nanoseconds per yield.
 *
 * <p>The tasks are created once per trial and never finish while measured, so spawning is not
 * counted: each invocation runs the loop for {@code 1,000,000 / tasks} rounds in which every task
 * yields once (the first task stops the loop after its last round), then the loop returns with
 * all tasks still ready for the next invocation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.lang=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class SleepZeroBench {
    static final int YIELDS_PER_INVOCATION = 1_000_000;

    @Param({"1", "100000"})
    public int tasks;

    private EventLoop loop;
    private Task<?>[] all;

    @Setup
    public void setUp() {
        if (YIELDS_PER_INVOCATION % tasks != 0) throw new IllegalArgumentException("tasks must divide 1,000,000");
        int rounds = YIELDS_PER_INVOCATION / tasks;
        loop = new EventLoop();
        all = new Task<?>[tasks];
        loop.runUntilComplete(() -> {
            all[0] = loop.createTask(() -> {
                Asyncio.sleep(Duration.ZERO); // the first invocation starts here
                while (true) {
                    // Stop one round early: the round that contains stop() completes before
                    // runForever returns, so exactly `rounds` rounds run per invocation.
                    for (int r = 1; r < rounds; r++) {
                        Asyncio.sleep(Duration.ZERO);
                    }
                    loop.stop();
                    Asyncio.sleep(Duration.ZERO);
                }
            });
            for (int i = 1; i < tasks; i++) {
                all[i] = loop.createTask(() -> {
                    while (true) {
                        Asyncio.sleep(Duration.ZERO);
                    }
                });
            }
        });
        // Every task has run its first step and sits in the ready queue, task 0 first.
    }

    @Benchmark
    @OperationsPerInvocation(YIELDS_PER_INVOCATION)
    public void sleepZero() {
        loop.runForever();
    }

    @TearDown
    public void tearDown() {
        Future<Void> done = loop.createFuture();
        int[] left = {all.length};
        for (Task<?> t : all) {
            t.cancel();
            t.addDoneCallback(f -> {
                if (!f.cancelled()) throw new AssertionError("task not cancelled: " + f);
                if (--left[0] == 0) done.setResult(null);
            });
        }
        loop.runUntilComplete(done);
        loop.close();
    }
}
