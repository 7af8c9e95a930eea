package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.sync.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Queue ping-pong between two tasks, in round trips per second (target ≥ 1.5 M/s for
 * {@link #pingPong}). One round trip: the main task puts a token into {@code ping} and gets it
 * back from {@code pong}; an echo task gets from {@code ping} and puts into {@code pong}. Each
 * round trip suspends both tasks once, so it is two task switches plus four queue operations.
 *
 * <ul>
 *   <li>{@link #pingPong}: unbounded queues, {@code put}/{@code get}.</li>
 *   <li>{@link #pingPongMaxsize1}: the same with {@code maxsize = 1}, so the full-queue check is
 *       exercised too (neither side ever has to wait for room).</li>
 *   <li>{@link #arrayBlockingQueueVirtualThreads}: the baseline without jasyncio (issue 12): the
 *       same round trips through two {@code ArrayBlockingQueue(1)} between two plain virtual
 *       threads on the JDK's default scheduler (which may run them on two carriers).</li>
 * </ul>
 *
 * Each invocation is one {@code Asyncio.run} doing {@link #ROUND_TRIPS} round trips, so the
 * loop's creation and shutdown (tens of microseconds) are amortised to well under 1 %.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.lang=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class QueueBench {
    static final int ROUND_TRIPS = 100_000;
    /** One shared item, so that the measurement does not include boxing. */
    private static final Integer TOKEN = 42;

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public int pingPong() {
        return run(0);
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public int pingPongMaxsize1() {
        return run(1);
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public int arrayBlockingQueueVirtualThreads() throws InterruptedException {
        BlockingQueue<Integer> ping = new ArrayBlockingQueue<>(1);
        BlockingQueue<Integer> pong = new ArrayBlockingQueue<>(1);
        Thread echo = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < ROUND_TRIPS; i++) pong.put(ping.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        int[] sum = new int[1];
        Thread main = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    ping.put(TOKEN);
                    sum[0] += pong.take();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        main.join();
        echo.join();
        return sum[0];
    }

    private static int run(int maxsize) {
        return Asyncio.run(() -> {
            Queue<Integer> ping = new Queue<>(maxsize);
            Queue<Integer> pong = new Queue<>(maxsize);
            Task<Void> echo = Asyncio.createTask(() -> {
                for (int i = 0; i < ROUND_TRIPS; i++) pong.put(ping.get());
            });
            int sum = 0;
            for (int i = 0; i < ROUND_TRIPS; i++) {
                ping.put(TOKEN);
                sum += pong.get();
            }
            echo.await();
            return sum;
        });
    }
}
