package io.jasyncio.bench;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.internal.VirtualThreads;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * Task switch cost: two tasks hand control back and forth. One round trip is two switches; every
 * score is nanoseconds per <em>switch</em> (target ≤ 150 ns for {@link #futurePingPong}).
 *
 * <ul>
 *   <li>{@link #futurePingPong}: the asyncio way. Each task completes a fresh future the other
 *       awaits, then awaits its own: {@code createFuture}, {@code setResult}, {@code await},
 *       the loop iteration, park and unpark.</li>
 *   <li>{@link #loopParkPingPong}: two jasyncio tasks on the same loop, but switching with plain
 *       {@code LockSupport.park/unpark}: the loop and the virtual-thread mechanism without
 *       {@code Future}/{@code Task.awaitFuture}.</li>
 *   <li>{@link #rawVirtualThreadPingPong}: the bare mechanism, no jasyncio: two virtual threads
 *       built with the same custom-scheduler constructor, scheduled by a plain {@link ArrayDeque}
 *       run loop on the benchmark thread, switching with park/unpark.</li>
 *   <li>{@link #callSoonChain}: no task switch at all: a callback that re-schedules itself with
 *       {@code callSoon}, one loop iteration per callback; the loop's own per-iteration cost.</li>
 * </ul>
 *
 * Differences between the rows show where the time goes: raw → loopPark is the event loop's
 * overhead over the mechanism, loopPark → future is the cost of futures and await.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.lang=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class SwitchBench {
    static final int ROUND_TRIPS = 100_000;
    static final int SWITCHES = 2 * ROUND_TRIPS;

    private EventLoop loop;

    // futurePingPong: the future each side waits on next.
    private Future<Void> toA;
    private Future<Void> toB;

    // loopParkPingPong / rawVirtualThreadPingPong: whose turn it is (0 = a, 1 = b) and the threads.
    private int turn;
    private Thread threadA;
    private Thread threadB;

    private int callbacksLeft;

    @Setup
    public void setUp() {
        loop = new EventLoop();
    }

    @TearDown
    public void tearDown() {
        loop.close();
    }

    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void futurePingPong() {
        loop.runUntilComplete(() -> {
            toA = loop.createFuture();
            toB = loop.createFuture();
            Task<Void> b = loop.createTask(() -> {
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    Future<Void> mine = toB;
                    mine.await();
                    toB = loop.createFuture();
                    toA.setResult(null);
                }
                return null;
            });
            Task<Void> a = loop.createTask(() -> {
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    Future<Void> mine = toA;
                    toB.setResult(null);
                    mine.await();
                    toA = loop.createFuture();
                }
                return null;
            });
            a.await();
            b.await();
        });
    }

    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void loopParkPingPong() {
        loop.runUntilComplete(() -> {
            turn = 0;
            Task<Void> a = loop.createTask(() -> {
                pingPong(0);
                return null;
            });
            Task<Void> b = loop.createTask(() -> {
                pingPong(1);
                return null;
            });
            threadA = a.thread();
            threadB = b.thread();
            a.await();
            b.await();
        });
    }

    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void rawVirtualThreadPingPong() {
        ArrayDeque<Runnable> ready = new ArrayDeque<>();
        Executor scheduler = ready::add; // called on this thread only: every unpark happens on it
        turn = 0;
        threadA = VirtualThreads.newThread(scheduler, "raw-a", () -> pingPong(0));
        threadB = VirtualThreads.newThread(scheduler, "raw-b", () -> pingPong(1));
        threadA.start();
        threadB.start();
        Runnable r;
        while ((r = ready.poll()) != null) {
            r.run();
        }
    }

    /** Side {@code me} of a park/unpark ping-pong: wait for my turn, hand the turn over. */
    private void pingPong(int me) {
        Thread other = me == 0 ? threadB : threadA;
        for (int i = 0; i < ROUND_TRIPS; i++) {
            while (turn != me) {
                LockSupport.park();
            }
            turn = 1 - me;
            LockSupport.unpark(other);
        }
    }

    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void callSoonChain() {
        callbacksLeft = SWITCHES;
        loop.callSoon(this::chainStep);
        loop.runForever();
    }

    private void chainStep() {
        if (--callbacksLeft > 0) {
            loop.callSoon(this::chainStep);
        } else {
            loop.stop();
        }
    }
}
