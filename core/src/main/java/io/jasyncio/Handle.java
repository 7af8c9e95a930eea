package io.jasyncio;

import io.jasyncio.internal.ContextMap;

/**
 * A callback scheduled on an {@link EventLoop}, returned by {@link EventLoop#callSoon} and
 * {@link EventLoop#callSoonThreadsafe}; {@link #cancel()} keeps it from running.
 *
 * <pre>{@code
 * Handle h = loop.callSoon(() -> System.out.println("tick"));
 * h.cancel(); // never prints
 * }</pre>
 *
 * <p><b>Threads.</b> One rule for every handle, {@link TimerHandle} included, as for every
 * object bound to a loop: call {@link #cancel()} on the loop's thread or in one of its tasks
 * (or before the loop runs). From another thread it fails with an
 * {@link IllegalStateException}; cancel through the loop instead:
 * {@code loop.callSoonThreadsafe(h::cancel)}. {@link #cancelled()} may be read from any thread.
 */
public class Handle {
    final EventLoop loop;
    /**
     * The callback; null once cancelled, so a cancelled handle holds on to nothing. A task's step
     * (Task.Step, which runs itself) keeps its virtual thread's continuation here instead.
     */
    Runnable callback;
    /** A {@link Context} to run in, or the {@link ContextMap} snapshot taken when scheduled. */
    final Object context;
    private volatile boolean cancelled;

    Handle(EventLoop loop, Runnable callback, Object context) {
        this.loop = loop;
        this.callback = callback;
        this.context = context;
    }

    /**
     * For a subclass that is its own callback (it implements {@link Runnable}): one object per
     * scheduled call instead of a handle plus a capturing lambda.
     */
    Handle(EventLoop loop, Object context) {
        this.loop = loop;
        this.callback = (Runnable) this;
        this.context = context;
    }

    /**
     * Keeps the callback from running if it has not run yet; idempotent. Does not suspend.
     *
     * @throws IllegalStateException if called from another thread than the loop's while it
     *                               runs (use {@code loop.callSoonThreadsafe(h::cancel)})
     */
    public void cancel() {
        if (!cancelled) {
            loop.owner.checkThread("Handle.cancel()");
            cancelled = true;
            callback = null;
        }
    }

    /** Whether {@link #cancel()} was called. */
    public boolean cancelled() {
        return cancelled;
    }

    /** The task whose step this handle is, or null for a callback (debug reports). */
    Task<?> task() {
        return null;
    }

    /** Runs on the loop thread when the handle reaches the front of the ready queue. */
    void invoke() {
        Runnable cb = callback;
        if (cancelled || cb == null) return;
        loop.current.runCallback(loop, this, cb);
    }

    @Override
    public String toString() {
        Runnable cb = callback;
        return getClass().getSimpleName() + "[" + (cancelled ? "cancelled" : Callbacks.describe(cb)) + "]";
    }
}
