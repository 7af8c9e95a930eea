package io.jasyncio;

import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C for {@link Runner#run}, as asyncio 3.11's {@code Runner} handles it
 * ({@code Lib/asyncio/runners.py}, {@code _on_sigint}): the first SIGINT cancels the main task,
 * whose {@code finally} blocks and task-group clean-up then run, and {@code run} throws
 * {@link KeyboardInterrupt}; a second SIGINT stops at once.
 *
 * <p>Installed only when {@code run} is called on the main thread and SIGINT still has the JVM's
 * default handler (no other code, no loop, no other runner has taken it), as asyncio requires the
 * main thread and {@code signal.default_int_handler}; removed when {@code run} returns, if it is
 * still the handler then.
 *
 * <p>"Stops at once" differs in form from asyncio, where the second Ctrl-C raises
 * {@code KeyboardInterrupt} wherever the main thread is: Java cannot throw into a running thread,
 * and a loop stuck in a step would never see a request. So the second SIGINT (or the first, once
 * the loop has closed) is handed to the JVM's default handler, which runs the shutdown hooks and
 * exits with status 130 — what Ctrl-C does to any Java program.
 */
final class RunnerSigint implements SignalHandler {
    private static final String INT = "INT";

    private final EventLoop loop;
    private final Task<?> main;
    /** SIGINTs received; written by the Signal Dispatcher thread, read by the runner's thread. */
    private final AtomicInteger count = new AtomicInteger();
    /** The JVM's handler we replaced; what a second Ctrl-C runs. Set just after installing. */
    private volatile SignalHandler jvmDefault;

    private RunnerSigint(EventLoop loop, Task<?> main) {
        this.loop = loop;
        this.main = main;
    }

    /** Takes SIGINT for {@code main} if this is the main thread and SIGINT is the JVM's default; else null. */
    static RunnerSigint installIfDefault(EventLoop loop, Task<?> main) {
        if (!isMainThread() || LoopSignals.isTaken(INT)) return null;
        RunnerSigint hook = new RunnerSigint(loop, main);
        SignalHandler previous;
        try {
            previous = LoopSignals.install(loop, INT, hook);
        } catch (IllegalArgumentException | IllegalStateException unavailable) {
            return null; // -Xrs, or taken by another loop meanwhile: leave Ctrl-C as it is
        }
        if (!isJvmDefault(previous)) {
            // Someone else's handler (set through sun.misc.Signal directly): put it back untouched.
            LoopSignals.removeIfInstalled(loop, INT, hook);
            return null;
        }
        hook.jvmDefault = previous;
        return hook;
    }

    /** Signal Dispatcher thread. */
    @Override
    public void handle(Signal sig) {
        if (count.incrementAndGet() == 1) {
            try {
                loop.callSoonThreadsafe(this::cancelMain);
                return;
            } catch (IllegalStateException closed) {
                // The loop closed under us: nothing left to cancel, stop as Ctrl-C always does.
            }
        }
        SignalHandler d = jvmDefault;
        if (d != null) {
            d.handle(sig);
        } else {
            Runtime.getRuntime().exit(130); // in the instant between installing and recording it: what it does
        }
    }

    private void cancelMain() {
        if (!main.done()) main.cancel();
    }

    /**
     * The runner's thread, after the main task ended with {@code cancelled}: the exception
     * {@code run} throws. asyncio raises KeyboardInterrupt only if Ctrl-C was the reason, i.e.
     * there was a SIGINT and the main task's cancellation count drops to zero without it.
     */
    Error outcome(CancelledError cancelled) {
        if (count.get() == 0 || main.uncancel() != 0) return cancelled;
        ExitOnKeyboardInterrupt.installOnCurrentThread();
        return new KeyboardInterrupt(cancelled);
    }

    /** The runner's thread, when {@code run} ends: gives SIGINT back if it is still ours. */
    void remove() {
        LoopSignals.removeIfInstalled(loop, INT, this);
    }

    /**
     * Java has no "main thread" API: the launcher's thread is the platform thread named "main" in
     * the thread group "main". (A thread renamed "main" by the application would pass too.)
     */
    private static boolean isMainThread() {
        Thread t = Thread.currentThread();
        ThreadGroup g = t.getThreadGroup();
        return !t.isVirtual() && "main".equals(t.getName()) && g != null && "main".equals(g.getName());
    }

    /**
     * sun.misc.Signal offers no way to compare with the JVM's own handler; its wrapper prints as
     * the handler inside, an anonymous class of java.lang.Terminator (JDK 9 to 25).
     */
    private static boolean isJvmDefault(SignalHandler h) {
        return h != null && h.toString().startsWith("java.lang.Terminator$");
    }

    /** Makes an uncaught KeyboardInterrupt end the JVM with status 130, as an uncaught Ctrl-C would. */
    private record ExitOnKeyboardInterrupt(Thread.UncaughtExceptionHandler next)
            implements Thread.UncaughtExceptionHandler {
        static void installOnCurrentThread() {
            Thread t = Thread.currentThread();
            Thread.UncaughtExceptionHandler h = t.getUncaughtExceptionHandler();
            if (!(h instanceof ExitOnKeyboardInterrupt)) t.setUncaughtExceptionHandler(new ExitOnKeyboardInterrupt(h));
        }

        @Override
        public void uncaughtException(Thread t, Throwable e) {
            if (!(e instanceof KeyboardInterrupt)) {
                next.uncaughtException(t, e);
                return;
            }
            System.err.print("Exception in thread \"" + t.getName() + "\" ");
            e.printStackTrace(System.err);
            Runtime.getRuntime().exit(130);
        }
    }
}
