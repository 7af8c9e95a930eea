package io.jasyncio;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Objects;

/**
 * A growable set of tasks whose outcomes are collected in the order they finish: Tokio's
 * {@code JoinSet}. Unlike a {@link TaskGroup}, one task failing cancels nothing: every task runs
 * to its own end, and its failure is the caller's to read from the task {@link #joinNext()}
 * hands back.
 *
 * <pre>{@code
 * JoinSet<String> set = new JoinSet<>();
 * for (String url : urls) set.spawn(() -> fetch(url));
 * Task<String> done;
 * while ((done = set.joinNext()) != null) {   // suspends until the next task finishes
 *     if (done.cancelled() || done.exception() != null) log(done);
 *     else use(done.result());
 * }
 * }</pre>
 *
 * <p><b>The empty set.</b> {@link #joinNext()} on a set with no task returns {@code null} at once
 * (Tokio returns {@code None}), so that "join until empty" is the loop above; it is not an error,
 * because the set usually becomes empty exactly as the loop finishes.
 *
 * <p><b>Cancellation.</b> {@link #cancelAll()} only asks (the tasks stay in the set until joined,
 * and come out cancelled); {@link #shutdown()} asks and waits. A task cancelled in
 * {@code joinNext()} takes no task out of the set, and passes a wake-up it was given to the next
 * waiting joiner.
 *
 * <p><b>Loop and threads.</b> Created in a task or callback of a loop and bound to it: spawn,
 * join and cancel on that loop's thread; other threads get an {@link IllegalStateException}.
 *
 * @param <T> the result type of the tasks
 */
public final class JoinSet<T> {
    private final EventLoop loop;
    /** Tasks not done yet, in spawn order (cancelAll() cancels in that order). */
    private final LinkedHashSet<Task<T>> running = new LinkedHashSet<>();
    /** Tasks done and not yet handed out by joinNext(), in completion order. */
    private final ArrayDeque<Task<T>> finished = new ArrayDeque<>();
    /** Futures of tasks blocked in joinNext(), oldest first; a wake-up removes the one it completes. */
    private final ArrayDeque<Future<Void>> joiners = new ArrayDeque<>();

    /**
     * Creates an empty set bound to the running loop.
     *
     * @throws IllegalStateException if no event loop runs in this thread
     */
    public JoinSet() {
        this.loop = Asyncio.getRunningLoop();
    }

    /** Spawns {@code coro} as a new task of the set; see {@link EventLoop#createTask(Coroutine)}. Does not suspend. */
    public Task<T> spawn(Coroutine<T> coro) {
        return spawn(coro, null);
    }

    /**
     * Spawns {@code coro} as a new task of the set, with a name (null for a generated one). Does
     * not suspend (an eager task factory may run the task's first step now).
     *
     * @throws IllegalStateException if called off the set's loop
     */
    public Task<T> spawn(Coroutine<T> coro, String name) {
        Objects.requireNonNull(coro, "coro");
        loop.owner.checkThread("JoinSet.spawn()");
        Task<T> task = loop.createTask(coro, name);
        running.add(task);
        task.addDoneCallback(this::onDone);
        return task;
    }

    /** The number of tasks in the set: running, or done and not yet joined. */
    public int size() {
        return running.size() + finished.size();
    }

    /** Whether the set holds no task. */
    public boolean isEmpty() {
        return size() == 0;
    }

    /**
     * Removes and returns the next task to finish, first waiting while none has; returns
     * {@code null} if the set is empty. The task is done: read its outcome with
     * {@link Task#result()} (which rethrows its failure) or {@link Task#exception()}. Suspending
     * (only when it has to wait).
     *
     * @throws CancelledError        if the calling task is cancelled while waiting; no task
     *                               leaves the set then
     * @throws IllegalStateException if called outside a task of the set's loop
     */
    public Task<T> joinNext() {
        loop.current.requireTask(loop, "JoinSet.joinNext()");
        while (finished.isEmpty()) {
            if (running.isEmpty()) return null;
            Future<Void> joiner = loop.createFuture();
            joiners.add(joiner);
            try {
                joiner.await();
            } catch (Throwable t) {
                joiner.cancel(); // in case it is not done yet
                joiners.remove(joiner);
                if (!finished.isEmpty() && !joiner.cancelled()) wakeUpNext();
                throw t;
            }
        }
        return finished.pollFirst();
    }

    /**
     * Removes and returns a finished task if there is one, without waiting; null otherwise. Does
     * not suspend.
     *
     * @throws IllegalStateException if called off the set's loop
     */
    public Task<T> tryJoinNext() {
        loop.owner.checkThread("JoinSet.tryJoinNext()");
        return finished.pollFirst();
    }

    /**
     * Requests cancellation of every running task of the set; they stay in the set and come out
     * of {@link #joinNext()} when they end. Does not suspend.
     *
     * @throws IllegalStateException if called off the set's loop
     */
    public void cancelAll() {
        loop.owner.checkThread("JoinSet.cancelAll()");
        for (Task<T> t : new ArrayList<>(running)) t.cancel();
    }

    /**
     * Cancels every running task, waits until all have ended, and empties the set. The outcomes
     * are dropped, except that a failure other than a cancellation (a task that ignored or
     * outran the request) is reported to the loop's exception handler rather than lost.
     * Suspending; if the calling task is cancelled meanwhile, it stops waiting and the tasks not
     * yet ended stay in the set.
     *
     * @throws CancelledError        if the calling task is cancelled while waiting
     * @throws IllegalStateException if called outside a task of the set's loop
     */
    public void shutdown() {
        loop.current.requireTask(loop, "JoinSet.shutdown()");
        cancelAll();
        Task<T> t;
        while ((t = joinNext()) != null) {
            Throwable failure = t.cancelled() ? null : t.exception();
            if (failure != null) {
                loop.callExceptionHandler(new ErrorContext("JoinSet.shutdown() dropped the failure of " + t, failure, t, null));
            }
        }
    }

    private void onDone(Future<T> task) {
        Task<T> t = (Task<T>) task;
        running.remove(t);
        finished.add(t);
        wakeUpNext();
    }

    private void wakeUpNext() {
        Future<Void> w;
        while ((w = joiners.pollFirst()) != null) {
            if (!w.done()) {
                w.setResult(null);
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "JoinSet[running=" + running.size() + ", finished=" + finished.size()
                + (joiners.isEmpty() ? "" : ", joiners:" + joiners.size()) + "]";
    }
}
