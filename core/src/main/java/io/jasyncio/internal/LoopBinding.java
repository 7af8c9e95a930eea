package io.jasyncio.internal;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Ties a primitive (of {@code io.jasyncio.sync}, {@code io.jasyncio.channel}, ...) to one event loop, as asyncio's {@code _LoopBoundMixin} does: the first
 * operation binds it to the loop running in the calling thread, and every later operation must
 * come from that loop.
 *
 * <p>asyncio binds only when a waiter future is first needed, because in one Python thread an
 * unbound primitive cannot be raced. Here the loops of other threads really run in parallel, and
 * a lock taken on its fast path by two loops at once would silently stop excluding anything; so
 * every operation that reads or changes a primitive's state checks (and on first use binds). Only
 * the plain queries ({@code locked()}, {@code qsize()}, ...) skip the check.
 */
public final class LoopBinding {
    private static final VarHandle BOUND;

    static {
        try {
            BOUND = MethodHandles.lookup().findVarHandle(LoopBinding.class, "bound", Bound.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A loop and the name of its thread when the primitive was bound to it (for messages). */
    private record Bound(EventLoop loop, String threadName) {}

    /** What the primitive is called in messages, e.g. "Lock". */
    private final String kind;
    /**
     * Set once, with a CAS because two loops may race to bind an unbound primitive. This is the
     * only state of a primitive that other threads may touch; the rest belongs to the loop.
     */
    private volatile Bound bound;

    /** @param kind what the primitive is called in messages, e.g. "Lock" or "Channel" */
    public LoopBinding(String kind) {
        this.kind = kind;
    }

    /**
     * The bound loop, binding it now if needed; for operations that do not suspend (allowed in a
     * task or a callback of the loop). {@code method} names the operation in messages, e.g.
     * "release()"; it is a constant so that the check allocates nothing.
     *
     * @throws IllegalStateException naming the operation and whether the caller has no loop or
     *                               another loop than the one the primitive is bound to
     */
    public EventLoop check(String method) {
        EventLoop running;
        try {
            running = Asyncio.getRunningLoop();
        } catch (IllegalStateException noLoop) {
            throw noLoop(method, noLoop);
        }
        Bound b = bound;
        if (b == null) {
            Bound mine = new Bound(running, VirtualThreads.currentCarrier().getName());
            if (BOUND.compareAndSet(this, (Bound) null, mine)) return running;
            b = bound; // another loop bound it first
        }
        if (b.loop == running) return running;
        throw new IllegalStateException(kind + "." + method + " was called on the event loop running in thread '"
                + VirtualThreads.currentCarrier().getName() + "', but this " + kind
                + " is bound to another event loop (first used in thread '" + b.threadName + "'). A " + kind
                + " belongs to one loop: create one per loop, or hand the call to its loop with loop.callSoonThreadsafe()");
    }

    /**
     * Like {@link #check}, for operations that suspend: they need a task, not a callback. Checked
     * up front so that such a call fails the same way whether or not it would have had to wait.
     */
    public EventLoop checkTask(String method) {
        EventLoop running = check(method);
        if (running.currentTask() == null) {
            throw new IllegalStateException(kind + "." + method + " suspends, so it can only be called inside a task, not in a "
                    + "callback: run the code in a task (Asyncio.createTask())");
        }
        return running;
    }

    private IllegalStateException noLoop(String method, IllegalStateException cause) {
        String operation = kind + "." + method;
        String here = Thread.currentThread().getName();
        Bound b = bound;
        if (b != null) {
            return new IllegalStateException(operation + " was called from thread '" + here
                    + "', where no event loop runs, but this " + kind + " is bound to the event loop of thread '"
                    + b.threadName + "'. It is not thread-safe: call it from a task or callback of that loop "
                    + "(from other threads, with loop.callSoonThreadsafe())", cause);
        }
        return new IllegalStateException(operation + " was called from thread '" + here
                + "', where no event loop runs: use a " + kind
                + " from a task or callback of a running loop (start the code with Asyncio.run())", cause);
    }

    @Override
    public String toString() {
        Bound b = bound;
        return b == null ? "unbound" : "bound to the loop of thread '" + b.threadName + "'";
    }
}
