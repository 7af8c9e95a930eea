package io.jasyncio;

import java.util.Optional;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * JDK Flight Recorder events of the event loop, category "jasyncio":
 * <ul>
 *   <li>{@code io.jasyncio.TaskCreated}, {@code io.jasyncio.TaskCompleted} — one per task; many,
 *       so disabled even in a recording unless asked for
 *       ({@code jfr configure +io.jasyncio.TaskCreated#enabled=true}, a {@code .jfc} file, or
 *       {@code Recording.enable(...)});</li>
 *   <li>{@code io.jasyncio.SlowStep} — a callback or task step that held the loop thread longer
 *       than the threshold (100 ms by default, like debug mode); enabled in recordings;</li>
 *   <li>{@code io.jasyncio.LoopIteration} — one iteration of the loop (its wait for I/O or
 *       timers included); disabled unless asked for.</li>
 * </ul>
 * Nothing is recorded unless a recording runs: {@code java -XX:StartFlightRecording ...} or
 * {@code jcmd <pid> JFR.start}. When none does, the loop does not call these hooks at all (one
 * volatile read per step, see {@link #recording()});
 * {@code JfrEventsBench} in the bench module measures what is left. The module requires
 * {@code jdk.jfr} only statically: in a runtime image without it (or with
 * {@code -Djasyncio.jfr=false}) {@link #AVAILABLE} is false and the loop never touches these
 * classes.
 */
final class JfrEvents {
    /** Whether jdk.jfr can be used; a constant the JIT folds into the loop's hot paths. */
    static final boolean AVAILABLE = detect();

    private JfrEvents() {}

    private static boolean detect() {
        if ("false".equalsIgnoreCase(System.getProperty("jasyncio.jfr"))) return false;
        Module me = JfrEvents.class.getModule();
        if (me.isNamed()) {
            ModuleLayer layer = me.getLayer() != null ? me.getLayer() : ModuleLayer.boot();
            Optional<Module> jfr = layer.findModule("jdk.jfr");
            return jfr.isPresent() && me.canRead(jfr.get());
        }
        try {
            Class.forName("jdk.jfr.Event", false, JfrEvents.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Whether a recording is running. The loop calls the hooks below only then: run on every
     * callback and task step, they cost 5–8 % of the CPU per request of a 64 KiB echo even with
     * no recording (bench/RESULTS-echo.md), so "disabled" must mean "not called".
     */
    static boolean recording() {
        return Recordings.running;
    }

    /** Follows the recorder's recordings; registering does not start Flight Recorder. */
    private static final class Recordings implements FlightRecorderListener {
        static volatile boolean running;

        static {
            FlightRecorder.addListener(new Recordings());
        }

        @Override
        public void recorderInitialized(FlightRecorder recorder) {
            update(recorder);
        }

        @Override
        public void recordingStateChanged(Recording recording) {
            if (FlightRecorder.isInitialized()) update(FlightRecorder.getFlightRecorder());
        }

        private static void update(FlightRecorder recorder) {
            boolean any = false;
            for (Recording r : recorder.getRecordings()) {
                if (r.getState() == RecordingState.RUNNING) any = true;
            }
            running = any;
        }
    }

    // Callers check AVAILABLE and recording() first: only then are the event classes loaded.
    //
    // Why a committer thread: JDK 25 drops the first event that a carrier thread commits after a
    // virtual thread it carried has committed one. The loop thread is the carrier of its tasks,
    // and tasks commit JDK events of their own whenever a recording enables them (a socket write
    // or a park over its threshold, any event of the application...). Committing on the loop
    // thread therefore lost events at random on a loaded socket server (issue 14: 0 of 4
    // TaskCompleted), and deterministically after a task commits any event (JfrEventsTest).
    // Platform threads that never carry virtual threads are not affected, so every jasyncio event
    // is stamped where it happens (begin/end fix its time, its fields name the task and the loop)
    // and committed by one daemon thread, "jasyncio-jfr". The loop waits for that thread to
    // catch up when it stops running, so that a recording stopped after Asyncio.run() returns
    // holds every event of the run.

    static void taskCreated(Task<?> task) {
        TaskCreated e = new TaskCreated();
        if (!e.shouldCommit()) return;
        e.begin();
        e.end();
        e.task = task.getName();
        e.loop = loopName(task.loop);
        Committer.submit(e);
    }

    static void taskCompleted(Task<?> task) {
        TaskCompleted e = new TaskCompleted();
        if (!e.shouldCommit()) return;
        e.begin();
        e.end();
        e.task = task.getName();
        e.taskThread = task.threadIfMade(); // still set: the task finishes inside its thread
        e.loop = loopName(task.loop);
        // Read without retrieving: at completion nobody has retrieved the exception yet.
        e.outcome = task.cancelled() ? "cancelled" : task.hasUnretrievedException() ? "failed" : "finished";
        Committer.submit(e);
    }

    /**
     * Waits (up to a second) until every event submitted so far is committed; called by the loop
     * when it stops running. Returns at once when no event was ever submitted.
     */
    static void awaitCommitted() {
        // Not Committer.used: reading it would initialize Committer, starting its thread in
        // every program that never records (CleanShutdownTest).
        if (committerStarted) Committer.awaitCommitted(1_000_000_000L);
    }

    /** Set once the committer thread exists, i.e. once an event was submitted. */
    private static volatile boolean committerStarted;

    /** The one thread that commits jasyncio's events (see the comment above taskCreated). */
    private static final class Committer {
        private static final java.util.concurrent.LinkedBlockingQueue<Event> QUEUE = new java.util.concurrent.LinkedBlockingQueue<>();
        private static final java.util.concurrent.atomic.AtomicLong SUBMITTED = new java.util.concurrent.atomic.AtomicLong();
        private static final java.util.concurrent.atomic.AtomicLong COMMITTED = new java.util.concurrent.atomic.AtomicLong();
        static {
            Thread.ofPlatform().daemon().name("jasyncio-jfr").start(Committer::run);
            committerStarted = true;
        }

        static void submit(Event e) {
            SUBMITTED.incrementAndGet();
            QUEUE.add(e);
        }

        private static void run() {
            while (true) {
                Event e;
                try {
                    e = QUEUE.take();
                } catch (InterruptedException ignored) {
                    continue; // nobody but the JVM's end stops this daemon
                }
                try {
                    e.commit();
                } catch (RuntimeException | LinkageError failed) {
                    // an event that cannot be written must not stop the others
                } finally {
                    COMMITTED.incrementAndGet();
                }
            }
        }

        static void awaitCommitted(long maxNanos) {
            long target = SUBMITTED.get();
            long deadline = System.nanoTime() + maxNanos;
            while (COMMITTED.get() < target && System.nanoTime() - deadline < 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(50_000);
            }
        }
    }

    /** Runs {@code h}, recording it if it is slower than the SlowStep threshold. */
    static void step(Handle h) {
        SlowStep e = new SlowStep();
        e.begin();
        try {
            h.invoke();
        } finally {
            e.end();
            if (e.shouldCommit()) {
                Task<?> t = h.task();
                e.task = t != null ? t.getName() : null;
                e.callback = t != null ? null : h.toString();
                e.loop = loopName(h.loop);
                Committer.submit(e);
            }
        }
    }

    static Object iterationBegin() {
        LoopIteration e = new LoopIteration();
        e.begin();
        return e;
    }

    static void iterationEnd(Object event, EventLoop loop) {
        LoopIteration e = (LoopIteration) event;
        e.end();
        if (e.shouldCommit()) {
            e.loop = loopName(loop);
            Committer.submit(e);
        }
    }

    private static String loopName(EventLoop loop) {
        Thread t = loop.owner.thread();
        return t != null ? t.getName() : null;
    }

    @Name("io.jasyncio.TaskCreated")
    @Label("Task Created")
    @Category("jasyncio")
    @Description("A task was created (its first step is scheduled or, for an eager task, runs now)")
    @Enabled(false)
    @StackTrace(false)
    static final class TaskCreated extends Event {
        // No thread field: a task's virtual thread is made at its first step, not here.
        @Label("Task")
        String task;
        @Label("Loop Thread")
        String loop;
    }

    @Name("io.jasyncio.TaskCompleted")
    @Label("Task Completed")
    @Category("jasyncio")
    @Description("A task finished, failed or was cancelled")
    @Enabled(false)
    @StackTrace(false)
    static final class TaskCompleted extends Event {
        @Label("Task Thread")
        @Description("The task's virtual thread")
        Thread taskThread;
        @Label("Task")
        String task;
        @Label("Loop Thread")
        String loop;
        @Label("Outcome")
        @Description("finished, failed or cancelled")
        String outcome;
    }

    @Name("io.jasyncio.SlowStep")
    @Label("Slow Step")
    @Category("jasyncio")
    @Description("A callback or task step held the event loop thread longer than the threshold")
    @Threshold("100 ms")
    @StackTrace(false)
    static final class SlowStep extends Event {
        @Label("Task")
        @Description("The task whose step it was, or null for a callback")
        String task;
        @Label("Callback")
        String callback;
        @Label("Loop Thread")
        String loop;
    }

    @Name("io.jasyncio.LoopIteration")
    @Label("Loop Iteration")
    @Category("jasyncio")
    @Description("One iteration of the event loop: waiting for I/O or timers, then running what is ready")
    @Enabled(false)
    @StackTrace(false)
    static final class LoopIteration extends Event {
        @Label("Loop Thread")
        String loop;
    }
}
