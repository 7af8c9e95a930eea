package io.jasyncio;

import io.jasyncio.internal.ContextMap;
import io.jasyncio.internal.VirtualThreads;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.List;
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
    private static final System.Logger LOG = System.getLogger("io.jasyncio");

    // Each concern lives in its own class, one instance per loop, named after what it owns: the
    // scheduling core (ready queue, timers, I/O readiness, one iteration) is LoopScheduler, the
    // hot path, reached through one final field; CurrentStep knows what runs now. This class is
    // the facade, and keeps what every concern checks: the loop's thread and whether it is closed.
    // Invariant: all of it is touched only by the loop thread while it runs, or by any single
    // thread while it does not.
    private final LoopScheduler scheduler;
    private final LoopTasks tasks = new LoopTasks();
    private final LoopErrors errors = new LoopErrors();
    private final LoopExecutors executors = new LoopExecutors();
    private final LoopClose closing = new LoopClose();
    private TaskFactory taskFactory;
    private volatile Thread thread;
    private volatile boolean closed;
    /** Virtual time (see {@link VirtualClock}), or null for System.nanoTime(). */
    private final VirtualClock clock;
    /** The running task step or callback and its context. */
    private final CurrentStep current = new CurrentStep();

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
        checkCallback(callback);
        checkThread("callSoon()");
        checkOpen();
        Handle h = new Handle(this, callback, capture(context));
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
        checkCallback(callback);
        checkOpen();
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
        checkCallback(callback);
        checkThread("callLater()/callAt()");
        checkOpen();
        TimerHandle h = new TimerHandle(this, deadline, callback, capture(context));
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
            checkThread("createTask()");
            checkOpen();
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
        checkThread("createTask()");
        checkOpen();
        return tasks.create(this, coro, name, context != null ? context : currentContextMap(), eagerStart && thread != null);
    }

    /**
     * Sets the factory that {@link #createTask(Coroutine, String, Context)} (and so
     * {@link Asyncio#createTask}, gather, task groups...) uses; null restores the default.
     * {@link Asyncio#eagerTaskFactory()} makes every new task start eagerly.
     */
    public void setTaskFactory(TaskFactory factory) {
        checkThread("setTaskFactory()");
        this.taskFactory = factory;
    }

    /** The task factory, or null for the default. */
    public TaskFactory getTaskFactory() {
        return taskFactory;
    }

    /** The tasks of this loop that are not done yet. */
    public Set<Task<?>> allTasks() {
        checkThread("allTasks()");
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
        if (!RunningLoops.enter(me, this)) {
            throw new IllegalStateException("Cannot run the event loop while another loop is running in this thread");
        }
        thread = me;
        try {
            scheduler.runUntilStopped();
        } finally {
            thread = null;
            RunningLoops.exit(me, this);
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
        checkOpen();
        if (thread != null) throw new IllegalStateException("This event loop is already running");
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
        checkThread("stop()");
        scheduler.stop();
    }

    public boolean isRunning() {
        return thread != null;
    }

    public boolean isClosed() {
        return closed;
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
        if (thread != null) throw new IllegalStateException("Cannot close a running event loop");
        if (closed || !closing.begin()) return;
        closing.runHooks(this);
        closed = true;
        tasks.reportLeftPending();
        scheduler.clear();
        LoopClose.release(scheduler.inbox());
        executors.shutdownNow();
    }

    /** Registers {@code hook} to run at {@link #close()}; see LoopAccess.addCloseHook. */
    void addCloseHook(Runnable hook) {
        checkThread("addCloseHook()");
        checkOpen();
        closing.addHook(hook);
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
        checkThread("setRandomSchedule()");
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
        checkThread("runInExecutor()");
        checkOpen();
        return executors.runInExecutor(this, executor, fn);
    }

    /**
     * Shuts the default executor down and returns a future that is done when its threads have
     * finished, or after {@code timeout} (then a warning is logged and the threads are
     * interrupted); a null timeout waits without limit, as asyncio's {@code timeout=None}. Later
     * {@link #runInExecutor} calls with the default executor fail.
     */
    public Future<Void> shutdownDefaultExecutor(Duration timeout) {
        checkThread("shutdownDefaultExecutor()");
        return executors.shutdownDefault(this, timeout);
    }

    /**
     * Wraps a {@link CompletableFuture} in a future of this loop that completes (on the loop) when
     * it does; cancelling the returned future cancels {@code cf}. Call on the loop thread.
     */
    public <T> Future<T> wrapFuture(CompletableFuture<T> cf) {
        if (cf == null) throw new NullPointerException("cf");
        checkThread("wrapFuture()");
        return executors.wrap(this, cf);
    }

    // ---- internals for this package ----

    /** The loop running in (or carrying) the current thread, or null. */
    static EventLoop runningLoopOrNull() {
        return RunningLoops.current();
    }

    /** Whether the caller runs on this loop's thread: in a callback or in one of its tasks. */
    boolean isLoopThread() {
        Thread t = thread;
        return t != null && onLoop(t);
    }

    /**
     * Whether the caller is carried by {@code loopThread}, this loop's running thread: it is that
     * thread (a callback), or the virtual thread of the task whose step the loop runs now. The
     * hot path of every check and wake-up; two reads and two compares, where asking the JDK for
     * the carrier thread was a method-handle call. A task's virtual thread is carried by no
     * other thread (the loop is its scheduler), so the identity test is exact.
     */
    private boolean onLoop(Thread loopThread) {
        Thread me = Thread.currentThread();
        return me == loopThread || me == current.taskThread();
    }

    /** Whether the caller may use this loop's unsynchronized state: on its thread, or it is idle. */
    boolean isOwnerThread() {
        Thread t = thread;
        return t == null || onLoop(t);
    }

    void checkThread(String what) {
        Thread t = thread;
        if (t != null && !onLoop(t)) {
            throw new IllegalStateException(what + " was called from thread '" + Thread.currentThread().getName()
                    + "' but the event loop runs in thread '" + t.getName()
                    + "': loop objects are not thread-safe; use loop.callSoonThreadsafe() from other threads");
        }
    }

    void checkOpen() {
        if (closed) throw new IllegalStateException("Event loop is closed");
    }

    private static void checkCallback(Runnable callback) {
        if (callback == null) throw new NullPointerException("callback");
    }

    /** The current task of this loop, which must be the calling thread. */
    Task<?> requireCurrentTask(String what) {
        Task<?> t = current.task();
        if (t != null && t.thread() == Thread.currentThread()) return t;
        throw RunningLoops.notInTaskOf(this, what);
    }

    Context currentContext() {
        return current.context();
    }

    /** The contents of the current context: what callbacks and new tasks capture. */
    ContextMap currentContextMap() {
        return current.contextMap();
    }

    void setCurrentContext(Context context) {
        current.setContext(context);
    }

    private Object capture(Context explicit) {
        return explicit != null ? explicit : currentContextMap();
    }

    // ---- readiness callbacks (asyncio's add_reader/add_writer; logic in FdCallbacks) ----

    /** Created on first use; loop thread only. */
    private FdCallbacks fdCallbacks;

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

    /** The selector the loop sleeps in; channels register here with a Handle attached (I/O). */
    Selector selector() {
        return scheduler.selector();
    }

    /** Appends to the ready queue; the caller is on the loop thread or the loop is idle. */
    void scheduleSoon(Handle h) {
        scheduler.add(h);
    }

    /** Appends from whatever thread the JDK resumes a task on. */
    void scheduleFromAnyThread(Handle h) {
        Thread t = thread;
        if (t != null && onLoop(t)) {
            scheduler.add(h);
        } else if (closed) {
            LOG.log(System.Logger.Level.WARNING, "a task was resumed after its event loop closed and cannot run: {0}", h);
        } else {
            scheduler.offer(h);
        }
    }

    /** {@link #callSoonThreadsafe} that reports instead of failing when the loop is closed. */
    boolean callSoonThreadsafeIfOpen(Runnable callback) {
        try {
            callSoonThreadsafe(callback);
            return true;
        } catch (IllegalStateException closedLoop) {
            return false;
        }
    }

    /** Sets what an interrupt of the loop thread does while it runs; for {@link Runner}. */
    void setInterruptHandler(Runnable handler) {
        scheduler.setInterruptHandler(handler);
    }

    /** Whether the loop thread was interrupted since the last call; clears the record. */
    boolean takeInterrupt() {
        return scheduler.takeInterrupt();
    }

    void timerCancelled() {
        scheduler.timerCancelled();
    }

    void taskFinished(Task<?> t) {
        tasks.finished(t);
    }

    List<Task<?>> pendingTasksSnapshot() {
        return tasks.snapshot();
    }

    // ---- for the developer tools (VirtualClock, SlowStepMonitor, TaskDump); loop thread ----

    /** The thread running this loop, or null. */
    Thread loopThread() {
        return thread;
    }

    /** The scheduling core, for the virtual clock's idleness checks. */
    LoopScheduler scheduler() {
        return scheduler;
    }

    /** Pending tasks parked in a JDK call rather than in one of our suspension points. */
    List<Task<?>> tasksBlockedOutsideLoop() {
        return tasks.blockedOutsideLoop(current.task());
    }

    // ---- running handles ----

    /** Queues a task step to run before anything else (eager start); see LoopScheduler.urgent. */
    void pushUrgent(Handle h) {
        scheduler.pushUrgent(h);
    }

    /** Runs the urgent steps, including those they push, until none is left. Loop thread only. */
    void runUrgent() {
        scheduler.runUrgent();
    }

    /** Runs a callback in its context and sends what it throws to the exception handler. */
    void runCallback(Handle h, Runnable callback) {
        current.runCallback(this, h, callback);
    }

    /** Runs one step of {@code task}: its continuation, until it suspends or finishes. */
    void runTaskStep(Task<?> task, Runnable continuation) {
        current.runTaskStep(task, continuation);
    }
}
