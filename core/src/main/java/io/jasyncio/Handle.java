package io.jasyncio;

import io.jasyncio.internal.ContextMap;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

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
     * The callback; {@link #CANCELLED} once cancelled, so a cancelled handle holds on to nothing
     * and needs no flag of its own (24 bytes per handle, not 32). Written and read plainly on the
     * loop thread; {@link #cancel()} and {@link #cancelled()} go through {@link #CALLBACK} with
     * volatile semantics, since {@code cancelled()} may be read from any thread. A task's step
     * (Task.Step, which runs itself and is never cancelled) keeps its virtual thread's
     * continuation here instead.
     */
    Runnable callback;
    /** A {@link Context} to run in, or the {@link ContextMap} snapshot taken when scheduled. */
    final Object context;

    private static final Runnable CANCELLED = new Cancelled();
    private static final VarHandle CALLBACK;

    static {
        try {
            CALLBACK = MethodHandles.lookup().findVarHandle(Handle.class, "callback", Runnable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What a cancelled handle's callback is; never run. */
    private static final class Cancelled implements Runnable {
        @Override
        public void run() {
        }
    }

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
        if (CALLBACK.getVolatile(this) != CANCELLED) {
            loop.owner.checkThread("Handle.cancel()");
            CALLBACK.setVolatile(this, CANCELLED);
        }
    }

    /** Whether {@link #cancel()} was called. */
    public boolean cancelled() {
        return CALLBACK.getVolatile(this) == CANCELLED;
    }

    /** The task whose step this handle is, or null for a callback (debug reports). */
    Task<?> task() {
        return null;
    }

    /** Runs on the loop thread when the handle reaches the front of the ready queue. */
    void invoke() {
        Runnable cb = callback;
        if (cb == CANCELLED || cb == null) return;
        loop.current.runCallback(loop, this, cb);
    }

    @Override
    public String toString() {
        Runnable cb = callback;
        return getClass().getSimpleName() + "[" + (cb == CANCELLED ? "cancelled" : Callbacks.describe(cb)) + "]";
    }
}
