package io.jasyncio.sync;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.util.ArrayDeque;

/**
 * A flag that tasks can wait for: asyncio's {@code Event}. {@link #set()} sets it and wakes every
 * waiting task, {@link #clear()} resets it, {@link #await()} waits until it is set.
 *
 * <pre>{@code
 * Event ready = new Event();
 * Asyncio.createTask(() -> {
 *     ready.await();                 // asyncio: await ready.wait()
 *     System.out.println("go");
 * });
 * ready.set();
 * }</pre>
 *
 * <p>asyncio's {@code wait()} is {@link #await()} here, because {@code Object.wait()} is final
 * in Java (see the name table in the {@linkplain io.jasyncio.sync package documentation});
 * {@code event.wait()} still compiles, and throws {@link IllegalMonitorStateException}.
 *
 * <p>Bound to the loop of its first use (see {@link Lock} on loops and threads); {@link #isSet()}
 * only reads and may be called anywhere.
 */
public final class Event {
    private final LoopBinding binding = new LoopBinding("Event");
    /** Futures of the tasks blocked in await(); each task removes its own on the way out. */
    private final ArrayDeque<Future<Void>> waiters = new ArrayDeque<>();
    private boolean value;

    /** Creates an event whose flag is not set. */
    public Event() {}

    /** Whether the flag is set. Does not suspend, and does not bind the event to a loop. */
    public boolean isSet() {
        return value;
    }

    /**
     * Sets the flag and wakes every task waiting in {@link #await()}; tasks that call
     * {@code await()} afterwards return at once until {@link #clear()}. Does not suspend.
     *
     * @throws IllegalStateException if called off the event's loop
     */
    public void set() {
        binding.check("set()");
        setFlag();
    }

    /**
     * Resets the flag, so that later {@link #await()} calls wait for the next {@link #set()}.
     * Tasks already woken by a {@code set()} still return. Does not suspend.
     *
     * @throws IllegalStateException if called off the event's loop
     */
    public void clear() {
        binding.check("clear()");
        value = false;
    }

    /**
     * Returns at once if the flag is set; otherwise waits until another task or callback calls
     * {@link #set()}. Suspending.
     *
     * @throws CancelledError        if the task is cancelled while waiting
     * @throws IllegalStateException if called outside a task of the event's loop
     */
    public void await() {
        EventLoop loop = binding.checkTask("await()");
        if (value) return;
        Future<Void> fut = loop.createFuture();
        waiters.add(fut);
        try {
            fut.await();
        } finally {
            waiters.remove(fut);
        }
    }

    // For Queue, whose join() is built on an event: it already checked the loop.

    void setFlag() {
        if (value) return;
        value = true;
        for (Future<Void> w : waiters) {
            if (!w.done()) w.setResult(null);
        }
    }

    void clearFlag() {
        value = false;
    }

    @Override
    public String toString() {
        return "Event[" + (value ? "set" : "unset") + (waiters.isEmpty() ? "" : ", waiters:" + waiters.size()) + "]";
    }
}
