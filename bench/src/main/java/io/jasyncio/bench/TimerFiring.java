package io.jasyncio.bench;

import io.jasyncio.EventLoop;
import io.jasyncio.TimerHandle;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One million {@code callLater} timers with seeded random delays in [0, 1 s]: the wall time from
 * scheduling the first to the firing of the last (target: within 1.5 s). Not a JMH benchmark: a
 * one-shot measurement, repeated; the first run is a warm-up, the median of the others is the
 * result. Each run uses a fresh loop and the same seed.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -Xms2g -Xmx2g -XX:+UseG1GC \
 *      -cp bench/target/benchmarks.jar io.jasyncio.bench.TimerFiring [runs] [timers]
 * </pre>
 *
 * Per run it prints: how long scheduling took, the wall time to the last firing, and how late
 * the timers fired relative to their deadlines ({@link TimerHandle#when()}): percentiles over all
 * timers, and the maximum over those whose deadline fell after scheduling had finished ({@code
 * max*}; timers due while the loop was still busy scheduling cannot fire on time).
 */
public final class TimerFiring {
    private static final long SEED = 42;

    private final int n;
    private final double[] deadlines;
    private final double[] firedAt;
    private int count;
    private long firstScheduleNanos;
    private long scheduledNanos;
    private double scheduledAt;
    private long lastFiredNanos;

    private TimerFiring(int n) {
        this.n = n;
        this.deadlines = new double[n];
        this.firedAt = new double[n];
    }

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        int n = args.length > 1 ? Integer.parseInt(args[1].replace("_", "")) : 1_000_000;
        System.out.printf("JVM: %s %s, max heap %d MiB, GC %s; %,d timers, delays uniform in [0, 1 s], seed %d%n",
                System.getProperty("java.vm.name"), Runtime.version(), Runtime.getRuntime().maxMemory() >> 20,
                ManagementFactory.getGarbageCollectorMXBeans().get(0).getName(), n, SEED);
        System.out.printf("%-4s %11s %9s %11s %11s %11s %13s %11s%n", "run", "schedule ms", "wall ms",
                "late p50 ms", "late p99 ms", "late max ms", "max* ms", "<= 1.5 s");
        double[] walls = new double[runs];
        for (int r = 0; r < runs; r++) {
            System.gc();
            TimerFiring run = new TimerFiring(n);
            run.run();
            walls[r] = run.report(r == 0 ? "warm" : String.valueOf(r));
        }
        if (runs > 1) {
            double[] measured = Arrays.copyOfRange(walls, 1, runs);
            Arrays.sort(measured);
            double median = measured.length % 2 == 1 ? measured[measured.length / 2]
                    : (measured[measured.length / 2 - 1] + measured[measured.length / 2]) / 2;
            System.out.printf("median wall of runs 1..%d: %.1f ms (min %.1f, max %.1f)%n", runs - 1, median,
                    measured[0], measured[measured.length - 1]);
        }
    }

    private void run() {
        long[] delays = new long[n];
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < n; i++) delays[i] = random.nextLong(1_000_000_001L); // [0, 1 s] in ns
        try (EventLoop loop = new EventLoop()) {
            loop.callSoon(() -> {
                firstScheduleNanos = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    int index = i;
                    TimerHandle h = loop.callLater(Duration.ofNanos(delays[i]), () -> {
                        firedAt[index] = loop.time();
                        if (++count == n) {
                            lastFiredNanos = System.nanoTime();
                            loop.stop();
                        }
                    });
                    deadlines[i] = h.when();
                }
                scheduledNanos = System.nanoTime();
                scheduledAt = loop.time();
            });
            loop.runForever();
        }
    }

    private double report(String label) {
        double[] late = new double[n];
        // Timers due before scheduling ended cannot fire on time: the loop is busy scheduling.
        // max*: the latest firing among timers whose deadline came after scheduling ended.
        double maxAfterScheduling = 0;
        for (int i = 0; i < n; i++) {
            late[i] = (firedAt[i] - deadlines[i]) * 1e3;
            if (deadlines[i] > scheduledAt) maxAfterScheduling = Math.max(maxAfterScheduling, late[i]);
        }
        Arrays.sort(late);
        double wall = (lastFiredNanos - firstScheduleNanos) / 1e6;
        System.out.printf("%-4s %11.1f %9.1f %11.3f %11.3f %11.3f %13.3f %11s%n", label,
                (scheduledNanos - firstScheduleNanos) / 1e6, wall,
                late[n / 2], late[(int) (n * 0.99)], late[n - 1], maxAfterScheduling, wall <= 1500 ? "yes" : "NO");
        if (late[0] < -0.001) throw new AssertionError("a timer fired " + (-late[0]) + " ms early");
        return wall;
    }
}
