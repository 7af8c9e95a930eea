package io.jasyncio;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loop's tasks that are not done yet: asyncio's {@code _all_tasks}, for {@link EventLoop#allTasks},
 * the task dump, the virtual clock and the warnings at close.
 *
 * <p>An intrusive doubly-linked list through {@link Task#prevPending}/{@link Task#nextPending}:
 * linking and unlinking a task allocate nothing, where a set would allocate a node per task and
 * hash on every spawn. Loop thread only (or any single thread while the loop is idle).
 */
final class LoopTasks {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    /** Numbers for "Task-N" names, shared by all loops as asyncio's counter is. */
    private static final AtomicLong TASK_COUNTER = new AtomicLong();

    /** Most recently created pending task; the list runs from here through nextPending. */
    private Task<?> head;
    /**
     * The last number given to a scope (Timeout, TaskGroup, CancelScope) entered on this loop.
     * A task's scopes nest, so among those still active in one task a larger number means a
     * scope further in: how a shield tells the requests from outside it (ADR 0006).
     */
    private long scopes;

    /** Numbers a scope at its entry; see {@link #scopes}. Loop thread only. */
    long nextScope() {
        return ++scopes;
    }

    /** Makes, registers and starts a task; see {@link EventLoop#createTask(Coroutine, String, Context, boolean)}. */
    <T> Task<T> create(EventLoop loop, Coroutine<T> coro, String name, Object context, boolean eager) {
        Task<T> task = new Task<>(loop, coro, name, name != null ? 0 : TASK_COUNTER.incrementAndGet(), context);
        if (loop.getDebug()) task.creationStack = TaskDebug.creationStack();
        link(task);
        if (JfrEvents.AVAILABLE && JfrEvents.recording()) JfrEvents.taskCreated(task);
        if (eager) {
            task.startEagerly();
        } else {
            task.start();
        }
        return task;
    }

    private void link(Task<?> t) {
        t.nextPending = head;
        if (head != null) head.prevPending = t;
        head = t;
    }

    /** Unlinks a task that just finished. */
    void finished(Task<?> t) {
        Task<?> prev = t.prevPending;
        Task<?> next = t.nextPending;
        if (prev != null) prev.nextPending = next;
        else head = next;
        if (next != null) next.prevPending = prev;
        t.prevPending = null;
        t.nextPending = null;
        if (JfrEvents.AVAILABLE && JfrEvents.recording()) JfrEvents.taskCompleted(t);
    }

    List<Task<?>> snapshot() {
        List<Task<?>> list = new ArrayList<>();
        for (Task<?> t = head; t != null; t = t.nextPending) list.add(t);
        return list;
    }

    /** The pending tasks as a set in the list's order, newest first, for {@link EventLoop#allTasks}. */
    Set<Task<?>> asSet() {
        Set<Task<?>> all = Collections.newSetFromMap(new LinkedHashMap<>());
        for (Task<?> t = head; t != null; t = t.nextPending) all.add(t);
        return all;
    }

    /** Pending tasks other than {@code running} parked in a JDK call rather than on the loop. */
    List<Task<?>> blockedOutsideLoop(Task<?> running) {
        List<Task<?>> list = List.of();
        for (Task<?> t = head; t != null; t = t.nextPending) {
            if (t != running && t.blockedOutsideLoop()) {
                if (list.isEmpty()) list = new ArrayList<>();
                list.add(t);
            }
        }
        return list;
    }

    /** At close: the tasks left pending can never run again; say which. */
    void reportLeftPending() {
        for (Task<?> t = head; t != null; t = t.nextPending) {
            LOG.log(System.Logger.Level.WARNING, "Task was destroyed but it is pending: {0}", TaskDebug.describe(t));
        }
    }
}
