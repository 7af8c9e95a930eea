package io.jasyncio;

import io.jasyncio.internal.VirtualThreads;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * An event loop: one thread that runs callbacks, timers and tasks in asyncio's order. Most
 * programs never touch it directly and use {@link Asyncio#run}.
 *
 * <pre>{@code
 * EventLoop loop = new EventLoop();
 * loop.callSoon(() -> System.out.println("first"));
 * loop.callLater(Duration.ofMillis(10), loop::stop);
 * loop.runForever();   // prints "first", returns after 10 ms
 * loop.close();
 * }</pre>
 *
 * <h2>Ordering</h2>
 * Callbacks run first-in, first-out; timers by deadline, then in the order they were scheduled.
 * One iteration waits for I/O or the nearest timer (without waiting when work is ready), moves
 * due timers and callbacks from other threads to the ready queue, and runs exactly the callbacks
 * that were ready when it started: callbacks scheduled meanwhile run in the next iteration.
 *
 * <h2>Threads</h2>
 * A loop runs in the thread that calls {@link #runForever} or {@link #runUntilComplete}, which
 * must be a platform thread. Its methods are not thread-safe: while it runs, call them from that
 * thread (callbacks and tasks of this loop) — others fail with {@link IllegalStateException}.
 * {@link #callSoonThreadsafe}, {@link #isRunning}, {@link #isClosed} and {@link #time} are safe
 * from any thread.
 *
 * <h2>Suspension</h2>
 * No method of the loop suspends a task. {@link #runForever} and {@link #runUntilComplete} block
 * the calling platform thread while the loop runs; every other method schedules, registers or
 * reads, and returns at once.
 */
public final class EventLoop implements AutoCloseable {
    // Each concern lives in its own class, one instance per loop, named after what it owns; this
    // class is only the public facade. The package reaches the concerns through these final
    // fields: LoopOwner (the loop's thread, closed or not: what every concern checks),
    // LoopScheduler (ready queue, timers, I/O readiness, one iteration: the hot path),
    // CurrentStep (what runs now, its context), LoopTasks (the live tasks), LoopClose.
    // Invariant: all of it is touched only by the loop thread while it runs, or by any single
    // thread while it does not (LoopOwner's fields and LoopScheduler.offer excepted).
    final CurrentStep current = new CurrentStep();
    final LoopOwner owner = new LoopOwner(current);
    final LoopScheduler scheduler;
    final LoopTasks tasks = new LoopTasks();
    final LoopClose closing = new LoopClose();
    private final LoopErrors errors = new LoopErrors();
    private final LoopExecutors executors = new LoopExecutors();
    private TaskFactory taskFactory;
    /** Virtual time (see {@link VirtualClock}), or null for System.nanoTime(). */
    private final VirtualClock clock;
    /** asyncio's add_reader/add_writer; created on first use, loop thread only. */
    private FdCallbacks fdCallbacks;

    /**
     * Creates a loop; run it with {@link #runForever} or {@link #runUntilComplete}.
     *
     * @throws IllegalStateException naming the JVM option to add if the JVM was started without
     *                               {@code --add-opens java.base/java.lang=ALL-UNNAMED}
     */
    public EventLoop() {
        this(null);
    }

    /**
     * Creates a loop whose time is {@code clock} (null: real time): time stands still while work
     * is ready and jumps to the next timer when every task waits on the loop. See
     * {@link VirtualClock} for what counts as waiting.
     *
     * @throws IllegalArgumentException if the clock already drives another loop
     */
    public EventLoop(VirtualClock clock) {
        VirtualThreads.ensureAvailable();
        if (clock != null) clock.bind(this);
        this.clock = clock;
        TasksMBean.registerOnce();
        scheduler = new LoopScheduler(this, clock);
    }

    // ---- clock ----

    /** The loop's monotonic clock in seconds, like asyncio's {@code loop.time()}. */
    public double time() {
        return LoopTime.toSeconds(scheduler.now());
    }

    /** The virtual clock driving this loop, or null if it runs on real time. */
    public VirtualClock getVirtualClock() {
        return clock;
    }

    // ---- scheduling ----

    /** Schedules {@code callback} to run in the next iteration, after those already scheduled. */
    public Handle callSoon(Runnable callback) {
        return callSoon(callback, null);
    }

    /** Like {@link #callSoon(Runnable)}, running the callback in {@code context}. */
    public Handle callSoon(Runnable callback, Context context) {
        if (callback == null) throw new NullPointerException("callback");
        owner.checkThread("callSoon()");
        owner.checkOpen();
        Handle h = new Handle(this, callback, context != null ? context : current.contextMap());
        scheduler.add(h);
        return h;
    }

    /**
     * Schedules {@code callback} from any thread, waking the loop if it sleeps. The one way for
     * other threads to hand work to a loop. The callback runs in the calling thread's current
     * context (a copy of it, as asyncio's {@code call_soon_threadsafe}), not in whatever the loop
     * happens to run at that moment.
     *
     * @throws IllegalStateException if the loop is closed
     */
    public Handle callSoonThreadsafe(Runnable callback) {
        return callSoonThreadsafe(callback, null);
    }

    /** Like {@link #callSoonThreadsafe(Runnable)}, running the callback in {@code context}. */
    public Handle callSoonThreadsafe(Runnable callback, Context context) {
        if (callback == null) throw new NullPointerException("callback");
        owner.checkOpen();
        // The caller's context, as asyncio's copy_context() in the calling thread: not this
        // loop's current step, which another thread may not read (it belongs to the loop thread).
        Handle h = new Handle(this, callback, context != null ? context : Context.currentMap());
        scheduler.offer(h);
        return h;
    }

    /**
     * Schedules {@code callback} after {@code delay}; a negative delay counts as zero.
     */
    public TimerHandle callLater(Duration delay, Runnable callback) {
        return callLater(delay, callback, null);
    }

    /** Like {@link #callLater(Duration, Runnable)}, running the callback in {@code context}. */
    public TimerHandle callLater(Duration delay, Runnable callback, Context context) {
        long nanos = LoopTime.saturatedNanos(delay);
        return schedule(scheduler.now() + Math.max(0, nanos), callback, context);
    }

    /** Schedules {@code callback} at {@code when}, in the seconds of {@link #time()}. */
    public TimerHandle callAt(double when, Runnable callback) {
        return callAt(when, callback, null);
    }

    /** Like {@link #callAt(double, Runnable)}, running the callback in {@code context}. */
    public TimerHandle callAt(double when, Runnable callback, Context context) {
        if (Double.isNaN(when)) throw new IllegalArgumentException("when is NaN");
        return schedule(LoopTime.toNanoTime(when), callback, context);
    }

    private TimerHandle schedule(long deadline, Runnable callback, Context context) {
        if (callback == null) throw new NullPointerException("callback");
        owner.checkThread("callLater()/callAt()");
        owner.checkOpen();
        TimerHandle h = new TimerHandle(this, deadline, callback, context != null ? context : current.contextMap());
        scheduler.addTimer(h);
        return h;
    }

    // ---- futures and tasks ----

    /** A new pending future bound to this loop. */
    public <T> Future<T> createFuture() {
        return new Future<>(this);
    }

    /** Runs {@code coro} concurrently as a new task named "Task-N". */
    public <T> Task<T> createTask(Coroutine<T> coro) {
        return createTask(coro, null, null);
    }

    /** Runs {@code coro} concurrently as a new task with the given name. */
    public <T> Task<T> createTask(Coroutine<T> coro, String name) {
        return createTask(coro, name, null);
    }

    /**
     * {@link #createTask(Coroutine)} for a body without a result. Does not suspend; call it on
     * this loop's thread or in one of its tasks.
     */
    public Task<Void> createTask(AsyncRunnable body) {
        if (body == null) throw new NullPointerException("body");
        return createTask(Coroutine.of(body), null, null);
    }

    /** {@link #createTask(AsyncRunnable)} with a name. */
    public Task<Void> createTask(AsyncRunnable body, String name) {
        if (body == null) throw new NullPointerException("body");
        return createTask(Coroutine.of(body), name, null);
    }

    /**
     * Runs {@code coro} concurrently as a new task, made by the loop's {@link TaskFactory} if one
     * is set. Without a factory its first step is scheduled like a {@link #callSoon} callback.
     *
     * @param name    the task's name, or null for "Task-N"
     * @param context the context to run in, or null for a copy of the current one
     */
    public <T> Task<T> createTask(Coroutine<T> coro, String name, Context context) {
        TaskFactory factory = taskFactory;
        if (factory != null) {
            if (coro == null) throw new NullPointerException("coro");
            owner.checkThread("createTask()");
            owner.checkOpen();
            Task<T> task = factory.createTask(this, coro, name, context);
            if (task == null) throw new NullPointerException("the task factory returned null: " + factory);
            return task;
        }
        return createTask(coro, name, context, false);
    }

    /**
     * Runs {@code coro} concurrently as a new task, bypassing the task factory: the building block
     * of {@link TaskFactory} implementations (asyncio 3.14's {@code eager_start} argument).
     *
     * <p>With {@code eagerStart} and this loop running, the coroutine's first step runs at once,
     * before this method returns and before any other callback or task (asyncio 3.12's eager
     * tasks): a coroutine that finishes without suspending yields a task that is already done,
     * and one that suspends returns here at its first suspension. Otherwise, or when the loop is
     * not running, the first step is scheduled like a {@link #callSoon} callback.
     *
     * <p>Called from a task, the task pauses while the child's first step runs (a virtual thread
     * cannot run another's continuation), but this is not a suspension point: nothing else runs
     * meanwhile, and a cancellation requested meanwhile is delivered at the task's next
     * suspension, as in asyncio where the creator simply keeps running.
     *
     * @param name    the task's name, or null for "Task-N"
     * @param context the context to run in, or null for a copy of the current one
     */
    public <T> Task<T> createTask(Coroutine<T> coro, String name, Context context, boolean eagerStart) {
        if (coro == null) throw new NullPointerException("coro");
        owner.checkThread("createTask()");
        owner.checkOpen();
        return tasks.create(this, coro, name, context != null ? context : current.contextMap(), eagerStart && owner.thread() != null);
    }

    /**
     * Sets the factory that {@link #createTask(Coroutine, String, Context)} (and so
     * {@link Asyncio#createTask}, gather, task groups...) uses; null restores the default.
     * {@link Asyncio#eagerTaskFactory()} makes every new task start eagerly.
     */
    public void setTaskFactory(TaskFactory factory) {
        owner.checkThread("setTaskFactory()");
        this.taskFactory = factory;
    }

    /** The task factory, or null for the default. */
    public TaskFactory getTaskFactory() {
        return taskFactory;
    }

    /** The tasks of this loop that are not done yet. */
    public Set<Task<?>> allTasks() {
        owner.checkThread("allTasks()");
        return tasks.asSet();
    }

    /** The task running now on this loop, or null when called from a callback or another thread. */
    public Task<?> currentTask() {
        Task<?> t = current.task();
        return t != null && t.thread() == Thread.currentThread() ? t : null;
    }

    // ---- running ----

    /**
     * Runs the loop in the calling thread until {@link #stop} is called. Interrupting the loop
     * thread stops the loop too, at the end of the current iteration, and leaves the thread's
     * interrupt status set when this method returns ({@link Runner} instead cancels its main task).
     *
     * @throws IllegalStateException if the loop is closed or already running, another loop runs in
     *                               this thread, or the caller is a virtual thread
     */
    public void runForever() {
        Thread me = owner.enter(this);
        try {
            scheduler.runUntilStopped();
        } finally {
            owner.exit(this, me);
            scheduler.afterRun(me);
            // JFR events are committed by another thread (see JfrEvents): let it catch up, so
            // that a recording stopped after this returns holds the whole run.
            if (JfrEvents.AVAILABLE) JfrEvents.awaitCommitted();
        }
    }

    /**
     * Runs the loop until {@code future} is done and returns its result (rethrown as
     * {@link Future#result()} does).
     *
     * @throws IllegalStateException if the loop stopped before the future was done
     */
    public <T> T runUntilComplete(Future<T> future) {
        owner.checkOpen();
        if (owner.thread() != null) throw new IllegalStateException("This event loop is already running");
        if (future.loop != this) {
            throw new IllegalArgumentException("The future belongs to a different loop than this one: " + future);
        }
        java.util.function.Consumer<Future<T>> stopper = f -> stop();
        future.addDoneCallback(stopper);
        try {
            runForever();
        } finally {
            future.removeDoneCallback(stopper);
        }
        if (!future.done()) {
            throw new IllegalStateException("Event loop stopped before Future completed.");
        }
        return future.result();
    }

    /** Runs {@code coro} as a task until it is done and returns its result. */
    public <T> T runUntilComplete(Coroutine<T> coro) {
        return runUntilComplete(createTask(coro));
    }

    /** Runs {@code body} as a task until it is done. */
    public void runUntilComplete(AsyncRunnable body) {
        if (body == null) throw new NullPointerException("body");
        runUntilComplete(createTask(Coroutine.of(body)));
    }

    /**
     * Stops the loop after the current iteration; if it is not running, the next
     * {@link #runForever} runs one iteration and returns. From another thread use
     * {@code callSoonThreadsafe(loop::stop)}.
     */
    public void stop() {
        owner.checkThread("stop()");
        scheduler.stop();
    }

    public boolean isRunning() {
        return owner.thread() != null;
    }

    public boolean isClosed() {
        return owner.closed();
    }

    /**
     * Closes the loop: drops pending callbacks and timers, closes (with a warning) the sockets of
     * transports and servers still open, releases the selector and shuts the default executor
     * down without waiting. Idempotent. Tasks still pending are reported (they
     * can never run again); {@link Asyncio#run} and {@link Runner} cancel them first.
     *
     * @throws IllegalStateException if the loop is running
     */
    @Override
    public void close() {
        if (owner.thread() != null) throw new IllegalStateException("Cannot close a running event loop");
        if (owner.closed() || !closing.begin()) return;
        closing.runHooks(this);
        owner.markClosed();
        tasks.reportLeftPending();
        scheduler.clear();
        LoopClose.release(scheduler.inbox());
        executors.shutdownNow();
    }

    /**
     * Test mode: from the next iteration on, the callbacks and task steps ready in the same
     * iteration run in an order permuted with {@code seed}, keeping the order of everything one
     * producer scheduled (asyncio's only guarantee). Run a test under many seeds to find code
     * that silently depends on FIFO order between independent producers; the same seed replays
     * the same order. See {@code ScheduleShuffler}. Does not suspend; call it on the loop's
     * thread or before the loop runs.
     *
     * <pre>{@code
     * for (long seed = 0; seed < 100; seed++) {
     *     try (EventLoop loop = new EventLoop()) {
     *         loop.setRandomSchedule(seed);
     *         loop.runUntilComplete(() -> checkInvariants());
     *     }
     * }
     * }</pre>
     */
    public void setRandomSchedule(long seed) {
        owner.checkThread("setRandomSchedule()");
        scheduler.setShuffler(new ScheduleShuffler(seed));
    }

    // ---- signals (logic in LoopSignals) ----

    /**
     * Runs {@code callback} on this loop each time the process receives {@code signal}, asyncio's
     * {@code add_signal_handler}; replaces this loop's earlier handler for that signal. The name
     * is POSIX's, with or without the prefix: {@code "SIGTERM"} or {@code "TERM"}. The callback
     * runs as a {@link #callSoonThreadsafe} callback, in the context current here; what it throws
     * goes to the exception handler and the loop keeps running. The handler is removed when the
     * loop closes. Does not suspend; call it from the loop's thread (or while it is not running).
     *
     * <pre>{@code
     * loop.addSignalHandler("SIGTERM", () -> server.close());
     * }</pre>
     *
     * @throws IllegalArgumentException for an unknown name, SIGKILL or SIGSTOP, or a signal the JVM
     *                                  reserves or handles itself (SIGQUIT, SIGSEGV, SIGUSR2, SIGPIPE...)
     * @throws IllegalStateException    if another open loop handles the signal, or this loop is
     *                                  closed or runs in another thread
     */
    public void addSignalHandler(String signal, Runnable callback) {
        LoopSignals.add(this, signal, callback);
    }

    /**
     * Removes this loop's handler for {@code signal} and gives the signal back the handler it had
     * before (for SIGINT, SIGTERM and SIGHUP the JVM's: run the shutdown hooks and exit); returns
     * whether this loop had one, asyncio's {@code remove_signal_handler}. Does not suspend; call it
     * from the loop's thread.
     *
     * @throws IllegalArgumentException for an unknown name, SIGKILL or SIGSTOP
     */
    public boolean removeSignalHandler(String signal) {
        return LoopSignals.remove(this, signal);
    }

    // ---- debug and errors ----

    public boolean getDebug() {
        return scheduler.debug();
    }

    /**
     * Debug mode: callbacks and task steps slower than {@link #setSlowCallbackDuration} are logged.
     * Also enabled by the system property {@code jasyncio.debug=true} or the environment variable
     * {@code JASYNCIO_DEBUG} (except {@code 0}, {@code false}, {@code no}, {@code off} or empty).
     */
    public void setDebug(boolean enabled) {
        scheduler.setDebug(enabled);
    }

    /** In debug mode, callbacks slower than this are logged (default 100 ms). */
    public void setSlowCallbackDuration(Duration d) {
        if (d == null || d.isNegative()) throw new IllegalArgumentException("slow callback duration must be >= 0: " + d);
        scheduler.setSlowCallbackNanos(d.toNanos());
    }

    public Duration getSlowCallbackDuration() {
        return Duration.ofNanos(scheduler.slowCallbackNanos());
    }

    /** Sets the handler for errors nobody else receives; null restores the default (logging). */
    public void setExceptionHandler(ExceptionHandler handler) {
        errors.setHandler(handler);
    }

    public ExceptionHandler getExceptionHandler() {
        return errors.handler();
    }

    /** Passes {@code context} to the exception handler; a failing handler is logged. */
    public void callExceptionHandler(ErrorContext context) {
        errors.report(this, context);
    }

    /** The default handling: log {@code context} at level ERROR through {@link System.Logger}. */
    public void defaultExceptionHandler(ErrorContext context) {
        LoopErrors.log(context);
    }

    // ---- executors ----

    /**
     * Runs {@code fn} in {@code executor} (null for the loop's default executor of platform
     * threads) and returns a future of its result, completed on the loop. Cancelling the future
     * keeps {@code fn} from starting if it has not started; it cannot stop it once it runs.
     */
    public <T> Future<T> runInExecutor(Executor executor, Callable<T> fn) {
        if (fn == null) throw new NullPointerException("fn");
        owner.checkThread("runInExecutor()");
        owner.checkOpen();
        return executors.runInExecutor(this, executor, fn);
    }

    /**
     * Shuts the default executor down and returns a future that is done when its threads have
     * finished, or after {@code timeout} (then a warning is logged and the threads are
     * interrupted); a null timeout waits without limit, as asyncio's {@code timeout=None}. Later
     * {@link #runInExecutor} calls with the default executor fail.
     */
    public Future<Void> shutdownDefaultExecutor(Duration timeout) {
        owner.checkThread("shutdownDefaultExecutor()");
        return executors.shutdownDefault(this, timeout);
    }

    /**
     * Wraps a {@link CompletableFuture} in a future of this loop that completes (on the loop) when
     * it does; cancelling the returned future cancels {@code cf}. Call on the loop thread.
     */
    public <T> Future<T> wrapFuture(CompletableFuture<T> cf) {
        if (cf == null) throw new NullPointerException("cf");
        owner.checkThread("wrapFuture()");
        return executors.wrap(this, cf);
    }

    // ---- readiness callbacks (asyncio's add_reader/add_writer; logic in FdCallbacks) ----

    private FdCallbacks fdCallbacks() {
        FdCallbacks f = fdCallbacks;
        if (f == null) fdCallbacks = f = new FdCallbacks(this);
        return f;
    }

    /**
     * Calls {@code callback} on the loop each time {@code channel} is readable (or, for a server
     * socket, acceptable), until {@link #removeReader}: asyncio's {@code add_reader}. One reader
     * per channel: adding another replaces it. The callback runs in the context current now;
     * what it throws goes to the exception handler. Does not suspend; loop thread and its tasks
     * only.
     *
     * <pre>{@code
     * pipe.source().configureBlocking(false);
     * loop.addReader(pipe.source(), () -> {
     *     try {
     *         int n = pipe.source().read(buf.clear());
     *         if (n < 0) loop.removeReader(pipe.source());   // EOF
     *     } catch (IOException e) {
     *         loop.removeReader(pipe.source());
     *     }
     * });
     * }</pre>
     *
     * @throws IllegalArgumentException if the channel is blocking, closed or cannot be read
     * @throws IllegalStateException    if a transport, server or {@code Sockets} wait of this loop
     *                                  uses the channel, from another thread, or once closed
     */
    public void addReader(java.nio.channels.SelectableChannel channel, Runnable callback) {
        fdCallbacks().add(channel, callback, true);
    }

    /** Stops the reader callback of {@code channel}; returns whether there was one. Loop thread only. */
    public boolean removeReader(java.nio.channels.SelectableChannel channel) {
        return fdCallbacks().remove(channel, true);
    }

    /**
     * Calls {@code callback} on the loop each time {@code channel} is writable, until
     * {@link #removeWriter}: asyncio's {@code add_writer}. Same rules as {@link #addReader}.
     *
     * @throws IllegalArgumentException if the channel is blocking, closed or cannot be written
     * @throws IllegalStateException    if a transport, server or {@code Sockets} wait of this loop
     *                                  uses the channel, from another thread, or once closed
     */
    public void addWriter(java.nio.channels.SelectableChannel channel, Runnable callback) {
        fdCallbacks().add(channel, callback, false);
    }

    /** Stops the writer callback of {@code channel}; returns whether there was one. Loop thread only. */
    public boolean removeWriter(java.nio.channels.SelectableChannel channel) {
        return fdCallbacks().remove(channel, false);
    }
}
