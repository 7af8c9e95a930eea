package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Does a loop whose default executor is running cost CPU while idle? After 1,000
 * {@code toThread} hops (so that the executor's workers exist and the spins are on), the task
 * sleeps 5 s; prints the CPU time the loop thread and the executor threads used meanwhile, and
 * the whole process's.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp bench/target/benchmarks.jar io.jasyncio.bench.HopIdleCpu
 * </pre>
 */
public final class HopIdleCpu {
    public static void main(String[] args) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Thread loopThread = Thread.currentThread();
        Asyncio.run(() -> {
            for (int i = 0; i < 1_000; i++) Asyncio.toThread(() -> null);
            List<Thread> ours = new ArrayList<>(List.of(loopThread));
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("jasyncio-executor-")) ours.add(t);
            }
            long threads0 = 0, threads1 = 0;
            for (Thread t : ours) threads0 += Math.max(0, mx.getThreadCpuTime(t.threadId()));
            long process0 = os.getProcessCpuTime();
            Asyncio.sleep(Duration.ofSeconds(5));
            long process1 = os.getProcessCpuTime();
            for (Thread t : ours) threads1 += Math.max(0, mx.getThreadCpuTime(t.threadId()));
            System.out.printf("idle 5 s: loop + %d executor threads used %.2f ms CPU; whole process %.2f ms; loadavg %s%n",
                    ours.size() - 1, (threads1 - threads0) / 1e6, (process1 - process0) / 1e6, FilesBench.loadavg());
        });
    }
}
