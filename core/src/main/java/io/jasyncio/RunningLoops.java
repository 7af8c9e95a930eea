package io.jasyncio;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which loop runs in which platform thread: asyncio's {@code _get_running_loop()}. A task's
 * virtual thread finds its loop through its carrier, which is the loop thread.
 *
 * <p>Lookups are frequent ({@link Asyncio#sleep}, {@link Asyncio#getRunningLoop}, contexts) and
 * nearly always come from the loop that ran last, so a plain field caches it in front of the map.
 * The cache may be stale or raced; it is trusted only when the caller is on that loop (its thread
 * or its running task's thread, see EventLoop#isLoopThread), which holds only while the loop runs
 * there. Only a miss asks the JDK for the carrier thread.
 */
final class RunningLoops {
    private static final ConcurrentHashMap<Thread, EventLoop> RUNNING = new ConcurrentHashMap<>();
    /** The loop {@link #current} found last (see the class comment). */
    private static EventLoop lastRunning;

    private RunningLoops() {}

    /** The loop running in (or carrying) the current thread, or null. */
    static EventLoop current() {
        EventLoop last = lastRunning;
        if (last != null && last.owner.isLoopThread()) return last;
        // Slow path (another loop ran last, or none runs here): find the loop by the carrier.
        Thread carrier = io.jasyncio.internal.VirtualThreads.currentCarrier();
        EventLoop loop = RUNNING.get(carrier);
        if (loop != null) lastRunning = loop;
        return loop;
    }

    /** Records that {@code loop} runs in {@code thread}; false if another loop already does. */
    static boolean enter(Thread thread, EventLoop loop) {
        return RUNNING.putIfAbsent(thread, loop) == null;
    }

    static void exit(Thread thread, EventLoop loop) {
        RUNNING.remove(thread, loop);
        if (lastRunning == loop) lastRunning = null; // don't keep a stopped loop reachable
    }

    /** The loops running now, in any thread. */
    static Collection<EventLoop> all() {
        return List.copyOf(RUNNING.values());
    }

    /**
     * The error for a suspension attempted outside a task of {@code loop}: says where the caller
     * is (another loop, a callback, no loop) and what to do instead.
     */
    static IllegalStateException notInTaskOf(EventLoop loop, String what) {
        EventLoop running = current();
        if (running != null && running != loop) {
            Task<?> other = running.currentTask();
            return new IllegalStateException(what + ": " + (other != null ? "task " + other.getName() : "this callback")
                    + " runs on another event loop than the future's");
        }
        if (running == loop) {
            return new IllegalStateException(what + " can only suspend inside a task, not in a callback: "
                    + "start the code with loop.createTask() or Asyncio.createTask()");
        }
        return new IllegalStateException(what + " can only suspend inside a task: no event loop runs in thread '"
                + Thread.currentThread().getName() + "'; start the code with Asyncio.run()");
    }
}
