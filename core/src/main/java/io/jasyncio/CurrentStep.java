package io.jasyncio;

import io.jasyncio.internal.ContextMap;

/**
 * What a loop thread is running right now — a task's step or a callback — and the
 * {@link Context} it runs in: asyncio's {@code current_task()} and the context a callback was
 * scheduled with. Everything that captures or reads "the current context" (callSoon, createTask,
 * {@link ContextVar}) asks here.
 *
 * <p>Hot path: every callback and task step enters through {@link #runCallback} or
 * {@link #runTaskStep}. A callback's context is one {@link Context} object reused, its map swapped
 * per callback, so running a callback allocates nothing. Loop thread only.
 */
final class CurrentStep {
    /** The task whose continuation the loop thread is running, or null in a callback. */
    private Task<?> task;
    /**
     * The virtual thread of {@link #task} while its step runs, else null: how "am I on this
     * loop?" is answered without asking the JDK for the carrier (see EventLoop#onLoop). Written
     * only by the loop thread. Another thread may read a stale value, but it can only be the
     * thread of one of this loop's tasks, and such a thread runs nowhere but on this loop: a
     * caller that finds itself here is on the loop.
     */
    private Thread taskThread;
    /** The context of the running callback: one object reused, its map set per callback. */
    private final Context callbackContext = new Context();
    private Context callback = callbackContext;

    /** The virtual thread of the task whose step runs now, or null (see {@link #taskThread}). */
    Thread taskThread() {
        return taskThread;
    }

    /** The running task, whatever thread asks (the loop's own checks compare threads). */
    Task<?> task() {
        return task;
    }

    /** The running task of {@code loop}, which must be the calling thread; else says where the caller is. */
    Task<?> requireTask(EventLoop loop, String what) {
        Task<?> t = task;
        if (t != null && t.thread() == Thread.currentThread()) return t;
        throw RunningLoops.notInTaskOf(loop, what);
    }

    Context context() {
        Task<?> t = task;
        return t != null ? t.context() : callback;
    }

    /** The contents of the current context: what callbacks and new tasks capture. */
    ContextMap contextMap() {
        Task<?> t = task;
        return t != null ? t.contextMap() : callback.map;
    }

    void setContext(Context context) {
        Task<?> t = task;
        if (t != null) t.setContext(context);
        else callback = context;
    }

    /** Runs a callback in its context and sends what it throws to the exception handler. */
    void runCallback(EventLoop loop, Handle h, Runnable cb) {
        Object ctx = h.context;
        Context saved = callback;
        if (ctx instanceof ContextMap snapshot) {
            callbackContext.map = snapshot;
            callback = callbackContext;
        } else if (ctx instanceof Context explicit) {
            callback = explicit;
        }
        try {
            cb.run();
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError vme) throw vme;
            loop.callExceptionHandler(new ErrorContext("Exception in callback " + h, t, null, h));
        } finally {
            callback = saved;
        }
    }

    /** Runs one step of {@code t}: its continuation, until it suspends or finishes. */
    void runTaskStep(Task<?> t, Runnable continuation) {
        Task<?> saved = task;
        Thread savedThread = taskThread;
        task = t;
        taskThread = t.threadIfMade();
        try {
            continuation.run();
        } finally {
            task = saved;
            taskThread = savedThread;
        }
    }
}
