package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.internal.VirtualThreads;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import javax.management.ObjectName;

/**
 * Retained heap per suspended task (target ≤ 1 KiB). Not a JMH benchmark: a one-shot measurement.
 *
 * <p>For each N: measure the used heap after full GCs, create N tasks that each suspend forever,
 * let every one of them reach its suspension point, measure again; the difference divided by N
 * is the retained size of one suspended task with everything it holds (its virtual thread,
 * continuation stack chunk, name, future, loop bookkeeping). Then all tasks are cancelled and
 * awaited, and the heap is measured a third time to show that it is all released.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -Xms4g -Xmx4g -XX:+UseG1GC \
 *      -cp bench/target/benchmarks.jar io.jasyncio.bench.TaskMemory [--histo] [N ...]
 * </pre>
 *
 * Two ways to be suspended are measured: {@code await} on a never-completed future of the task's
 * own ({@code future}), and {@code Asyncio.sleep(1 hour)} ({@code sleep}: adds the timer handle).
 * For comparison, two more rows: {@code raw}, the bare mechanism (a virtual thread with a custom
 * scheduler, no jasyncio, parked in {@code LockSupport.park}, one shared name), and
 * {@code finished}: tasks that already returned but are still referenced (as by a gather).
 * {@code --histo} prints the classes that grew most between the two measurements, per task.
 */
public final class TaskMemory {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private static final List<String> MODES = List.of("future", "sleep", "raw", "finished");

    private static int started;
    private static volatile boolean released;

    public static void main(String[] args) throws Exception {
        boolean histo = false;
        List<Integer> sizes = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--histo")) histo = true;
            else sizes.add(Integer.parseInt(a.replace("_", "")));
        }
        if (sizes.isEmpty()) sizes = List.of(100_000, 1_000_000);

        System.out.printf("JVM: %s %s, max heap %d MiB, GC %s%n", System.getProperty("java.vm.name"),
                Runtime.version(), Runtime.getRuntime().maxMemory() >> 20,
                ManagementFactory.getGarbageCollectorMXBeans().get(0).getName());
        // Warm up: class loading, JIT, lambda forms — whatever one-time heap the first tasks create.
        for (String mode : MODES) measure(mode, 10_000, false, false);

        System.out.printf("%-7s %10s %14s %12s %16s%n", "mode", "tasks", "retained MiB", "bytes/task", "after cancel MiB");
        for (int n : sizes) {
            for (String mode : MODES) {
                measure(mode, n, true, histo && n == sizes.get(0));
            }
        }
    }

    private static void measure(String mode, int n, boolean print, boolean histo) throws Exception {
        Task<?>[] tasks = new Task<?>[n]; // allocated before the baseline
        long[] heap = new long[3];
        String[] histograms = new String[2];
        if (mode.equals("raw")) {
            measureRaw(n, heap, histograms, histo);
        } else if (mode.equals("finished")) {
            try (EventLoop loop = new EventLoop()) {
                loop.runUntilComplete(() -> {
                    heap[0] = usedAfterGc();
                    if (histo) histograms[0] = classHistogram();
                    for (int i = 0; i < n; i++) tasks[i] = loop.createTask(() -> null);
                    for (Task<?> t : tasks) t.await();
                    heap[1] = usedAfterGc();
                    if (histo) histograms[1] = classHistogram();
                    java.util.Arrays.fill(tasks, null);
                    heap[2] = usedAfterGc();
                });
            }
        } else try (EventLoop loop = new EventLoop()) {
            loop.runUntilComplete(() -> {
                started = 0;
                heap[0] = usedAfterGc();
                if (histo) histograms[0] = classHistogram();
                for (int i = 0; i < n; i++) {
                    tasks[i] = mode.equals("future")
                            ? loop.createTask(() -> {
                                Future<Void> never = loop.createFuture();
                                started++;
                                return never.await();
                            })
                            : loop.createTask(() -> {
                                started++;
                                Asyncio.sleep(Duration.ofHours(1));
                                return null;
                            });
                }
                Asyncio.sleep(Duration.ZERO); // every task runs its first step (FIFO) and suspends
                if (started != n) throw new AssertionError(started + " of " + n + " tasks started");
                heap[1] = usedAfterGc();
                if (histo) histograms[1] = classHistogram();
                for (Task<?> t : tasks) t.cancel();
                for (Task<?> t : tasks) {
                    try {
                        t.await();
                        throw new AssertionError("task not cancelled: " + t);
                    } catch (CancelledError expected) {
                        // as it should be
                    }
                }
                java.util.Arrays.fill(tasks, null);
                heap[2] = usedAfterGc();
            });
        }
        if (print) {
            System.out.printf("%-7s %,10d %14.1f %12.0f %16.1f%n", mode, n, (heap[1] - heap[0]) / 1048576.0,
                    (heap[1] - heap[0]) / (double) n, (heap[2] - heap[0]) / 1048576.0);
        }
        if (histo) printGrowth(histograms[0], histograms[1], n);
    }

    /** The bare mechanism: virtual threads scheduled by a plain run queue, parked. */
    private static void measureRaw(int n, long[] heap, String[] histograms, boolean histo) throws Exception {
        Thread[] threads = new Thread[n];
        ArrayDeque<Runnable> ready = new ArrayDeque<>(n);
        released = false;
        heap[0] = usedAfterGc();
        if (histo) histograms[0] = classHistogram();
        for (int i = 0; i < n; i++) {
            threads[i] = VirtualThreads.newThread(ready::add, "raw", TaskMemory::parkUntilReleased);
            threads[i].start();
        }
        Runnable r;
        while ((r = ready.poll()) != null) r.run(); // each thread runs until it parks
        heap[1] = usedAfterGc();
        if (histo) histograms[1] = classHistogram();
        released = true;
        for (Thread t : threads) LockSupport.unpark(t);
        while ((r = ready.poll()) != null) r.run();
        for (Thread t : threads) {
            if (t.isAlive()) throw new AssertionError("still alive: " + t);
        }
        java.util.Arrays.fill(threads, null);
        heap[2] = usedAfterGc();
    }

    private static void parkUntilReleased() {
        while (!released) LockSupport.park();
    }

    /** Used heap after full collections, once it stops shrinking. */
    static long usedAfterGc() {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            long used = MEMORY.getHeapMemoryUsage().getUsed();
            if (used >= best && i >= 2) return Math.min(best, used);
            best = Math.min(best, used);
        }
        return best;
    }

    static String classHistogram() throws Exception {
        // The same as `jcmd <pid> GC.class_histogram` (which runs a full GC first).
        return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
    }

    /** Classes whose live bytes grew between the two histograms, biggest first, per task. */
    static void printGrowth(String before, String after, int n) {
        java.util.Map<String, long[]> b = parse(before);
        java.util.Map<String, long[]> a = parse(after);
        record Row(String cls, long instances, long bytes) {}
        List<Row> rows = new ArrayList<>();
        for (var e : a.entrySet()) {
            long[] old = b.getOrDefault(e.getKey(), new long[2]);
            long dBytes = e.getValue()[1] - old[1];
            if (dBytes > 0) rows.add(new Row(e.getKey(), e.getValue()[0] - old[0], dBytes));
        }
        rows.sort((x, y) -> Long.compare(y.bytes, x.bytes));
        long total = rows.stream().mapToLong(Row::bytes).sum();
        System.out.printf("  class histogram growth for %,d tasks (per task):%n", n);
        for (Row r : rows.subList(0, Math.min(Integer.getInteger("histoRows", 15), rows.size()))) {
            System.out.printf("  %8.2f instances %8.1f bytes  %s%n", r.instances / (double) n, r.bytes / (double) n, r.cls);
        }
        System.out.printf("  total growth %.1f bytes/task%n", total / (double) n);
    }

    private static java.util.Map<String, long[]> parse(String histogram) {
        java.util.Map<String, long[]> m = new java.util.HashMap<>();
        for (String line : histogram.split("\n")) {
            String[] f = line.trim().split("\\s+");
            // "  1:   123   4567  java.lang.String (java.base@25)"
            if (f.length >= 4 && f[0].endsWith(":")) {
                try {
                    m.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
                } catch (NumberFormatException ignored) {
                    // header or total line
                }
            }
        }
        return m;
    }
}
