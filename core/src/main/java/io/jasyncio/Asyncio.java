package io.jasyncio;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The module-level functions of asyncio: the entry point {@link #run}, {@link #sleep},
 * {@link #createTask}, and access to the running loop and task.
 *
 * <pre>{@code
 * Asyncio.run(() -> {
 *     System.out.println("Hello ...");
 *     Asyncio.sleep(Duration.ofSeconds(1));
 *     System.out.println("... World!");
 * });
 * }</pre>
 *
 * <p>Methods documented as <em>suspending</em> may only be called inside a task; they suspend the
 * calling task and let the loop run others.
 */
public final class Asyncio {
    private Asyncio() {}

    // ---- entry points ----

    /**
     * Runs {@code main} on a new event loop and returns its result: creates the loop, runs
     * {@code main} as a task, cancels the tasks still pending and waits for them, shuts the default
     * executor down and closes the loop. {@code main}'s failure is rethrown as
     * {@link Future#result()} does (checked exceptions wrapped in
     * {@link java.util.concurrent.CompletionException}).
     *
     * <p>Called from a virtual thread (a web framework, a test runner), the loop runs on a new
     * platform thread and the caller waits for it.
     *
     * @throws IllegalStateException if called from a running event loop
     */
    public static <T> T run(Coroutine<T> main) {
        return run(main, false);
    }

    /** {@link #run(Coroutine)} with the loop in debug mode when {@code debug} is true. */
    public static <T> T run(Coroutine<T> main, boolean debug) {
        if (main == null) throw new NullPointerException("main");
        if (EventLoop.runningLoopOrNull() != null) {
            throw new IllegalStateException("Asyncio.run() cannot be called from a running event loop");
        }
        if (Thread.currentThread().isVirtual()) {
            return runOnPlatformThread(main, debug);
        }
        try (Runner runner = new Runner(debug)) {
            return runner.run(main);
        }
    }

    /** {@link #run(Coroutine)} for an async function without a result. */
    public static void run(AsyncRunnable main) {
        run(main, false);
    }

    /** {@link #run(Coroutine, boolean)} for an async function without a result. */
    public static void run(AsyncRunnable main, boolean debug) {
        if (main == null) throw new NullPointerException("main");
        run(Coroutine.of(main), debug);
    }

    private static <T> T runOnPlatformThread(Coroutine<T> main, boolean debug) {
        CompletableFuture<T> outcome = new CompletableFuture<>();
        Thread.ofPlatform().name("jasyncio-run").start(() -> {
            try {
                outcome.complete(run(main, debug));
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        });
        try {
            return outcome.join();
        } catch (CompletionException e) {
            // run() throws only unchecked exceptions; hand the caller the one it threw.
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw e;
        }
    }

    // ---- suspending ----

    /** Suspends the current task for {@code delay}; zero or negative yields once (see {@link #sleep(double)}). */
    public static void sleep(Duration delay) {
        sleep(delay, null);
    }

    /**
     * Suspends the current task for {@code delay}, then returns {@code result}. A zero or negative
     * delay yields to the loop once: every callback and task ready now runs before this task
     * continues. Suspending; throws {@link CancelledError} if the task is cancelled meanwhile.
     */
    public static <T> T sleep(Duration delay, T result) {
        if (delay == null) throw new NullPointerException("delay");
        Task<?> task = currentTaskOrFail("sleep()");
        if (delay.isNegative() || delay.isZero()) {
            task.yieldOnce();
            return result;
        }
        EventLoop loop = task.loop;
        Future<T> done = loop.createFuture();
        TimerHandle timer = loop.callLater(delay, () -> {
            if (!done.done()) done.setResult(result);
        });
        try {
            return done.await();
        } finally {
            timer.cancel();
        }
    }

    /** {@link #sleep(Duration)} with the delay in seconds, for asyncio parity. Suspending. */
    public static void sleep(double seconds) {
        if (Double.isNaN(seconds)) throw new IllegalArgumentException("delay is NaN");
        sleep(seconds <= 0 ? Duration.ZERO : Duration.ofNanos((long) Math.min(Long.MAX_VALUE / 2.0, seconds * 1e9)));
    }

    /**
     * Runs {@code fn} in the running loop's default executor (platform threads), in a copy of the
     * current context, and returns its result. Suspending: for blocking or CPU-heavy work that
     * would otherwise hold the loop thread.
     */
    public static <T> T toThread(Callable<T> fn) {
        if (fn == null) throw new NullPointerException("fn");
        Task<?> task = currentTaskOrFail("toThread()");
        Context context = Context.copyCurrent();
        return task.loop.runInExecutor(null, () -> context.call(fn)).await();
    }

    // ---- tasks and loops ----

    /** Runs {@code coro} concurrently as a task of the running loop. */
    public static <T> Task<T> createTask(Coroutine<T> coro) {
        return getRunningLoop().createTask(coro);
    }

    /** Runs {@code coro} concurrently as a task of the running loop, with a name. */
    public static <T> Task<T> createTask(Coroutine<T> coro, String name) {
        return getRunningLoop().createTask(coro, name);
    }

    /** Runs {@code body} concurrently as a task of the running loop. */
    public static Task<Void> createTask(AsyncRunnable body) {
        return getRunningLoop().createTask(Coroutine.of(body));
    }

    /** Runs {@code body} concurrently as a task of the running loop, with a name. */
    public static Task<Void> createTask(AsyncRunnable body, String name) {
        return getRunningLoop().createTask(Coroutine.of(body), name);
    }

    /**
     * The loop running in the current thread (for a task: the loop that runs it).
     *
     * @throws IllegalStateException if none runs here
     */
    public static EventLoop getRunningLoop() {
        EventLoop loop = EventLoop.runningLoopOrNull();
        if (loop == null) {
            throw new IllegalStateException("no running event loop in thread '" + Thread.currentThread().getName()
                    + "': call this from inside a task started by Asyncio.run() or a callback of a running loop");
        }
        return loop;
    }

    /** The task running now, or null in a callback. @throws IllegalStateException if no loop runs here */
    public static Task<?> currentTask() {
        return getRunningLoop().currentTask();
    }

    /** The running loop's tasks that are not done yet. @throws IllegalStateException if no loop runs here */
    public static Set<Task<?>> allTasks() {
        return getRunningLoop().allTasks();
    }

    /** Wraps a {@link CompletableFuture} so a task of the running loop can await it. */
    public static <T> Future<T> wrapFuture(CompletableFuture<T> cf) {
        return getRunningLoop().wrapFuture(cf);
    }

    private static Task<?> currentTaskOrFail(String what) {
        EventLoop loop = EventLoop.runningLoopOrNull();
        if (loop == null) {
            throw new IllegalStateException(what + " can only suspend inside a task: no event loop runs in thread '"
                    + Thread.currentThread().getName() + "'; start the code with Asyncio.run()");
        }
        return loop.requireCurrentTask(what);
    }
}
