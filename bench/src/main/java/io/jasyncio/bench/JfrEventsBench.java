package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
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
 * What the loop's JFR events ({@code io.jasyncio.TaskCreated}, {@code TaskCompleted},
 * {@code SlowStep}, {@code LoopIteration}) cost. Score: nanoseconds per task (create, run, await)
 * and per {@code sleep(0)} step. Each mode runs in its own fork:
 * <ul>
 *   <li>{@code disabled}: {@code -Djasyncio.jfr=false}, the hooks folded away: the baseline;</li>
 *   <li>{@code idle}: the default — hooks in place, no recording running ("off");</li>
 *   <li>{@code recording}: a recording with jasyncio's defaults (only SlowStep, threshold 100 ms);</li>
 *   <li>{@code recordingAll}: every jasyncio event enabled, each task and iteration recorded.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.lang=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class JfrEventsBench {
    static final int N = 1000;

    @Param({"disabled", "idle", "recording", "recordingAll"})
    public String mode;

    private EventLoop loop;
    private Recording recording;

    @Setup
    public void setUp() {
        // Before any jasyncio class initializes: JfrEvents.AVAILABLE is read once.
        if (mode.equals("disabled")) System.setProperty("jasyncio.jfr", "false");
        if (mode.startsWith("recording")) {
            recording = new Recording();
            recording.setToDisk(true);
            recording.setMaxSize(64L << 20);
            recording.enable("io.jasyncio.SlowStep");
            if (mode.equals("recordingAll")) {
                recording.enable("io.jasyncio.TaskCreated");
                recording.enable("io.jasyncio.TaskCompleted");
                recording.enable("io.jasyncio.LoopIteration");
            }
            recording.start();
        }
        loop = new EventLoop();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Object spawnAndAwait() {
        return loop.runUntilComplete(() -> {
            Task<?>[] tasks = new Task<?>[N];
            for (int i = 0; i < N; i++) tasks[i] = loop.createTask(() -> null);
            for (Task<?> t : tasks) t.await();
            return tasks;
        });
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void sleepZeroSteps() {
        loop.runUntilComplete(() -> {
            for (int i = 0; i < N; i++) Asyncio.sleep(Duration.ZERO);
        });
    }

    @TearDown
    public void tearDown() {
        loop.close();
        if (recording != null) recording.close();
    }
}
