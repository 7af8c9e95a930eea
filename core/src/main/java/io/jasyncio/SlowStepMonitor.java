package io.jasyncio;

import java.lang.ref.WeakReference;
import java.time.Duration;
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
 * <p>A step that does not end is reported while it runs: when it passes the threshold, the
 * watchdog logs "... is still running after ... seconds" with the stack it sampled, and again each
 * time the step's age doubles (at most a minute apart), so a step stuck forever keeps being
 * reported. When the stack shows a JDK call that blocks the loop's thread rather than the task
 * (file or pipe I/O, DNS; see {@link LoopBlockingCalls}), the reports name it and what to use
 * instead.
 *
 * <p>One watchdog thread serves every loop in debug mode; it stops after two seconds without any
 * step in any loop, or when the last loop it watches closes (then the close joins it, so no thread
 * of ours outlives {@code Asyncio.run}), and is restarted by the next step. Monitors are held
 * weakly, so a forgotten loop does not keep the watchdog busy.
 */
final class SlowStepMonitor {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    private static final long MAX_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MIN_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long IDLE_STOP_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** The longest gap between two reports of one step that is still running. */
    private static final long MAX_REPORT_GAP_NANOS = TimeUnit.MINUTES.toNanos(1);

    private static final List<WeakReference<SlowStepMonitor>> MONITORS = new ArrayList<>();
    private static volatile boolean watching;
    /** The watchdog thread while {@link #watching}; guarded by the class lock. */
    private static Thread watchdog;

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
    /** Watchdog-private: the step reported while running, how often, and the age of the next report. */
    private long reportedSeq;
    private int reportCount;
    private long nextReportAge;

    private record Sample(long seq, long atNanos, StackTraceElement[] stack) {}

    SlowStepMonitor(EventLoop loop) {
        this.loop = loop;
        synchronized (MONITORS) {
            MONITORS.add(new WeakReference<>(this));
        }
        io.jasyncio.internal.LoopAccess.get().addCloseHook(loop, this::loopClosed);
    }

    /** Close hook: stop watching this loop; if it was the last one, stop the watchdog and join it. */
    private void loopClosed() {
        boolean last;
        synchronized (MONITORS) {
            MONITORS.removeIf(r -> r.get() == null || r.get() == this);
            last = MONITORS.isEmpty();
        }
        if (!last) return;
        Thread t;
        synchronized (SlowStepMonitor.class) {
            t = watchdog;
        }
        if (t == null || t == Thread.currentThread()) return;
        LockSupport.unpark(t);
        try {
            // It notices the empty list within one period; bounded in case it is stuck in a log handler.
            t.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    /** Whether the watchdog has sampled the step running now. For tests that hog the loop until it has. */
    boolean sampledRunningStep() {
        long seq = stepSeq;
        Sample s = sample;
        return seq != 0 && s != null && s.seq == seq;
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
            String blocking = LoopBlockingCalls.describe(s.stack);
            if (blocking != null) msg.append("\n  blocked in ").append(blocking).append(" (stack below)");
            TaskDebug.appendStack(msg, "    ", s.stack, 40);
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

    /** Watchdog thread: reports a step that is still running, with where it is now. */
    private void reportRunning(Handle h, long age, StackTraceElement[] stack) {
        Task<?> task = h.task();
        StringBuilder msg = new StringBuilder("Executing ").append(h).append(" is still running after ")
                .append(String.format("%.3f", age / 1e9)).append(" seconds, blocking the event loop; ")
                .append(task != null ? "the task" : "the callback").append(" is at:");
        String blocking = LoopBlockingCalls.describe(stack);
        if (blocking != null) msg.append("\n  blocked in ").append(blocking).append(" (stack below)");
        TaskDebug.appendStack(msg, "    ", stack, 40);
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
        if (stepSeq != seq || h == null) return true;
        long threshold = loop.getSlowCallbackDuration().toNanos();
        long age = now - start;
        if (age < threshold) return true;
        if (reportedSeq != seq) {
            reportedSeq = seq;
            reportCount = 0;
            nextReportAge = Math.max(threshold, MIN_PERIOD_NANOS);
        }
        Sample s = sample;
        boolean needSample = s == null || s.seq != seq;
        boolean needReport = age >= nextReportAge;
        if (!needSample && !needReport) return true;
        Task<?> task = h.task();
        // Never task.thread(): from this thread that could make a second virtual thread for a task
        // whose first step (on the loop thread) is still making its own. Not made yet: the step
        // runs on the loop thread itself.
        Thread made = task != null ? task.threadIfMade() : null;
        Thread target = made != null ? made : loop.owner.thread();
        if (target == null) return true;
        StackTraceElement[] stack = target.getStackTrace();
        long at = System.nanoTime();
        if (stepSeq != seq) return true; // the step ended meanwhile: the stack is of something else
        if (needSample) sample = new Sample(seq, at, stack);
        if (needReport) {
            reportCount++;
            // Again when its age doubles, at most a minute apart: a stuck step keeps being reported.
            // (from the age now: a watchdog that fell behind does not report several times in a row).
            long reportedAge = at - start;
            while (nextReportAge <= reportedAge) nextReportAge += Math.min(nextReportAge, MAX_REPORT_GAP_NANOS);
            reportRunning(h, reportedAge, stack);
        }
        return true;
    }

    private static boolean anyMonitor() {
        synchronized (MONITORS) {
            return !MONITORS.isEmpty();
        }
    }

    private long periodNanos() {
        long quarter = loop.getSlowCallbackDuration().toNanos() / 4;
        return Math.max(MIN_PERIOD_NANOS, Math.min(MAX_PERIOD_NANOS, quarter));
    }

    private static synchronized void startWatchdog() {
        if (watching) return;
        watching = true;
        watchdog = Thread.ofPlatform().daemon().name("jasyncio-slow-step-watchdog").start(SlowStepMonitor::watch);
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
            boolean none = live.isEmpty();
            live.clear();
            if (none || now - lastActive > IDLE_STOP_NANOS) {
                synchronized (SlowStepMonitor.class) {
                    // A step may have started meanwhile (begin() saw watching == true): keep going.
                    if (!none || !anyMonitor()) {
                        watching = false;
                        watchdog = null;
                        return;
                    }
                }
            }
            LockSupport.parkNanos(period);
        }
    }
}
