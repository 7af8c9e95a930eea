package io.jasyncio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A snapshot of a loop's pending tasks as a tree — which task awaits which, and where each one
 * waits — like asyncio 3.14's {@code python -m asyncio pstree}. {@link #toString()} prints it.
 *
 * <pre>{@code
 * System.out.println(TaskDump.of(loop));        // from any thread
 * System.out.println(Asyncio.dumpTasks());      // inside a task: the running loop
 * System.out.println(TaskDump.allRunningLoops()); // every loop in the process
 * }</pre>
 *
 * <p>Example output (tasks created in debug mode also show where they were created):
 * <pre>
 * event loop on thread 'main' (debug: false, time 12.000 s), 3 pending tasks
 * └── Task-1 [suspended] awaiting _GatheringFuture
 *     at io.jasyncio.Future.await(Future.java:205)
 *     at demo.Main.lambda$main$0(Main.java:12)
 *     ├── fetch-a [suspended] awaiting Future[pending]
 *     │   at ...
 *     └── fetch-b [blocked in a JDK call: WAITING]
 *         at java.net.Socket...
 * </pre>
 * A task is a child of the task that awaits it directly, or through a {@link Asyncio#gather}
 * future. Each task's stack is its virtual thread's {@link Thread#getStackTrace()}: the same
 * threads, under the same names, appear in {@code jcmd <pid> Thread.dump_to_file -format=json}.
 * The {@code io.jasyncio:type=Tasks} MBean ({@link TasksMXBean}) prints this dump for every
 * running loop from JConsole, {@code jmxterm} or any JMX client.
 *
 * <p>Thread-safe: {@link #of(EventLoop)} takes the snapshot on the loop thread (it schedules a
 * callback and waits up to two seconds for it). If the loop thread is busy longer — the usual
 * reason one asks for a dump — the snapshot is read without its cooperation and says so, together
 * with the stack of the loop thread, which shows what keeps it busy. Does not suspend.
 */
public final class TaskDump {
    /** How long {@link #of} waits for the loop thread before reading without it; tests shorten it. */
    static volatile long cooperationWaitMillis = 2000;
    private static final int MAX_FRAMES = 24;

    /**
     * One pending task.
     *
     * @param name      the task's name (also its virtual thread's name)
     * @param state     "running", "suspended", "ready", or "blocked in a JDK call: WAITING"...
     * @param awaiting  what it awaits in a jasyncio suspension point, or null
     * @param children  the tasks it awaits (directly or through a gather), by index in {@link #tasks()}
     * @param stack     its virtual thread's stack, JDK parking frames removed
     * @param createdAt where it was created (debug mode), else empty
     */
    public record TaskInfo(String name, String state, String awaiting, List<Integer> children,
                           List<StackTraceElement> stack, List<StackTraceElement> createdAt) {}

    private final String loopName;
    private final String header;
    private final List<TaskInfo> tasks;
    private final String note;

    private TaskDump(String loopName, String header, List<TaskInfo> tasks, String note) {
        this.loopName = loopName;
        this.header = header;
        this.tasks = List.copyOf(tasks);
        this.note = note;
    }

    /** A snapshot of {@code loop}'s pending tasks; callable from any thread. */
    public static TaskDump of(EventLoop loop) {
        if (loop == null) throw new NullPointerException("loop");
        if (loop.owner.isOwnerThread() || loop.isClosed()) return capture(loop, null);
        CompletableFuture<TaskDump> cf = new CompletableFuture<>();
        if (ThreadBridge.callSoonIfOpen(loop, () -> cf.complete(capture(loop, null)))) {
            try {
                return cf.get(cooperationWaitMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                // the loop is busy (or the capture failed there): read without its cooperation
            }
        }
        StringBuilder why = new StringBuilder("the loop thread did not respond within " + cooperationWaitMillis
                + " ms: this snapshot was read without its cooperation and may be inconsistent");
        Thread t = loop.owner.thread();
        if (t != null) {
            why.append("\nloop thread '").append(t.getName()).append("' is ").append(t.getState()).append(" at:");
            TaskDebug.appendStack(why, "    ", t.getStackTrace(), MAX_FRAMES);
        }
        try {
            return capture(loop, why.toString());
        } catch (RuntimeException raced) {
            return new TaskDump(loopName(loop), header(loop, 0), List.of(), why + "\n(tasks could not be read: " + raced + ")");
        }
    }

    /** Snapshots of every loop running in this process, in no particular order. */
    public static List<TaskDump> allRunningLoops() {
        List<TaskDump> all = new ArrayList<>();
        for (EventLoop loop : RunningLoops.all()) all.add(of(loop));
        return all;
    }

    /** The pending tasks, roots first in creation order, then depth-first. */
    public List<TaskInfo> tasks() {
        return tasks;
    }

    /** The name of the loop's thread when the snapshot was taken ("not running" if none). */
    public String loopName() {
        return loopName;
    }

    /** The tree, as in the class comment. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(header);
        if (note != null) sb.append('\n').append(note);
        boolean[] isChild = new boolean[tasks.size()];
        for (TaskInfo t : tasks) for (int c : t.children()) isChild[c] = true;
        boolean[] printed = new boolean[tasks.size()];
        List<Integer> roots = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) if (!isChild[i]) roots.add(i);
        // Tasks only reachable through a cycle of awaits (a bug in the program) still get printed.
        for (int i = 0; i < tasks.size(); i++) if (isChild[i] && !reachable(i, roots)) roots.add(i);
        for (int r = 0; r < roots.size(); r++) print(sb, roots.get(r), "", r == roots.size() - 1, printed);
        return sb.toString();
    }

    private boolean reachable(int target, List<Integer> from) {
        boolean[] seen = new boolean[tasks.size()];
        ArrayList<Integer> stack = new ArrayList<>(from);
        while (!stack.isEmpty()) {
            int i = stack.removeLast();
            if (i == target) return true;
            if (seen[i]) continue;
            seen[i] = true;
            stack.addAll(tasks.get(i).children());
        }
        return false;
    }

    private void print(StringBuilder sb, int i, String indent, boolean last, boolean[] printed) {
        TaskInfo t = tasks.get(i);
        sb.append('\n').append(indent).append(last ? "└── " : "├── ").append(t.name()).append(" [").append(t.state()).append(']');
        if (t.awaiting() != null) sb.append(" awaiting ").append(t.awaiting());
        String inner = indent + (last ? "    " : "│   ");
        if (printed[i]) {
            sb.append(" (shown above)");
            return;
        }
        printed[i] = true;
        String frameIndent = inner + (t.children().isEmpty() ? "" : "│ ");
        TaskDebug.appendStack(sb, frameIndent, t.stack().toArray(StackTraceElement[]::new), MAX_FRAMES);
        if (!t.createdAt().isEmpty()) {
            sb.append('\n').append(frameIndent).append("created at ").append(t.createdAt().getFirst());
        }
        List<Integer> children = t.children();
        for (int c = 0; c < children.size(); c++) print(sb, children.get(c), inner, c == children.size() - 1, printed);
    }

    // ---- capture ----

    private static TaskDump capture(EventLoop loop, String note) {
        List<Task<?>> pending = loop.tasks.snapshot();
        java.util.Collections.reverse(pending); // the loop links newest first
        Map<Task<?>, Integer> index = new IdentityHashMap<>();
        for (Task<?> t : pending) index.put(t, index.size());
        Task<?> current = loop.currentTask();
        List<TaskInfo> infos = new ArrayList<>();
        for (Task<?> t : pending) {
            Future<?> w = t.waitingOn();
            List<Integer> children = new ArrayList<>();
            Set<Task<?>> seen = java.util.Collections.newSetFromMap(new LinkedHashMap<>());
            collectAwaited(w, index, children, seen, 0);
            infos.add(new TaskInfo(t.getName(), state(t, current), w == null ? null : describe(w), List.copyOf(children),
                    Arrays.asList(TaskDebug.taskStack(t)),
                    t.creationStack == null ? List.of() : Arrays.asList(t.creationStack)));
        }
        return new TaskDump(loopName(loop), header(loop, pending.size()), infos, note);
    }

    private static void collectAwaited(Future<?> f, Map<Task<?>, Integer> index, List<Integer> out, Set<Task<?>> seen, int depth) {
        if (f == null || depth > 8) return;
        if (f instanceof Task<?> t) {
            Integer i = index.get(t);
            if (i != null && seen.add(t)) out.add(i);
        } else if (f instanceof GatheringFuture<?> g) {
            for (Future<?> child : g.children()) collectAwaited(child, index, out, seen, depth + 1);
        }
    }

    private static String state(Task<?> t, Task<?> current) {
        if (t == current) return "running";
        if (t.suspendedInLoop()) return "suspended";
        if (t.blockedOutsideLoop()) return "blocked in a JDK call: " + t.thread().getState();
        return "ready";
    }

    private static String describe(Future<?> f) {
        if (f instanceof Task<?> t) return "task " + t.getName();
        if (f instanceof GatheringFuture<?> g) return "gather of " + g.children().size();
        return f.toString();
    }

    private static String loopName(EventLoop loop) {
        Thread t = loop.owner.thread();
        return t == null ? "not running" : t.getName();
    }

    private static String header(EventLoop loop, int count) {
        Thread t = loop.owner.thread();
        return "event loop " + (t == null ? "(not running)" : "on thread '" + t.getName() + "'")
                + " (debug: " + loop.getDebug() + ", time " + String.format("%.3f", loop.time()) + " s"
                + (loop.getVirtualClock() != null ? " virtual" : "") + "), " + count + " pending task" + (count == 1 ? "" : "s");
    }
}
