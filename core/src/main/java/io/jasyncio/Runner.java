package io.jasyncio;

import java.time.Duration;
import java.util.List;

/**
 * Runs several async functions, one after another, on one event loop, and shuts that loop down
 * cleanly: asyncio's {@code Runner}. {@link Asyncio#run} is one {@code Runner.run} and a close.
 *
 * <pre>{@code
 * try (Runner runner = new Runner()) {
 *     runner.run(() -> connect());
 *     int n = runner.run(() -> countRows());
 * }
 * }</pre>
 *
 * <p>{@link #close()} cancels the tasks still pending and waits for them to finish, shuts the
 * default executor down (waiting up to 300 s for its threads), and closes the loop. Each
 * {@link #run} executes in the same {@link Context}, copied when the runner was created.
 *
 * <p>Not thread-safe: use a runner from one thread. The loop runs in the calling thread. No
 * method suspends: {@code run} blocks the calling thread while the loop runs, {@code close}
 * until the clean-up is done.
 */
public final class Runner implements AutoCloseable {
    private static final Duration EXECUTOR_JOIN_TIMEOUT = Duration.ofSeconds(300);
    /** Between runs and while closing, interrupts are only recorded (and restored afterwards). */
    private static final Runnable IGNORE = () -> {};

    private final RunOptions options;
    private final Context context = Context.copyCurrent();
    private EventLoop loop;
    private boolean closed;
    /** The last VirtualMachineError that left {@link #run}, so that close() does not throw it twice. */
    private VirtualMachineError leftRun;

    public Runner() {
        this(false);
    }

    /** @param debug whether the loop runs in debug mode (see {@link EventLoop#setDebug}) */
    public Runner(boolean debug) {
        this(RunOptions.defaults().debug(debug));
    }

    /** A runner whose loop is set up by {@code options} (debug mode, virtual time...). */
    public Runner(RunOptions options) {
        if (options == null) throw new NullPointerException("options");
        this.options = options;
    }

    /**
     * Runs {@code main} as a task on the runner's loop until it is done and returns its result;
     * its exception is rethrown as {@link Future#result()} does.
     *
     * <p>Ctrl-C, as in asyncio 3.11: when called on the main thread while SIGINT has the JVM's
     * default handler, the first SIGINT cancels the main task (its {@code finally} blocks and
     * task-group clean-up run) and this method then throws {@link KeyboardInterrupt}; a second
     * SIGINT runs the JVM's default handler at once (shutdown hooks, exit status 130). SIGINT is
     * given back when this method returns. Interrupting the calling thread cancels the main task
     * the same way (a {@link CancelledError} is thrown and the thread stays interrupted); a second
     * interrupt stops the loop.
     *
     * @throws IllegalStateException if called from a running loop or after {@link #close()}
     */
    public <T> T run(Coroutine<T> main) {
        if (main == null) throw new NullPointerException("main");
        if (RunningLoops.current() != null) {
            throw new IllegalStateException("Runner.run() cannot be called from a running event loop");
        }
        EventLoop l = getLoop();
        Task<T> task = l.createTask(main, null, context);
        // Interrupting the thread that runs the loop cancels the main task, as Ctrl-C does in
        // asyncio.run(); a second interrupt stops the loop. The thread stays interrupted after.
        int[] interrupts = {0};
        l.scheduler.setInterruptHandler(() -> {
            if (interrupts[0]++ == 0 && !task.done()) task.cancel("interrupted");
            else l.stop();
        });
        RunnerSigint sigint = RunnerSigint.installIfDefault(l, task);
        try {
            return l.runUntilComplete(task);
        } catch (VirtualMachineError e) {
            leftRun = e;
            throw e;
        } catch (CancelledError e) {
            if (sigint != null) throw sigint.outcome(e);
            throw e;
        } finally {
            if (sigint != null) sigint.remove();
            l.scheduler.setInterruptHandler(IGNORE);
            if (l.scheduler.takeInterrupt()) Thread.currentThread().interrupt();
        }
    }

    /** Like {@link #run(Coroutine)} for an async function without a result. */
    public void run(AsyncRunnable main) {
        if (main == null) throw new NullPointerException("main");
        run(Coroutine.of(main));
    }

    /** The runner's loop, created on first use. */
    public EventLoop getLoop() {
        if (closed) throw new IllegalStateException("Runner is closed");
        if (loop == null) {
            loop = options.newLoop();
            loop.scheduler.setInterruptHandler(IGNORE);
        }
        return loop;
    }

    /** Cancels what is left, waits for it, shuts the default executor down, closes the loop. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (loop == null) return;
        try {
            cancelAllTasks();
            loop.runUntilComplete(loop.shutdownDefaultExecutor(EXECUTOR_JOIN_TIMEOUT));
        } catch (VirtualMachineError e) {
            // The same error object leaving the loop again (a shared instance thrown by a second
            // callback) is already on its way out of run(). Thrown again here, try-with-resources
            // would add it to itself as suppressed, which Throwable refuses with an
            // IllegalArgumentException that hides the error.
            if (e != leftRun) throw e;
        } finally {
            loop.close();
            if (loop.scheduler.takeInterrupt()) Thread.currentThread().interrupt();
        }
    }

    private void cancelAllTasks() {
        List<Task<?>> tasks = loop.tasks.snapshot();
        if (tasks.isEmpty()) return;
        Future<Void> all = loop.createFuture();
        int[] left = {tasks.size()};
        for (Task<?> t : tasks) {
            t.cancel();
            t.addDoneCallback(f -> {
                if (--left[0] == 0) all.setResult(null);
            });
        }
        loop.runUntilComplete(all);
        for (Task<?> t : tasks) {
            if (t.cancelled()) continue;
            Throwable e = t.exception();
            if (e != null) {
                loop.callExceptionHandler(new ErrorContext("unhandled exception during Asyncio.run() shutdown", e, t, null));
            }
        }
    }
}
