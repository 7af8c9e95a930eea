package io.jasyncio.internal;

import io.jasyncio.EventLoop;
import io.jasyncio.Handle;
import java.nio.channels.Selector;

/**
 * The I/O layer's door into the loop's package-private machinery (the JDK's "shared secrets"
 * pattern): {@code io.jasyncio.net} needs the loop's selector and reusable handles, which users
 * must not reach. The one implementation lives in {@code io.jasyncio} and installs itself when its
 * class is initialized; this package is not exported.
 */
public abstract class LoopAccess {
    private static volatile LoopAccess instance;

    protected LoopAccess() {
    }

    /** Called once, by the implementation's static initializer. */
    public static void install(LoopAccess access) {
        if (instance != null) throw new IllegalStateException("LoopAccess is already installed");
        instance = access;
    }

    public static LoopAccess get() {
        LoopAccess a = instance;
        if (a == null) {
            try {
                Class.forName("io.jasyncio.LoopAccessImpl", true, LoopAccess.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("jasyncio is incomplete: io.jasyncio.LoopAccessImpl is missing", e);
            }
            a = instance;
        }
        return a;
    }

    /** The selector {@code loop} sleeps in; register channels with {@link #ioHandle} attached. */
    public abstract Selector selector(EventLoop loop);

    /**
     * A handle to attach to a selection key: the loop appends it to its ready queue each time the
     * key is ready, so it runs like any callback (in the current context, errors to the handler).
     */
    public abstract Handle ioHandle(EventLoop loop, Runnable onReady);

    /**
     * Fails with {@link IllegalStateException} naming {@code what} unless the caller runs on
     * {@code loop}'s thread (or the loop is not running): the debug-mode check of I/O objects.
     */
    public abstract void checkThread(EventLoop loop, String what);

    /**
     * Registers {@code hook} to run when {@code loop} closes: hooks run in {@link EventLoop#close()},
     * newest first, before the loop's selector is closed (and while loop objects are still usable);
     * what a hook throws goes to the loop's exception handler. For layers that own resources the
     * loop must release (child watchers, signal handlers, file executors). Loop thread only.
     *
     * @throws IllegalStateException if the loop is closed or the caller is on another thread
     */
    public abstract void addCloseHook(EventLoop loop, Runnable hook);

    /**
     * The current task got a cancellation in the same instant as an operation completed: withdraws
     * that request and makes it again from where the task is now (inside any shield it is in,
     * since it got through), without counting a second one, so that it reaches the next
     * suspension point. Loop thread, in that task.
     */
    public abstract void redeliverCancel(io.jasyncio.Task<?> task, String message);

    /** The loop running in the calling thread (for a task: the loop that runs it), or null. */
    public abstract EventLoop runningLoopOrNull();

    /** The current context of {@code loop}'s running task or callback, to pass to {@link #callSoon}. */
    public abstract Object currentContext(EventLoop loop);

    /**
     * Appends {@code callback}, to run in {@code context} (from {@link #currentContext}), to the
     * ready queue of {@code loop}, as a done callback is queued when its future completes; loop
     * thread only (a DoneSink is told on it).
     */
    public abstract void callSoon(EventLoop loop, Runnable callback, Object context);

    /**
     * Registers {@code sink} on the pending {@code future}: told when it is done, with no callback
     * object. Loop thread only, unchecked: the one caller (StreamReaderProtocol) has just created
     * the task on the loop, which {@code createTask} checks.
     */
    public abstract void addDoneSink(io.jasyncio.Future<?> future, DoneSink sink);
}
