package io.jasyncio;

import io.jasyncio.internal.ContextMap;
import io.jasyncio.internal.Inbox;
import io.jasyncio.internal.VirtualThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
 */
public final class EventLoop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    private static final ConcurrentHashMap<Thread, EventLoop> RUNNING = new ConcurrentHashMap<>();
    /** The loop {@link #runningLoopOrNull} found last: a cache in front of {@link #RUNNING}. */
    private static EventLoop lastRunning;
    private static final AtomicLong TASK_COUNTER = new AtomicLong();
    static final long ORIGIN = System.nanoTime();
    private static final Duration DEFAULT_SLOW_CALLBACK = Duration.ofMillis(100);

    // Invariant: ready, timers, the pending-task list and everything below them are touched only
    // by the loop thread while it runs, or by any single thread while it does not.
    private final ArrayDeque<Handle> ready = new ArrayDeque<>(256);
    /**
     * Task steps that must run before anything else, outside the ready queue's accounting: an
     * eager task's first step, then the task that created it (see Task.startEagerly). Used as a
     * stack (push to the front); drained after every handle the loop runs.
     */
    private final ArrayDeque<Handle> urgent = new ArrayDeque<>();
    private TaskFactory taskFactory;
    private final LoopTimers timers = new LoopTimers();
    private final Inbox<Handle> inbox;
    /**
     * I/O dispatch, asyncio's _process_events: every registered channel's key carries one
     * {@link Handle}, made once per channel and reused, which a readiness event appends to the
     * ready queue, behind the callbacks already ready and before due timers. No allocation per
     * event, asyncio's order, and the debug-mode timing and error handling of any callback.
     */
    private final java.util.function.Consumer<java.nio.channels.SelectionKey> ioReady =
            key -> ready.add((Handle) key.attachment());
    private boolean stopping;
    private volatile Thread thread;
    private volatile boolean closed;
    private boolean debug = Boolean.getBoolean("jasyncio.debug") || System.getenv("JASYNCIO_DEBUG") != null;
    private long slowCallbackNanos = DEFAULT_SLOW_CALLBACK.toNanos();
    private ExceptionHandler exceptionHandler;
    /** Virtual time (see {@link VirtualClock}), or null for System.nanoTime(). */
    private final VirtualClock clock;
    /** Debug mode's slow-step sampler, created on the first timed step. */
    private SlowStepMonitor slowSteps;
    /** JFR events made in a task, committed by the loop thread after the step (see JfrEvents). */
    ArrayList<Object> jfrDeferred;

    /** The task whose continuation the loop thread is running, or null in a callback. */
    private Task<?> currentTask;
    /** The context of the running callback: one object reused, its map set per callback. */
    private final Context callbackContext = new Context();
    private Context currentCallbackContext = callbackContext;
    private Task<?> pendingTasks;
    private int pendingTaskCount;

    private DefaultExecutor defaultExecutor;
    private boolean executorShutdownCalled;
    /** What an interrupt of the loop thread does; null: stop the loop (see {@link #runForever}). */
    private Runnable interruptHandler;
    private boolean interruptPending;

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
        try {
            inbox = new Inbox<>(Selector.open());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for the event loop", e);
        }
    }

    // ---- clock ----

    /** The loop's monotonic clock in seconds, like asyncio's {@code loop.time()}. */
    public double time() {
        return toSeconds(now());
    }

    /** The loop's clock in System.nanoTime() units: real, or ORIGIN plus virtual time. */
    private long now() {
        VirtualClock c = clock;
        return c == null ? System.nanoTime() : ORIGIN + c.nanos();
    }

    /** The virtual clock driving this loop, or null if it runs on real time. */
    public VirtualClock getVirtualClock() {
        return clock;
    }

    static double toSeconds(long nanoTime) {
        return (nanoTime - ORIGIN) / 1e9;
    }

    /**
     * A {@link #time()} value as a deadline. Clamped to 73 years either side of ORIGIN: deadlines
     * are compared by difference, which must not overflow, so that callAt(-inf) is due at once
     * and callAt(+inf) never, as in asyncio.
     */
    private static long toNanoTime(double seconds) {
        double limit = Long.MAX_VALUE / 4;
        return ORIGIN + (long) Math.max(-limit, Math.min(limit, seconds * 1e9));
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
        ready.add(h);
        return h;
    }

    /**
     * Schedules {@code callback} from any thread, waking the loop if it sleeps. The one way for
     * other threads to hand work to a loop.
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
        Handle h = new Handle(this, callback, capture(context));
        inbox.offer(h);
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
        long nanos = saturatedNanos(delay);
        return schedule(now() + Math.max(0, nanos), callback, context);
    }

    /** {@link #callLater(Duration, Runnable)} with the delay in seconds, for asyncio parity. */
    public TimerHandle callLater(double delaySeconds, Runnable callback) {
        if (Double.isNaN(delaySeconds)) throw new IllegalArgumentException("delay is NaN");
        return callLater(Duration.ofNanos((long) Math.min(Long.MAX_VALUE / 2.0, delaySeconds * 1e9)), callback, null);
    }

    /** Schedules {@code callback} at {@code when}, in the seconds of {@link #time()}. */
    public TimerHandle callAt(double when, Runnable callback) {
        return callAt(when, callback, null);
    }

    /** Like {@link #callAt(double, Runnable)}, running the callback in {@code context}. */
    public TimerHandle callAt(double when, Runnable callback, Context context) {
        if (Double.isNaN(when)) throw new IllegalArgumentException("when is NaN");
        return schedule(toNanoTime(when), callback, context);
    }

    private TimerHandle schedule(long deadline, Runnable callback, Context context) {
        checkCallback(callback);
        checkThread("callLater()/callAt()");
        checkOpen();
        TimerHandle h = new TimerHandle(this, deadline, callback, capture(context));
        timers.add(h);
        return h;
    }

    private static long saturatedNanos(Duration d) {
        if (d == null) throw new NullPointerException("delay");
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
        }
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
        Task<T> task = new Task<>(this, coro,
                name, name != null ? 0 : TASK_COUNTER.incrementAndGet(),
                context != null ? context : currentContextMap());
        if (debug) task.creationStack = TaskDebug.creationStack();
        linkPending(task);
        if (JfrEvents.AVAILABLE && JfrEvents.recording()) JfrEvents.taskCreated(task);
        if (eagerStart && thread != null) {
            task.startEagerly();
        } else {
            task.start();
        }
        return task;
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
        Set<Task<?>> all = Collections.newSetFromMap(new java.util.LinkedHashMap<>());
        for (Task<?> t = pendingTasks; t != null; t = t.nextPending) all.add(t);
        return all;
    }

    /** The task running now on this loop, or null when called from a callback or another thread. */
    public Task<?> currentTask() {
        Task<?> t = currentTask;
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
        if (RUNNING.putIfAbsent(me, this) != null) {
            throw new IllegalStateException("Cannot run the event loop while another loop is running in this thread");
        }
        thread = me;
        try {
            while (true) {
                if (JfrEvents.AVAILABLE && JfrEvents.recording()) {
                    Object iteration = JfrEvents.iterationBegin();
                    runOnce();
                    JfrEvents.iterationEnd(iteration, this);
                } else {
                    runOnce();
                }
                if (stopping) break;
            }
        } finally {
            stopping = false;
            thread = null;
            RUNNING.remove(me, this);
            if (lastRunning == this) lastRunning = null; // don't keep a stopped loop reachable
            if (interruptPending && interruptHandler == null) {
                interruptPending = false;
                me.interrupt();
            }
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
        stopping = true;
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
        if (closed) return;
        closed = true;
        for (Task<?> t = pendingTasks; t != null; t = t.nextPending) {
            LOG.log(System.Logger.Level.WARNING, "Task was destroyed but it is pending: {0}", TaskDebug.describe(t));
        }
        ready.clear();
        timers.clear();
        ArrayDeque<Handle> late = new ArrayDeque<>();
        inbox.drainTo(late);
        for (Handle h : late) {
            if (!h.cancelled()) LOG.log(System.Logger.Level.WARNING, "callback dropped because the loop closed: {0}", h);
        }
        closeHooks.runAll(this);
        // Channels still registered belong to transports, servers or sock* calls nobody closed:
        // close them rather than leak their descriptors, and say so (asyncio's ResourceWarning).
        for (java.nio.channels.SelectionKey key : inbox.selector().keys()) {
            java.nio.channels.SelectableChannel channel = key.channel();
            if (!channel.isOpen()) continue;
            LOG.log(System.Logger.Level.WARNING, "closing {0} left open when the event loop closed ({1})", channel, key.attachment());
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "closing a channel failed", e);
            }
        }
        try {
            inbox.selector().close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the selector failed", e);
        }
        DefaultExecutor executor = defaultExecutor;
        if (executor != null) {
            defaultExecutor = null;
            executor.shutdown();
        }
    }

    // ---- debug and errors ----

    public boolean getDebug() {
        return debug;
    }

    /**
     * Debug mode: callbacks and task steps slower than {@link #setSlowCallbackDuration} are logged.
     * Also enabled by the system property {@code jasyncio.debug=true} or the environment variable
     * {@code JASYNCIO_DEBUG}.
     */
    public void setDebug(boolean enabled) {
        this.debug = enabled;
    }

    /** In debug mode, callbacks slower than this are logged (default 100 ms). */
    public void setSlowCallbackDuration(Duration d) {
        if (d == null || d.isNegative()) throw new IllegalArgumentException("slow callback duration must be >= 0: " + d);
        slowCallbackNanos = d.toNanos();
    }

    public Duration getSlowCallbackDuration() {
        return Duration.ofNanos(slowCallbackNanos);
    }

    /** Sets the handler for errors nobody else receives; null restores the default (logging). */
    public void setExceptionHandler(ExceptionHandler handler) {
        this.exceptionHandler = handler;
    }

    public ExceptionHandler getExceptionHandler() {
        return exceptionHandler;
    }

    /** Passes {@code context} to the exception handler; a failing handler is logged. */
    public void callExceptionHandler(ErrorContext context) {
        ExceptionHandler h = exceptionHandler;
        if (h == null) {
            defaultExceptionHandler(context);
            return;
        }
        try {
            h.handle(this, context);
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError vme) throw vme;
            defaultHandler(ErrorContext.of("Unhandled error in exception handler (context: " + context.message() + ")", t));
        }
    }

    /** The default handling: log {@code context} at level ERROR through {@link System.Logger}. */
    public void defaultExceptionHandler(ErrorContext context) {
        defaultHandler(context);
    }

    static void defaultHandler(ErrorContext context) {
        StringBuilder msg = new StringBuilder(context.message());
        if (context.future() != null) {
            msg.append("\n  future: ").append(context.future() instanceof Task<?> t ? TaskDebug.describe(t) : context.future());
        }
        if (context.handle() != null) msg.append("\n  handle: ").append(context.handle());
        LOG.log(System.Logger.Level.ERROR, msg.toString(), context.exception());
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
        if (executor == null) executor = defaultExecutor().executor();
        Future<T> result = createFuture();
        if (clock != null) clock.trackExternal(result);
        ThreadBridge.runInExecutor(this, executor, fn, result);
        return result;
    }

    private DefaultExecutor defaultExecutor() {
        if (executorShutdownCalled) {
            throw new IllegalStateException("Executor shutdown has been called");
        }
        if (defaultExecutor == null) defaultExecutor = new DefaultExecutor();
        return defaultExecutor;
    }

    /**
     * Shuts the default executor down and returns a future that is done when its threads have
     * finished, or after {@code timeout} (then a warning is logged and the threads are
     * interrupted); a null timeout waits without limit, as asyncio's {@code timeout=None}. Later
     * {@link #runInExecutor} calls with the default executor fail.
     */
    public Future<Void> shutdownDefaultExecutor(Duration timeout) {
        checkThread("shutdownDefaultExecutor()");
        executorShutdownCalled = true;
        Future<Void> done = createFuture();
        DefaultExecutor executor = defaultExecutor;
        if (executor == null) {
            done.setResult(null);
            return done;
        }
        defaultExecutor = null;
        if (clock != null) clock.trackExternal(done);
        ThreadBridge.shutdown(this, executor, timeout, done);
        return done;
    }

    /**
     * Wraps a {@link CompletableFuture} in a future of this loop that completes (on the loop) when
     * it does; cancelling the returned future cancels {@code cf}. Call on the loop thread.
     */
    public <T> Future<T> wrapFuture(CompletableFuture<T> cf) {
        if (cf == null) throw new NullPointerException("cf");
        checkThread("wrapFuture()");
        Future<T> f = createFuture();
        if (clock != null) clock.trackExternal(f);
        ThreadBridge.wrap(this, cf, f);
        return f;
    }

    // ---- internals for this package ----

    /** The loop running in (or carrying) the current thread, or null. */
    static EventLoop runningLoopOrNull() {
        Thread carrier = VirtualThreads.currentCarrier();
        // Most lookups come from the one loop that ran last: check it before the map. The field
        // may be stale or raced, but a loop's thread equals the carrier only while it runs there.
        EventLoop last = lastRunning;
        if (last != null && last.thread == carrier) return last;
        EventLoop loop = RUNNING.get(carrier);
        if (loop != null) lastRunning = loop;
        return loop;
    }

    /** Whether the caller runs on this loop's thread: in a callback or in one of its tasks. */
    boolean isLoopThread() {
        Thread t = thread;
        return t != null && VirtualThreads.currentCarrier() == t;
    }

    /** Whether the caller may use this loop's unsynchronized state: on its thread, or it is idle. */
    boolean isOwnerThread() {
        Thread t = thread;
        return t == null || VirtualThreads.currentCarrier() == t;
    }

    void checkThread(String what) {
        Thread t = thread;
        if (t != null && VirtualThreads.currentCarrier() != t) {
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
        Task<?> t = currentTask;
        if (t != null && t.thread() == Thread.currentThread()) return t;
        EventLoop running = runningLoopOrNull();
        if (running != null && running != this) {
            Task<?> other = running.currentTask();
            throw new IllegalStateException(what + ": " + (other != null ? "task " + other.getName() : "this callback")
                    + " runs on another event loop than the future's");
        }
        if (running == this) {
            throw new IllegalStateException(what + " can only suspend inside a task, not in a callback: "
                    + "start the code with loop.createTask() or Asyncio.createTask()");
        }
        throw new IllegalStateException(what + " can only suspend inside a task: no event loop runs in thread '"
                + Thread.currentThread().getName() + "'; start the code with Asyncio.run()");
    }

    Context currentContext() {
        Task<?> t = currentTask;
        return t != null ? t.context() : currentCallbackContext;
    }

    /** The contents of the current context: what callbacks and new tasks capture. */
    ContextMap currentContextMap() {
        Task<?> t = currentTask;
        return t != null ? t.contextMap() : currentCallbackContext.map;
    }

    void setCurrentContext(Context context) {
        Task<?> t = currentTask;
        if (t != null) t.setContext(context);
        else currentCallbackContext = context;
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

    /** Resources to release when the loop closes (LoopAccess.addCloseHook); see CloseHooks. */
    private final CloseHooks closeHooks = new CloseHooks();

    /** Registers a close hook (LoopAccess.addCloseHook). */
    void addCloseHook(Runnable hook) {
        closeHooks.add(hook);
    }

    /** The selector the loop sleeps in; channels register here with a Handle attached (I/O). */
    Selector selector() {
        return inbox.selector();
    }

    /** Appends to the ready queue; the caller is on the loop thread or the loop is idle. */
    void scheduleSoon(Handle h) {
        ready.add(h);
    }

    /** Appends from whatever thread the JDK resumes a task on. */
    void scheduleFromAnyThread(Handle h) {
        if (VirtualThreads.currentCarrier() == thread) {
            ready.add(h);
        } else if (closed) {
            LOG.log(System.Logger.Level.WARNING, "a task was resumed after its event loop closed and cannot run: {0}", h);
        } else {
            inbox.offer(h);
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
        interruptHandler = handler;
    }

    /** Whether the loop thread was interrupted since the last call; clears the record. */
    boolean takeInterrupt() {
        boolean was = interruptPending;
        interruptPending = false;
        return was;
    }

    void timerCancelled() {
        timers.cancelled();
    }

    void linkPending(Task<?> t) {
        t.nextPending = pendingTasks;
        if (pendingTasks != null) pendingTasks.prevPending = t;
        pendingTasks = t;
        pendingTaskCount++;
    }

    void taskFinished(Task<?> t) {
        Task<?> prev = t.prevPending;
        Task<?> next = t.nextPending;
        if (prev != null) prev.nextPending = next;
        else pendingTasks = next;
        if (next != null) next.prevPending = prev;
        t.prevPending = null;
        t.nextPending = null;
        pendingTaskCount--;
        if (JfrEvents.AVAILABLE && JfrEvents.recording()) JfrEvents.taskCompleted(t);
    }

    int pendingTaskCount() {
        return pendingTaskCount;
    }

    List<Task<?>> pendingTasksSnapshot() {
        List<Task<?>> list = new ArrayList<>(pendingTaskCount);
        for (Task<?> t = pendingTasks; t != null; t = t.nextPending) list.add(t);
        return list;
    }

    // ---- for the developer tools (VirtualClock, SlowStepMonitor, TaskDump); loop thread ----

    /** The loops running now, in any thread. */
    static java.util.Collection<EventLoop> runningLoops() {
        return List.copyOf(RUNNING.values());
    }

    /** The thread running this loop, or null. */
    Thread loopThread() {
        return thread;
    }

    boolean hasReadyWork() {
        return !ready.isEmpty() || !urgent.isEmpty() || !inbox.isEmpty();
    }

    boolean hasTimers() {
        return !timers.isEmpty();
    }

    boolean hasRegisteredChannels() {
        return !inbox.selector().keys().isEmpty();
    }

    /** Whether a registered channel waits for a connect to complete (real-time work in flight). */
    boolean hasPendingConnects() {
        for (java.nio.channels.SelectionKey k : inbox.selector().keys()) {
            try {
                if (k.isValid() && (k.interestOps() & java.nio.channels.SelectionKey.OP_CONNECT) != 0) return true;
            } catch (java.nio.channels.CancelledKeyException raced) {
                // cancelled meanwhile: not pending
            }
        }
        return false;
    }

    long firstTimerDeadline() {
        return timers.firstDeadline();
    }

    /** Pending tasks parked in a JDK call rather than in one of our suspension points. */
    List<Task<?>> tasksBlockedOutsideLoop() {
        List<Task<?>> list = List.of();
        for (Task<?> t = pendingTasks; t != null; t = t.nextPending) {
            if (t != currentTask && t.blockedOutsideLoop()) {
                if (list.isEmpty()) list = new ArrayList<>();
                list.add(t);
            }
        }
        return list;
    }

    // ---- one iteration ----

    private void runOnce() {
        timers.dropCancelled();
        inbox.drainTo(ready);
        long timeout;
        if (!ready.isEmpty() || stopping) {
            timeout = 0;
        } else if (!timers.isEmpty()) {
            timeout = Math.max(0, timers.firstDeadline() - now());
            if (clock != null) timeout = clock.selectTimeout(this, timeout);
        } else {
            timeout = clock == null ? -1 : clock.selectTimeout(this, -1);
        }
        try {
            // With work ready and no channel registered, polling the selector would be a wasted
            // system call per iteration; cross-thread work arrives through the inbox anyway.
            if (timeout != 0 || !inbox.selector().keys().isEmpty()) {
                inbox.select(timeout, ioReady);
            }
        } catch (IOException e) {
            callExceptionHandler(ErrorContext.of("selector failed", e));
        }
        if (Thread.interrupted()) {
            // Selectors return at once while the thread is interrupted: take the interrupt here,
            // or the loop would spin.
            interruptPending = true;
            if (interruptHandler != null) interruptHandler.run();
            else stopping = true;
        }
        inbox.drainTo(ready);
        if (clock != null) clock.afterSelect(this);
        if (!timers.isEmpty()) {
            timers.moveDue(now(), ready);
        }
        // Run only what was ready at this point; what these schedule waits for the next round.
        for (int n = ready.size(); n > 0; n--) {
            run(ready.poll());
            runUrgent();
        }
    }

    /** Runs one callback or task step, timed in debug mode and observed by JFR when recording. */
    private void run(Handle h) {
        if (debug) {
            runTimed(h);
        } else if (JfrEvents.AVAILABLE && JfrEvents.recording()) {
            JfrEvents.step(h);
        } else {
            h.invoke();
        }
    }

    /** Queues a task step to run before anything else (eager start); see {@link #urgent}. */
    void pushUrgent(Handle h) {
        urgent.addFirst(h);
    }

    /** Runs the urgent steps, including those they push, until none is left. Loop thread only. */
    void runUrgent() {
        Handle h;
        while ((h = urgent.pollFirst()) != null) {
            run(h);
        }
    }

    private void runTimed(Handle h) {
        SlowStepMonitor m = slowSteps;
        if (m == null) slowSteps = m = new SlowStepMonitor(this);
        long t0 = m.begin(h);
        try {
            h.invoke();
        } finally {
            m.end(h, t0, slowCallbackNanos);
        }
    }

    /** Runs a callback in its context and sends what it throws to the exception handler. */
    void runCallback(Handle h, Runnable callback) {
        Object ctx = h.context;
        Context saved = currentCallbackContext;
        if (ctx instanceof ContextMap snapshot) {
            callbackContext.map = snapshot;
            currentCallbackContext = callbackContext;
        } else if (ctx instanceof Context explicit) {
            currentCallbackContext = explicit;
        }
        try {
            callback.run();
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError vme) throw vme;
            callExceptionHandler(new ErrorContext("Exception in callback " + h, t, null, h));
        } finally {
            currentCallbackContext = saved;
        }
    }

    /** Runs one step of {@code task}: its continuation, until it suspends or finishes. */
    void runTaskStep(Task<?> task, Runnable continuation) {
        Task<?> saved = currentTask;
        currentTask = task;
        try {
            continuation.run();
        } finally {
            currentTask = saved;
        }
    }
}
