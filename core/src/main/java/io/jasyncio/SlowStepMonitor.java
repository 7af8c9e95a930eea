package io.jasyncio;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Debug mode's report of slow callbacks and task steps, with the stack of what was slow.
 *
 * <p>When a step ends, its duration is known but its stack is gone: a task has parked at its next
 * suspension point, a callback has returned. So while a step runs, a watchdog thread samples it:
 * the loop publishes the step it starts (a sequence number, its start time and its handle, in
 * volatile fields: debug mode only), and the watchdog, polling every few milliseconds, takes the
 * stack of the task's virtual thread (or of the loop thread, for a callback) once the step has
 * run longer than the threshold. That stack shows the code that was hogging the loop. If the
 * watchdog did not get to it (a threshold shorter than its period), the report falls back to the
 * stack where the task's step ended, and says so.
 *
 * <p>One watchdog thread serves every loop in debug mode; it stops after two seconds without any
 * step in any loop and is restarted by the next one. Monitors are held weakly, so a forgotten loop
 * does not keep the watchdog busy.
 */
final class SlowStepMonitor {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    private static final long MAX_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MIN_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long IDLE_STOP_NANOS = TimeUnit.SECONDS.toNanos(2);

    private static final List<WeakReference<SlowStepMonitor>> MONITORS = new ArrayList<>();
    private static volatile boolean watching;

    private final EventLoop loop;
    /** The step running now (0: none), its start and handle; written by the loop thread. */
    private volatile long stepSeq;
    private volatile long stepStart;
    private volatile Handle stepHandle;
    private long seqCounter;
    /** The watchdog's sample of the step {@code sample.seq}. */
    private volatile Sample sample;
    /** Watchdog-private: the last sequence number it saw, to tell an idle loop. */
    private long seenSeq = -1;

    private record Sample(long seq, long atNanos, StackTraceElement[] stack) {}

    SlowStepMonitor(EventLoop loop) {
        this.loop = loop;
        synchronized (MONITORS) {
            MONITORS.add(new WeakReference<>(this));
        }
    }

    /** Loop thread: a step starts. Returns its start time. */
    long begin(Handle h) {
        long seq = ++seqCounter;
        stepHandle = h;
        long t0 = System.nanoTime();
        stepStart = t0;
        stepSeq = seq;
        if (!watching) startWatchdog();
        return t0;
    }

    /** Loop thread: the step that began at {@code t0} ended; logs it if it was slow. */
    void end(Handle h, long t0, long thresholdNanos) {
        long seq = stepSeq;
        stepSeq = 0;
        stepHandle = null;
        long dt = System.nanoTime() - t0;
        if (dt < thresholdNanos) return;
        StringBuilder msg = new StringBuilder("Executing ").append(h).append(" took ")
                .append(String.format("%.3f", dt / 1e9)).append(" seconds");
        Sample s = sample;
        Task<?> task = h.task();
        if (s != null && s.seq == seq) {
            msg.append("; ").append(String.format("%.3f", (s.atNanos - t0) / 1e9)).append(" s into the step, ")
                    .append(task != null ? "the task" : "the callback").append(" was at:");
            TaskDebug.appendStack(msg, "    ", s.stack, 40);
            String hint = FileIoHint.of(s.stack);
            if (hint != null) msg.append("\n  ").append(hint);
        } else if (task != null && !task.done()) {
            msg.append("; no sample was taken during the step, which ended at:");
            TaskDebug.appendStack(msg, "    ", TaskDebug.taskStack(task), 40);
        }
        if (task != null && task.creationStack != null) {
            msg.append("\n  task created at (most recent call first):");
            TaskDebug.appendStack(msg, "    ", task.creationStack, 20);
        }
        LOG.log(System.Logger.Level.WARNING, msg.toString());
    }

    /** Watchdog thread: samples the running step if it is past the threshold. Returns whether active. */
    private boolean poll(long now) {
        long seq = stepSeq;
        boolean active = seq != seenSeq;
        seenSeq = seq;
        if (seq == 0) return active;
        Handle h = stepHandle;
        long start = stepStart;
        Sample s = sample;
        if (stepSeq != seq || h == null || (s != null && s.seq == seq)) return true;
        if (now - start < loop.getSlowCallbackDuration().toNanos()) return true;
        Task<?> task = h.task();
        Thread target = task != null ? task.thread() : loop.loopThread();
        if (target == null) return true;
        StackTraceElement[] stack = target.getStackTrace();
        long at = System.nanoTime();
        if (stepSeq == seq) sample = new Sample(seq, at, stack);
        return true;
    }

    private long periodNanos() {
        long quarter = loop.getSlowCallbackDuration().toNanos() / 4;
        return Math.max(MIN_PERIOD_NANOS, Math.min(MAX_PERIOD_NANOS, quarter));
    }

    private static synchronized void startWatchdog() {
        if (watching) return;
        watching = true;
        Thread.ofPlatform().daemon().name("jasyncio-slow-step-watchdog").start(SlowStepMonitor::watch);
    }

    private static void watch() {
        long lastActive = System.nanoTime();
        while (true) {
            long period = MAX_PERIOD_NANOS;
            long now = System.nanoTime();
            List<SlowStepMonitor> live = new ArrayList<>();
            synchronized (MONITORS) {
                MONITORS.removeIf(r -> {
                    SlowStepMonitor m = r.get();
                    if (m != null) live.add(m);
                    return m == null;
                });
            }
            for (SlowStepMonitor m : live) {
                if (m.poll(now)) lastActive = now;
                period = Math.min(period, m.periodNanos());
            }
            live.clear();
            if (now - lastActive > IDLE_STOP_NANOS) {
                synchronized (SlowStepMonitor.class) {
                    watching = false;
                }
                return;
            }
            LockSupport.parkNanos(period);
        }
    }
}
