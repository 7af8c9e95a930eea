package io.jasyncio;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
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
 * calling task and let the loop run others, and a cancellation of the task surfaces there as
 * {@link CancelledError}. Every other method returns without suspending. {@link #run} blocks
 * the calling thread until {@code main} is done; {@link #runCoroutineThreadsafe} is the way in
 * from other threads. The methods that use the running loop (creating tasks, {@code gather},
 * {@code timeout}, ...) must be called from its thread, in a task or a callback; those that look
 * the loop up ({@link #getRunningLoop}) fail with an {@link IllegalStateException} where none runs.
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
     * platform thread and the caller waits for it; interrupting the caller is passed on to it.
     *
     * <p>Ctrl-C (on the main thread, SIGINT with the JVM's default handler) cancels {@code main},
     * lets its clean-up run and then throws {@link KeyboardInterrupt} (the process exits with 130
     * if nobody catches it); a second Ctrl-C exits at once. Interrupting the calling thread
     * cancels {@code main} too (then {@link CancelledError}). See {@link Runner#run(Coroutine)}.
     * When this method returns, no thread, descriptor or signal handler it started is left.
     *
     * <p>Blocks the calling thread until {@code main} is done; any thread that runs no loop may
     * call it.
     *
     * @throws IllegalStateException if called from a running event loop
     */
    public static <T> T run(Coroutine<T> main) {
        return run(main, false);
    }

    /** {@link #run(Coroutine)} with the loop in debug mode when {@code debug} is true. */
    public static <T> T run(Coroutine<T> main, boolean debug) {
        return run(main, RunOptions.defaults().debug(debug));
    }

    /**
     * {@link #run(Coroutine)} on a loop set up by {@code options}: debug mode, virtual time.
     *
     * <pre>{@code
     * Asyncio.run(() -> Asyncio.sleep(Duration.ofHours(1)), RunOptions.defaults().virtualTime(true)); // instant
     * }</pre>
     */
    public static <T> T run(Coroutine<T> main, RunOptions options) {
        if (main == null) throw new NullPointerException("main");
        if (options == null) throw new NullPointerException("options");
        if (RunningLoops.current() != null) {
            throw new IllegalStateException("Asyncio.run() cannot be called from a running event loop");
        }
        if (Thread.currentThread().isVirtual()) {
            return runOnPlatformThread(main, options);
        }
        try (Runner runner = new Runner(options)) {
            return runner.run(main);
        }
    }

    /** {@link #run(Coroutine, RunOptions)} for an async function without a result. */
    public static void run(AsyncRunnable main, RunOptions options) {
        if (main == null) throw new NullPointerException("main");
        run(Coroutine.of(main), options);
    }

    /**
     * A printable tree of the running loop's tasks: which task awaits which, and where each one is
     * suspended (see {@link TaskDump}). Does not suspend.
     *
     * @throws IllegalStateException if no loop runs here
     */
    public static String dumpTasks() {
        return TaskDump.of(getRunningLoop()).toString();
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

    private static <T> T runOnPlatformThread(Coroutine<T> main, RunOptions options) {
        CompletableFuture<T> outcome = new CompletableFuture<>();
        Thread runner = Thread.ofPlatform().name("jasyncio-run").start(() -> {
            try {
                outcome.complete(run(main, options));
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        });
        // The caller's interrupts go to the loop's thread, where run() turns them into cancelling
        // the main task; the caller stays interrupted afterwards, as the loop thread would.
        boolean interrupted = false;
        while (true) {
            try {
                runner.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                runner.interrupt();
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
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

    /**
     * {@link #sleep(Duration)} with the delay in seconds: the one delay given as a {@code double}
     * in the API (times are otherwise a {@link Duration} for delays and loop seconds only for
     * absolute deadlines), kept for asyncio's yield idiom {@code Asyncio.sleep(0)}. Suspending.
     *
     * @throws IllegalArgumentException if {@code seconds} is NaN
     */
    public static void sleep(double seconds) {
        sleep(LoopTime.secondsToDuration(seconds));
    }

    /**
     * Runs {@code fn} in the running loop's default executor (platform threads), in a copy of the
     * current context, and returns its result. Suspending: for blocking or CPU-heavy work that
     * would otherwise hold the loop thread.
     *
     * @throws java.util.concurrent.CompletionException wrapping a checked exception of {@code fn}
     *                                                  (it ran on another thread: rule 3 of the
     *                                                  {@linkplain io.jasyncio package documentation});
     *                                                  unchecked ones pass as they are
     */
    public static <T> T toThread(Callable<T> fn) {
        if (fn == null) throw new NullPointerException("fn");
        Task<?> task = currentTaskOrFail("toThread()");
        Context context = Context.copyCurrent();
        return task.loop.runInExecutor(null, () -> context.call(fn)).await();
    }

    // ---- tasks and loops ----

    /**
     * Runs {@code coro} concurrently as a task of the running loop. Does not suspend (an eager
     * task factory may run the task's first step now); call it on the loop's thread.
     */
    public static <T> Task<T> createTask(Coroutine<T> coro) {
        return getRunningLoop().createTask(coro);
    }

    /** {@link #createTask(Coroutine)} with a name. Does not suspend; call it on the loop's thread. */
    public static <T> Task<T> createTask(Coroutine<T> coro, String name) {
        return getRunningLoop().createTask(coro, name);
    }

    /** {@link #createTask(Coroutine)} for a body without a result. Does not suspend; call it on the loop's thread. */
    public static Task<Void> createTask(AsyncRunnable body) {
        return getRunningLoop().createTask(Coroutine.of(body));
    }

    /** {@link #createTask(Coroutine, String)} for a body without a result. Does not suspend; loop thread only. */
    public static Task<Void> createTask(AsyncRunnable body, String name) {
        return getRunningLoop().createTask(Coroutine.of(body), name);
    }

    /**
     * The loop running in the current thread (for a task: the loop that runs it).
     *
     * @throws IllegalStateException if none runs here
     */
    public static EventLoop getRunningLoop() {
        EventLoop loop = RunningLoops.current();
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

    /**
     * Wraps a {@link CompletableFuture} so a task of the running loop can await it. Does not
     * suspend (await the result to wait); call it on the loop's thread. {@code cf} may be
     * completed from any thread.
     */
    public static <T> Future<T> wrapFuture(CompletableFuture<T> cf) {
        return getRunningLoop().wrapFuture(cf);
    }

    // ---- composing tasks: gather, wait, waitFor, asCompleted, shield (asyncio's tasks.py) ----

    /**
     * Runs the awaitables concurrently and collects their results in argument order: asyncio's
     * {@code gather}. Returns a future at once (this method does not suspend); await it.
     *
     * <pre>{@code
     * Task<String> a = Asyncio.createTask(() -> fetch("a"));
     * Task<String> b = Asyncio.createTask(() -> fetch("b"));
     * List<String> both = Asyncio.gather(a, b).await();
     * }</pre>
     *
     * <ul>
     *   <li>The first failure (or cancellation) of a child becomes the gather's outcome at once;
     *       the other children keep running. Use {@link #gatherReturnExceptions} to collect
     *       every outcome instead.</li>
     *   <li>Cancelling the returned future cancels every child not yet done; the gather then
     *       ends with a {@link CancelledError} once they are done (as an exception, like
     *       asyncio). Cancelling one child only fails the gather with that child's
     *       {@code CancelledError}.</li>
     *   <li>A future given twice is awaited once and its result appears twice. Futures that are
     *       already done count at once: gathering only done futures gives a done future.</li>
     *   <li>No awaitables: a done future of an empty list.</li>
     * </ul>
     *
     * @throws IllegalArgumentException if the futures belong to different loops
     * @throws IllegalStateException    if the list is empty and no loop runs here
     */
    public static <T> Future<List<T>> gather(List<? extends Future<? extends T>> aws) {
        if (aws == null) throw new NullPointerException("aws");
        return GatheringFuture.gather(aws, false);
    }

    /** {@link #gather(List)} of the given futures. */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array only reaches a read-only list view
    public static <T> Future<List<T>> gather(Future<? extends T>... aws) {
        return gather(Arrays.asList(aws));
    }

    /**
     * {@link #gather(List)} of coroutines, each run as a new task of the running loop (in
     * argument order, through the loop's task factory). A coroutine given twice runs twice: in
     * Java it is a function, not a one-shot coroutine object.
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array only reaches a read-only list view
    public static <T> Future<List<T>> gather(Coroutine<? extends T>... coros) {
        return GatheringFuture.gather(Arrays.asList(coros), false);
    }

    /**
     * {@link #gather(Coroutine...)} of a collection of coroutines, run as tasks in the
     * collection's iteration order. Does not suspend; call it in a task of the running loop.
     *
     * <pre>{@code
     * List<Coroutine<String>> fetches = urls.stream().map(u -> (Coroutine<String>) () -> fetch(u)).toList();
     * List<String> pages = Asyncio.gather(fetches).await();
     * }</pre>
     */
    public static <T> Future<List<T>> gather(Collection<? extends Coroutine<? extends T>> coros) {
        if (coros == null) throw new NullPointerException("coros");
        return GatheringFuture.gather(new ArrayList<>(coros), false);
    }

    /**
     * {@link #gather(List)} of nothing: a future already done with an empty list (as asyncio's
     * {@code gather()}). Its own overload so that {@code gather()} is not ambiguous between the
     * two varargs forms. Does not suspend.
     *
     * @throws IllegalStateException if no loop runs here
     */
    public static <T> Future<List<T>> gather() {
        return GatheringFuture.gather(List.of(), false);
    }

    /**
     * Like {@link #gather(List)}, but waits for every child and reports each one's
     * {@link Outcome} — its value, its exception, or a {@link CancelledError} if it was cancelled
     * — as asyncio's {@code gather(..., return_exceptions=True)}. Cancelling the returned future
     * still makes it end with a {@code CancelledError}.
     */
    public static <T> Future<List<Outcome<T>>> gatherReturnExceptions(List<? extends Future<? extends T>> aws) {
        if (aws == null) throw new NullPointerException("aws");
        return GatheringFuture.gather(aws, true);
    }

    /** {@link #gatherReturnExceptions(List)} of the given futures. */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array only reaches a read-only list view
    public static <T> Future<List<Outcome<T>>> gatherReturnExceptions(Future<? extends T>... aws) {
        return gatherReturnExceptions(Arrays.asList(aws));
    }

    /** {@link #gatherReturnExceptions(List)} of coroutines, each run as a new task. */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array only reaches a read-only list view
    public static <T> Future<List<Outcome<T>>> gatherReturnExceptions(Coroutine<? extends T>... coros) {
        return GatheringFuture.gather(Arrays.asList(coros), true);
    }

    /** {@link #gatherReturnExceptions(Coroutine...)} of a collection of coroutines, in iteration order. Does not suspend. */
    public static <T> Future<List<Outcome<T>>> gatherReturnExceptions(Collection<? extends Coroutine<? extends T>> coros) {
        if (coros == null) throw new NullPointerException("coros");
        return GatheringFuture.gather(new ArrayList<>(coros), true);
    }

    /** {@link #gatherReturnExceptions(List)} of nothing: a done future of an empty list. Does not suspend. */
    public static <T> Future<List<Outcome<T>>> gatherReturnExceptions() {
        return GatheringFuture.gather(List.of(), true);
    }

    /** {@link #wait(Collection, Duration, ReturnWhen)} until all are done, without a timeout. Suspending. */
    public static <F extends Future<?>> WaitResult<F> wait(Collection<? extends F> fs) {
        return Waiting.wait(fs, null, ReturnWhen.ALL_COMPLETED);
    }

    /** {@link #wait(Collection, Duration, ReturnWhen)} until all are done or the timeout. Suspending. */
    public static <F extends Future<?>> WaitResult<F> wait(Collection<? extends F> fs, Duration timeout) {
        return Waiting.wait(fs, timeout, ReturnWhen.ALL_COMPLETED);
    }

    /**
     * {@link #wait(Collection, Duration, ReturnWhen)} until {@code returnWhen} holds, without a
     * timeout. Suspending.
     *
     * <pre>{@code
     * WaitResult<Task<String>> r = Asyncio.wait(tasks, ReturnWhen.FIRST_COMPLETED);
     * }</pre>
     */
    public static <F extends Future<?>> WaitResult<F> wait(Collection<? extends F> fs, ReturnWhen returnWhen) {
        return Waiting.wait(fs, null, returnWhen);
    }

    /**
     * Waits until {@code returnWhen} holds or {@code timeout} passes, and returns which futures are
     * done and which are pending: asyncio's {@code wait}. It never throws a timeout error and
     * never cancels anything: the pending futures keep running. Suspending.
     *
     * <pre>{@code
     * WaitResult<Task<String>> r = Asyncio.wait(tasks, Duration.ofSeconds(1), ReturnWhen.FIRST_COMPLETED);
     * }</pre>
     *
     * <p>The futures (tasks, or futures of the running loop) are taken as a set: duplicates
     * count once. A timeout of zero or less returns after one turn of the loop; null waits
     * without limit.
     *
     * @throws IllegalArgumentException if {@code fs} is empty (as asyncio) or holds a future of
     *                                  another loop
     * @throws CancelledError           if the calling task is cancelled meanwhile (the futures
     *                                  are not cancelled)
     */
    public static <F extends Future<?>> WaitResult<F> wait(Collection<? extends F> fs, Duration timeout, ReturnWhen returnWhen) {
        return Waiting.wait(fs, timeout, returnWhen);
    }

    /**
     * Waits for {@code fut} with a timeout and returns its result: asyncio's {@code wait_for}.
     * On timeout {@code fut} is cancelled, and the call waits until it is really done before it
     * throws {@link TimeoutError}; if {@code fut} finishes with a result despite the
     * cancellation, that result is returned. Cancelling the waiting task cancels {@code fut}, and
     * the {@code CancelledError} is never swallowed, even if {@code fut} completes at the same
     * moment. A {@code fut} that ignores cancellation keeps this call waiting until it ends, as in
     * asyncio. Suspending.
     *
     * <pre>{@code
     * String s = Asyncio.waitFor(task, Duration.ofSeconds(2));
     * }</pre>
     *
     * <p><b>Exceptions</b> (rule 3 of the {@linkplain io.jasyncio package documentation}):
     * {@code fut} is another task's or producer's outcome, so as {@link Future#await()} this
     * rethrows its unchecked exception as it is and wraps a checked one in a
     * {@link CompletionException}. Compare {@link #waitFor(Coroutine, Duration)}, whose body runs
     * in the calling task and whose exceptions therefore pass as they are.
     *
     * @param timeout null to wait without limit; zero or less cancels {@code fut} at once unless
     *                it is already done
     * @throws TimeoutError        if the timeout passed and {@code fut} ended cancelled
     * @throws CompletionException wrapping a checked exception {@code fut} failed with
     */
    public static <T> T waitFor(Future<T> fut, Duration timeout) {
        return Waiting.waitFor(fut, timeout);
    }

    /**
     * Runs {@code coro} in the current task with a timeout: asyncio 3.12's {@code wait_for} of a
     * coroutine, whose {@code await coro} runs it inline within a
     * {@link #timeout(Duration, Coroutine)} scope. With a timeout of zero or less it never starts
     * (it becomes a task cancelled before its first step). Suspending.
     *
     * <pre>{@code
     * byte[] line = Asyncio.waitFor(() -> reader.readLine(), Duration.ofSeconds(5));   // IOException as is
     * }</pre>
     *
     * <p><b>Exceptions</b> (rule 2 of the {@linkplain io.jasyncio package documentation}): the
     * body is the caller's own code, so its exception passes as it is, checked or not — also in
     * the one case where it runs as a task (a zero timeout with an eager task factory that
     * finishes it at creation). Compare {@link #waitFor(Future, Duration)}, which reports another
     * task's outcome and wraps checked exceptions.
     *
     * @throws TimeoutError if the timeout cancelled {@code coro} and that ended it
     * @throws Exception    whatever {@code coro} throws, unchanged
     */
    public static <T> T waitFor(Coroutine<T> coro, Duration timeout) throws Exception {
        return Waiting.waitFor(coro, timeout);
    }

    /**
     * The futures in the order they complete: asyncio's {@code as_completed}, without a timeout.
     * Iterate it in a task; {@link AsCompleted#next()} suspends.
     *
     * <pre>{@code
     * for (Task<String> t : Asyncio.asCompleted(tasks)) System.out.println(t.await());
     * }</pre>
     *
     * @throws IllegalArgumentException if a future belongs to another loop
     */
    public static <F extends Future<?>> AsCompleted<F> asCompleted(Collection<? extends F> fs) {
        return new AsCompleted<>(fs, null);
    }

    /**
     * {@link #asCompleted(Collection)} with a timeout, after which every remaining
     * {@link AsCompleted#next()} throws {@link TimeoutError} (the futures keep running). A
     * timeout of zero or less expires at the loop's next turn.
     */
    public static <F extends Future<?>> AsCompleted<F> asCompleted(Collection<? extends F> fs, Duration timeout) {
        return new AsCompleted<>(fs, timeout);
    }

    /**
     * Protects {@code aw} from cancellation: asyncio's {@code shield}. Returns a future that
     * follows {@code aw}; cancelling it (for example by cancelling the task that awaits it)
     * leaves {@code aw} running. A future already done is returned as it is.
     *
     * <pre>{@code
     * String s = Asyncio.shield(saveTask).await();   // cancelling us does not stop the save
     * }</pre>
     */
    public static <T> Future<T> shield(Future<T> aw) {
        return Waiting.shield(aw);
    }

    /** {@link #shield(Future)} of {@code coro} run as a new task of the running loop. */
    public static <T> Future<T> shield(Coroutine<T> coro) {
        if (coro == null) throw new NullPointerException("coro");
        return Waiting.shield(getRunningLoop().createTask(coro));
    }

    // ---- timeouts (asyncio's timeouts.py) ----

    /**
     * A {@link Timeout} scope whose deadline is {@code delay} from now on the running loop's
     * clock; null means no deadline. Enter it with {@link Timeout#call} or {@link Timeout#run}.
     * A zero or negative delay expires at the loop's next turn.
     *
     * <pre>{@code
     * Timeout t = Asyncio.timeout(Duration.ofSeconds(1));
     * String s = t.call(() -> slowFetch());   // TimeoutError after 1 s
     * }</pre>
     *
     * @throws IllegalStateException if no loop runs here
     */
    public static Timeout timeout(Duration delay) {
        return Timeout.after(delay);
    }

    /**
     * Runs {@code body} in the current task within a new {@link Timeout} of {@code delay}
     * (null: none): asyncio's {@code async with asyncio.timeout(delay):}. Suspending.
     *
     * <pre>{@code
     * String s = Asyncio.timeout(Duration.ofSeconds(1), () -> slowFetch());
     * }</pre>
     *
     * <p>The body runs inline, so its exception passes as it is (rule 2 of the
     * {@linkplain io.jasyncio package documentation}).
     *
     * @throws TimeoutError if the deadline cancelled the body and that ended it
     * @throws Exception    whatever {@code body} throws, unchanged
     */
    public static <T> T timeout(Duration delay, Coroutine<T> body) throws Exception {
        return Timeout.after(delay).call(body);
    }

    /** {@link #timeout(Duration, Coroutine)} for a body without a result. Suspending. */
    public static void timeout(Duration delay, AsyncRunnable body) throws Exception {
        Timeout.after(delay).run(body);
    }

    /**
     * A {@link Timeout} scope with the deadline {@code when}, in the seconds of
     * {@link EventLoop#time()}: asyncio's {@code timeout_at}. A deadline not in the future expires
     * at the loop's next turn.
     */
    public static Timeout timeoutAt(double when) {
        return new Timeout(when);
    }

    /** Runs {@code body} within {@link #timeoutAt(double)}; see {@link #timeout(Duration, Coroutine)}. Suspending. */
    public static <T> T timeoutAt(double when, Coroutine<T> body) throws Exception {
        return new Timeout(when).call(body);
    }

    /** {@link #timeoutAt(double, Coroutine)} for a body without a result. Suspending. */
    public static void timeoutAt(double when, AsyncRunnable body) throws Exception {
        new Timeout(when).run(body);
    }

    // ---- eager tasks and threads ----

    /**
     * The task factory that starts every task eagerly: asyncio 3.12's {@code eager_task_factory}.
     * With it, {@code createTask} runs the coroutine's first step at once, before it returns and
     * before any other callback or task; a coroutine that never suspends leaves its task done
     * when {@code createTask} returns, without a turn of the loop.
     *
     * <pre>{@code
     * Asyncio.getRunningLoop().setTaskFactory(Asyncio.eagerTaskFactory());
     * Task<Integer> t = Asyncio.createTask(() -> 42);
     * assert t.done();
     * }</pre>
     */
    public static TaskFactory eagerTaskFactory() {
        return EagerTaskFactory.INSTANCE;
    }

    /**
     * Submits {@code coro} to {@code loop} from another thread and returns a
     * {@link CompletableFuture} of its result: asyncio's {@code run_coroutine_threadsafe}. The
     * coroutine runs as a task of {@code loop} (created through its task factory); cancelling
     * the returned future cancels that task. Safe from any thread; block on the result only
     * outside the loop's thread.
     *
     * <pre>{@code
     * CompletableFuture<String> cf = Asyncio.runCoroutineThreadsafe(() -> fetch("a"), loop);
     * String s = cf.get(5, TimeUnit.SECONDS);
     * }</pre>
     *
     * <p>The future fails with the coroutine's exception itself (not wrapped), or is cancelled
     * if the task was. If it is cancelled before the loop gets to it, the coroutine never
     * starts.
     *
     * @throws IllegalStateException if {@code loop} is closed
     */
    public static <T> CompletableFuture<T> runCoroutineThreadsafe(Coroutine<T> coro, EventLoop loop) {
        return ThreadBridge.runCoroutine(coro, loop);
    }

    /** {@link #runCoroutineThreadsafe(Coroutine, EventLoop)} for a body without a result. */
    public static CompletableFuture<Void> runCoroutineThreadsafe(AsyncRunnable body, EventLoop loop) {
        if (body == null) throw new NullPointerException("body");
        return runCoroutineThreadsafe(Coroutine.of(body), loop);
    }

    private static Task<?> currentTaskOrFail(String what) {
        EventLoop loop = RunningLoops.current();
        if (loop == null) {
            throw new IllegalStateException(what + " can only suspend inside a task: no event loop runs in thread '"
                    + Thread.currentThread().getName() + "'; start the code with Asyncio.run()");
        }
        return loop.current.requireTask(loop, what);
    }
}
