package io.jasyncio;

/**
 * Which platform thread runs a loop, and whether the loop is closed: the two facts every concern
 * of the loop checks before it touches unsynchronized state (asyncio's {@code _check_thread} and
 * {@code _check_closed}). A task's virtual thread counts as the loop's thread when the loop thread
 * carries it, so tasks and callbacks of the loop pass the checks and every other thread fails them
 * with a message naming {@code callSoonThreadsafe}.
 *
 * <p>Invariant: {@link #thread} is set by {@link #enter} and cleared by {@link #exit}, both on the
 * loop thread; {@link #closed} only goes from false to true, in {@link EventLoop#close}. Both are
 * volatile because other threads read them ({@link EventLoop#isRunning}, callSoonThreadsafe).
 */
final class LoopOwner {
    /** The platform thread running the loop now, or null when it does not run. */
    private volatile Thread thread;
    private volatile boolean closed;
    /** The loop's current step: whose task thread is on the loop right now (see {@link #onLoop}). */
    private final CurrentStep current;

    LoopOwner(CurrentStep current) {
        this.current = current;
    }

    /** The thread running the loop, or null. */
    Thread thread() {
        return thread;
    }

    boolean closed() {
        return closed;
    }

    void markClosed() {
        closed = true;
    }

    /** Whether the caller runs on the loop's thread: in a callback or in one of its tasks. */
    boolean isLoopThread() {
        Thread t = thread;
        return t != null && onLoop(t);
    }

    /**
     * Whether the caller is carried by {@code loopThread}, the loop's running thread: it is that
     * thread (a callback), or the virtual thread of the task whose step the loop runs now. The
     * hot path of every check and wake-up; two reads and two compares, where asking the JDK for
     * the carrier thread was a method-handle call. A task's virtual thread is carried by no
     * other thread (the loop is its scheduler), so the identity test is exact.
     */
    private boolean onLoop(Thread loopThread) {
        Thread me = Thread.currentThread();
        return me == loopThread || me == current.taskThread();
    }

    /** Whether the caller may use the loop's unsynchronized state: on its thread, or it is idle. */
    boolean isOwnerThread() {
        Thread t = thread;
        return t == null || onLoop(t);
    }

    void checkThread(String what) {
        Thread t = thread;
        if (t != null && !onLoop(t)) {
            throw new IllegalStateException(what + " was called from thread '" + currentThreadName()
                    + "' but the event loop runs in thread '" + t.getName()
                    + "': loop objects are not thread-safe; use loop.callSoonThreadsafe() from other threads");
        }
    }

    /**
     * The current thread's name for a message; for a task whose virtual thread is unnamed (a
     * default-named task outside debug mode, see Task#thread()), the task's name; for any other
     * unnamed thread, its {@code toString()} (with its id), not an empty name.
     */
    static String currentThreadName() {
        Thread c = Thread.currentThread();
        String name = c.getName();
        if (!name.isEmpty()) return name;
        EventLoop running = RunningLoops.current();
        Task<?> task = running != null ? running.currentTask() : null;
        return task != null && task.threadIfMade() == c ? task.getName() : c.toString();
    }

    void checkOpen() {
        if (closed) throw new IllegalStateException("Event loop is closed");
    }

    /** runForever's start: makes the calling platform thread the loop's thread, or says why not. */
    Thread enter(EventLoop loop) {
        checkOpen();
        Thread me = Thread.currentThread();
        if (thread != null) {
            throw new IllegalStateException("This event loop is already running");
        }
        if (me.isVirtual()) {
            // A virtual thread cannot carry other virtual threads (the JDK throws
            // WrongThreadException); Asyncio.run moves to a platform thread for this case.
            throw new IllegalStateException("an event loop must run on a platform thread, not the virtual thread " + me
                    + ": use Asyncio.run(), which starts a platform thread when called from a virtual thread");
        }
        if (!RunningLoops.enter(me, loop)) {
            throw new IllegalStateException("Cannot run the event loop while another loop is running in this thread");
        }
        thread = me;
        return me;
    }

    /** runForever's end, on the thread {@link #enter} returned. */
    void exit(EventLoop loop, Thread me) {
        thread = null;
        RunningLoops.exit(me, loop);
    }
}
