package io.jasyncio.bench;

import io.jasyncio.EventLoop;
import java.util.SplittableRandom;
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
 * Timer throughput: schedule {@code pending} {@code callAt} timers whose deadlines lie at seeded
 * random points of the last second (so the heap sees random keys, and all are due at once), then
 * run the loop until every one has fired; repeat until 1,000,000 timers have fired. Score:
 * nanoseconds per timer, scheduling plus firing, with {@code pending} timers in the heap at its
 * fullest. The wall-clock behaviour of a million timers spread over a second is measured by
 * {@link TimerFiring}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.lang=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class TimerBench {
    static final int TIMERS = 1_000_000;

    @Param({"1000", "100000", "1000000"})
    public int pending;

    private EventLoop loop;
    private double[] offsets;
    private int left;
    private final Runnable fire = this::fired;

    @Setup
    public void setUp() {
        loop = new EventLoop();
        SplittableRandom random = new SplittableRandom(42);
        offsets = new double[pending];
        for (int i = 0; i < pending; i++) offsets[i] = random.nextDouble();
    }

    @TearDown
    public void tearDown() {
        loop.close();
    }

    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public void scheduleAndFire() {
        for (int batch = 0; batch < TIMERS / pending; batch++) {
            left = pending;
            double now = loop.time();
            for (double offset : offsets) {
                loop.callAt(now - offset, fire);
            }
            loop.runForever();
            if (left != 0) throw new AssertionError(left + " timers did not fire");
        }
    }

    private void fired() {
        if (--left == 0) loop.stop();
    }
}
