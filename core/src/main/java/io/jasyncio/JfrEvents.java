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
    // Events are committed by the loop thread only. JDK 25 drops the first event a carrier thread
    // commits after a virtual thread it carried has committed one (seen here: a SlowStep right
    // after a TaskCreated from inside a task was lost every time). So the task events, which
    // happen inside tasks, are stamped there (begin/end fix their time) and committed by the loop
    // thread after the step: at the end of the step or of the iteration.

    static void taskCreated(Task<?> task) {
        TaskCreated e = new TaskCreated();
        if (!e.shouldCommit()) return;
        e.begin();
        e.end();
        e.task = task.getName();
        e.loop = loopName(task.loop);
        commitOnLoop(task.loop, e);
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
        commitOnLoop(task.loop, e);
    }

    private static void commitOnLoop(EventLoop loop, Event e) {
        if (!Thread.currentThread().isVirtual()) {
            e.commit();
            return;
        }
        if (loop.jfrDeferred == null) loop.jfrDeferred = new java.util.ArrayList<>();
        loop.jfrDeferred.add(e);
    }

    /** Loop thread: commits the events that tasks made during the last step(s). */
    private static void flush(EventLoop loop) {
        java.util.ArrayList<Object> deferred = loop.jfrDeferred;
        if (deferred == null || deferred.isEmpty()) return;
        for (Object e : deferred) ((Event) e).commit();
        deferred.clear();
    }

    /** Runs {@code h}, recording it if it is slower than the SlowStep threshold. */
    static void step(Handle h) {
        SlowStep e = new SlowStep();
        e.begin();
        try {
            h.invoke();
        } finally {
            e.end();
            flush(h.loop);
            if (e.shouldCommit()) {
                Task<?> t = h.task();
                e.task = t != null ? t.getName() : null;
                e.callback = t != null ? null : h.toString();
                e.loop = loopName(h.loop);
                e.commit();
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
        flush(loop); // steps run in debug mode (runTimed) do not flush
        if (e.shouldCommit()) {
            e.loop = loopName(loop);
            e.commit();
        }
    }

    private static String loopName(EventLoop loop) {
        Thread t = loop.loopThread();
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
