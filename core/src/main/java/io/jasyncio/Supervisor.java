package io.jasyncio;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * A scope whose children fail alone: Kotlin's {@code supervisorScope}. Like a
 * {@link TaskGroup}, the scope does not end before every child has ended, and stops them if the
 * body fails or the parent is cancelled; unlike it, a child's failure cancels neither its
 * siblings nor the body. Each child's outcome stays in its task, for whoever awaits it.
 *
 * <pre>{@code
 * Supervisor.run(sv -> {
 *     for (Connection c : connections) {
 *         sv.createTask(() -> serve(c));   // one connection failing leaves the others alone
 *     }
 * });                                      // returns when all have ended
 * }</pre>
 *
 * <p><b>Failures nobody read.</b> When the scope ends, the failure of each child whose exception
 * nobody retrieved (by {@code await()}, {@code result()} or {@code exception()}) is reported to
 * the loop's exception handler, as Kotlin's supervisor hands it to the
 * {@code CoroutineExceptionHandler}; it is never thrown out of the scope and never lost.
 *
 * <p><b>Body failure and cancellation.</b> If the body throws, or the parent task is cancelled
 * (also while the scope waits for the children), the children still running are cancelled and
 * waited for, then the body's exception or the {@link CancelledError} goes on unchanged (a
 * cancellation that arrives while the scope waits after the body failed carries the body's
 * exception as suppressed).
 *
 * <p>Use it in a task; children may be added from any task of the same loop until the scope
 * has ended.
 */
public final class Supervisor {

    /** The body of {@link #run}: {@code sv -> { sv.createTask(...); ... }}. May suspend. */
    @FunctionalInterface
    public interface Body {
        void run(Supervisor sv) throws Exception;
    }

    /** The body of {@link #call}, which returns a value. May suspend. */
    @FunctionalInterface
    public interface ResultBody<T> {
        T call(Supervisor sv) throws Exception;
    }

    private final EventLoop loop;
    /**
     * Children that failed with an exception nobody had read when they ended, in the order they
     * ended; the end of the scope reports those still unread. Successful children are not kept,
     * so a long-lived supervisor of many short tasks does not grow.
     */
    private final List<Task<?>> failed = new ArrayList<>();
    /** Children not done yet. */
    private final LinkedHashSet<Task<?>> running = new LinkedHashSet<>();
    /** Completed when the last running child ends, while the scope waits for that. */
    private Future<Void> allDone;
    private boolean ended;

    private Supervisor(EventLoop loop) {
        this.loop = loop;
    }

    /**
     * Runs {@code body} in the current task with a new supervisor, then waits for every child.
     * Suspending.
     *
     * @throws Exception             what the body threw, as it is (after the children ended)
     * @throws CancelledError        if the current task was cancelled
     * @throws IllegalStateException if not called inside a task
     */
    public static void run(Body body) throws Exception {
        Objects.requireNonNull(body, "body");
        call(sv -> {
            body.run(sv);
            return null;
        });
    }

    /** Like {@link #run}, returning what {@code body} returns once every child has ended. Suspending. */
    public static <T> T call(ResultBody<T> body) throws Exception {
        Objects.requireNonNull(body, "body");
        EventLoop loop = RunningLoops.current();
        if (loop == null || loop.currentTask() == null) {
            throw new IllegalStateException("Supervisor needs a parent task: use it inside a task started by "
                    + "Asyncio.run() or createTask(), not in thread '" + Thread.currentThread().getName() + "'");
        }
        Supervisor sv = new Supervisor(loop);
        T value;
        try {
            value = body.call(sv);
        } catch (Throwable e) {
            sv.cancelRunning();
            try {
                sv.end();
            } catch (CancelledError c) {
                // Cancelled while waiting for the children: the cancellation goes on, and the
                // body's failure rides along rather than vanish.
                c.addSuppressed(e);
                throw c;
            }
            throw e;
        }
        sv.end();
        return value;
    }

    /** Creates a child task running {@code coro}. Does not suspend. */
    public <T> Task<T> createTask(Coroutine<T> coro) {
        return createTask(coro, null);
    }

    /** Creates a child task running {@code body}. Does not suspend. */
    public Task<Void> createTask(AsyncRunnable body) {
        return createTask(Coroutine.of(body), null);
    }

    /**
     * Creates a child task running {@code coro}, with a name (null for a generated one). Does not
     * suspend.
     *
     * @throws IllegalStateException if the scope has ended, or if called off its loop
     */
    public <T> Task<T> createTask(Coroutine<T> coro, String name) {
        Objects.requireNonNull(coro, "coro");
        loop.owner.checkThread("Supervisor.createTask()");
        if (ended) throw new IllegalStateException("Supervisor " + this + " has ended: create tasks inside its body");
        Task<T> task = loop.createTask(coro, name);
        running.add(task);
        task.addDoneCallback(this::onDone);
        return task;
    }

    private void onDone(Future<?> task) {
        running.remove(task);
        if (task.hasUnretrievedException()) failed.add((Task<?>) task);
        if (running.isEmpty() && allDone != null && !allDone.done()) allDone.setResult(null);
    }

    private void cancelRunning() {
        for (Task<?> t : new ArrayList<>(running)) t.cancel();
    }

    /** Waits for the children (cancelling them if the parent is cancelled meanwhile), then reports unread failures. */
    private void end() {
        CancelledError cancelled = null;
        while (!running.isEmpty()) {
            allDone = loop.createFuture();
            try {
                allDone.await();
            } catch (CancelledError e) {
                // Keep waiting: the children must end before the scope does; then go on cancelled.
                if (cancelled == null) cancelled = e;
                cancelRunning();
            }
        }
        allDone = null;
        ended = true;
        for (Task<?> t : failed) {
            if (t.hasUnretrievedException()) {
                loop.callExceptionHandler(new ErrorContext("Supervisor child " + t.getName()
                        + " failed and nobody retrieved its exception", t.exception(), t, null));
            }
        }
        if (cancelled != null) throw cancelled;
    }

    @Override
    public String toString() {
        return "Supervisor[running=" + running.size() + (ended ? ", ended" : "") + "]";
    }
}
