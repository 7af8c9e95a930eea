package io.jasyncio;

import io.jasyncio.internal.ContextMap;
import io.jasyncio.internal.VirtualThreads;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;

/**
 * A coroutine running concurrently on an event loop: asyncio's {@code Task}, and a
 * {@link Future} of the coroutine's result.
 *
 * <pre>{@code
 * Asyncio.run(() -> {
 *     Task<Integer> t = Asyncio.createTask(() -> {
 *         Asyncio.sleep(Duration.ofMillis(50));
 *         return 42;
 *     }, "answer");
 *     System.out.println(t.await()); // 42
 * });
 * }</pre>
 *
 * <h2>How it runs</h2>
 * Each task is a virtual thread whose scheduler is its loop, so all of a loop's tasks run on the
 * loop thread, one at a time, switching only where one suspends: in {@link Future#await()},
 * {@link Asyncio#sleep}, the synchronization primitives and the streams — or in a blocking JDK
 * call ({@code Thread.sleep}, a {@code java.net.Socket} read, a monitor wait), which parks only
 * this task; the JDK resumes it through the loop. (DESIGN.md §1.)
 *
 * <h2>Cancellation</h2>
 * {@link #cancel(String)} arranges for a {@link CancelledError} to be thrown inside the task at its
 * next suspension point; if the task awaits another future, that future is cancelled instead (so
 * cancelling a task that awaits a child cancels the child). A task blocked in a JDK call is
 * interrupted, and the exception that interrupt causes ends the task as cancelled. A task that
 * catches the {@code CancelledError} and returns completes normally; {@link #cancelling()} and
 * {@link #uncancel()} count requests as in asyncio 3.11+.
 *
 * <p>Like every loop object, a task is used from its loop's thread; {@link #isDone()},
 * {@link #isCancelled()}, {@link #get()} and {@link #cancel(boolean)} are the exceptions. As for
 * every future, only {@link #await()} suspends.
 *
 * @param <T> the result type
 */
public final class Task<T> extends Future<T> {
    private final Coroutine<T> coro;
    private final Step step = new Step(this);
    /**
     * Made at the first step (or when {@link #thread()} is asked for it) and let go when the task
     * is done: a task queued but not yet started, or finished but still referenced, keeps no
     * thread alive. A million tasks created at once otherwise hold a million virtual threads.
     */
    private Thread thread;
    /** The name given, or null for the default "Task-" + {@link #number}, built when asked for. */
    private String name;
    /**
     * The default name's number: most tasks are never asked their name, so keep 4 bytes, not a
     * String. A number beyond {@code int} (the 2^31st task) has its name made at once instead.
     */
    private final int number;
    /**
     * The task's current context (its own, or one entered with {@link Context#run}) — or, until
     * something needs the Context object itself, just the contents copied from its creator: most
     * tasks never set a variable, and a Context per task would be 24 bytes more per task.
     */
    private Object context;

    private int cancelsRequested;
    /** A cancellation was requested that has not yet been thrown into the coroutine. */
    private boolean mustCancel;
    private String pendingCancelMessage;
    /** The cancel request was delivered as an interrupt, because the task sat in a JDK call. */
    private boolean interruptedForCancel;
    /** The future this task is suspended on in {@link #awaitFuture}, as asyncio's _fut_waiter. */
    private Future<?> waitingOn;
    /** True while suspended in one of our own suspension points (never interrupted then). */
    private boolean suspended;
    private boolean woken;
    private boolean started;
    /** While true, the JDK's first schedule request comes from our own start of the thread. */
    private boolean starting;
    /**
     * Eager start (asyncio 3.12's eager_start): where the first step goes. {@link #URGENT}: to the
     * front of the loop's urgent queue, to run before anything else; {@link #INLINE}: right away,
     * inside the caller's callback on the loop thread.
     */
    private byte eagerMode;
    private static final byte URGENT = 1;
    private static final byte INLINE = 2;
    /** Set while this task yields so that an eager child's first step runs before it resumes. */
    private Task<?> eagerChild;

    /**
     * The innermost {@link CancelScope} active in this task, linked to the outer ones through
     * {@code CancelScope.outer}; null (the common case) when none is. A request for cancellation
     * from outside the innermost shielded scope is held there instead of being delivered (see
     * {@link #request}). 4 bytes per task; the no-scope path reads it once per cancel().
     */
    CancelScope cancelScopes;

    /** Where the task was created, recorded in debug mode (see TaskDebug); null otherwise. */
    StackTraceElement[] creationStack;

    /** The loop's intrusive list of pending tasks (allTasks), linked without allocation. */
    Task<?> prevPending;
    Task<?> nextPending;

    /**
     * @param name    null for the default name, "Task-" + {@code number}
     * @param context the task's {@link Context}, or the {@link ContextMap} to give it a copy of
     */
    Task(EventLoop loop, Coroutine<T> coro, String name, long number, Object context) {
        super(loop);
        this.coro = coro;
        // An int number and a byte eagerMode keep a Task at 96 bytes, not 104.
        this.name = name == null && number > Integer.MAX_VALUE ? "Task-" + number : name;
        this.number = (int) number;
        this.context = context;
    }

    /** The task's name (asyncio's {@code get_name()}). */
    public String getName() {
        String n = name;
        return n != null ? n : "Task-" + number;
    }

    /** Renames the task and its virtual thread. */
    public void setName(String name) {
        if (name == null) throw new NullPointerException("name");
        this.name = name;
        Thread t = thread;
        if (t != null) t.setName(name);
    }

    /** The coroutine this task runs. */
    public Coroutine<T> getCoro() {
        return coro;
    }

    /** A copy of the context the task runs in. */
    public Context getContext() {
        return new Context(contextMap());
    }

    /** The task's current context, made on first need (see {@link #context}). */
    Context context() {
        Object c = context;
        if (c instanceof Context ctx) return ctx;
        Context made = new Context((ContextMap) c);
        context = made;
        return made;
    }

    /** The contents of the task's current context, without making a Context object. */
    ContextMap contextMap() {
        Object c = context;
        return c instanceof Context ctx ? ctx.map : (ContextMap) c;
    }

    void setContext(Context ctx) {
        context = ctx;
    }

    /**
     * The virtual thread that carries this task, or null once the task is done. It carries the
     * task's name (in thread dumps, {@code Thread.getName()}) when the task was given one
     * ({@link Asyncio#createTask(Coroutine, String)}, {@link #setName}) or the loop is in debug
     * mode; otherwise it is unnamed ({@code ""}), which spares a String per task that an idle
     * server connection would hold for its whole life. {@link #getName()} is "Task-N" either way. Any thread may ask; from another thread than the loop's the
     * answer is also null while the task has not started yet (its thread is made lazily, and only
     * by its loop: a thread made by a second thread would race with the one the loop starts).
     */
    public Thread thread() {
        Thread t = thread;
        if (t == null && !done() && loop.owner.isOwnerThread()) thread = t = VirtualThreads.newThread(step, threadName(), step);
        return t;
    }

    /** The name the thread gets: null (unnamed) for a default-named task outside debug mode. */
    private String threadName() {
        return name != null ? name : loop.getDebug() ? getName() : null;
    }

    /** The thread if it was made and the task is not done; never makes one. */
    Thread threadIfMade() {
        return thread;
    }

    // ---- for the developer tools (VirtualClock, TaskDump); loop thread ----

    /** The future this task awaits in one of our suspension points, or null. */
    Future<?> waitingOn() {
        return waitingOn;
    }

    /** Whether the task is suspended in one of our own suspension points. */
    boolean suspendedInLoop() {
        return suspended;
    }

    /** Whether the task has started and is parked in a JDK call, not in our suspension points. */
    boolean blockedOutsideLoop() {
        return started && !suspended && !done();
    }

    /**
     * Requests cancellation: a {@link CancelledError} with {@code message} is thrown into the
     * coroutine at its next suspension point. Returns false if the task is already done (a
     * failed task's exception then counts as retrieved, as in {@link Future#cancel(String)}).
     * Repeated requests are counted (see {@link #cancelling()}). While the task runs inside a
     * shielded {@link CancelScope}, the request waits until the shield ends or is lowered (it
     * still returns true). Does not suspend; loop thread only.
     */
    @Override
    public boolean cancel(String message) {
        return request(WHOLE_TASK, message, false);
    }

    /** The scope a plain {@link #cancel(String)} aims at: the whole task, outside every scope. */
    static final long WHOLE_TASK = 0;
    /** A request made from where the task runs now, inside every scope active: no shield holds it. */
    static final long HERE = Long.MAX_VALUE;

    /**
     * Requests cancellation on behalf of the scope entered as {@code scope} (its number from
     * {@code LoopTasks.nextScope()}, or {@link #WHOLE_TASK}): what {@link #cancel(String)},
     * {@link Timeout}, {@link TaskGroup} and {@link CancelScope} all come through. If a shielded
     * CancelScope entered after that scope is active, the request is held by the innermost such
     * shield and comes back here when the shield ends or is lowered (ADR 0006). A held request
     * is not counted by {@link #cancelling()} until then, so that a Timeout or TaskGroup inside
     * the shield still recognises its own cancellation. {@code counted}: the request is already
     * in the count (one taken back from a shield that held it after it was counted).
     */
    boolean request(long scope, String message, boolean counted) {
        loop.owner.checkThread("Task.cancel()");
        if (done()) {
            markRetrieved(); // as Future.cancel: the caller has dealt with a failed task
            return false;
        }
        CancelScope scopes = cancelScopes;
        if (scopes != null) {
            CancelScope shield = scopes.innermostShield();
            if (shield != null && scope < shield.number()) {
                shield.hold(scope, message, counted);
                return true;
            }
        }
        if (!counted) cancelsRequested++;
        else if (cancelsRequested == 0) return true; // withdrawn by uncancel() while held
        Future<?> waiter = waitingOn;
        if (waiter != null && waiter.cancel(message)) {
            // The awaited future carries the cancellation into this task when it wakes. Keep
            // waitingOn: it may be a task that ignores the request and needs cancelling again.
            return true;
        }
        mustCancel = true;
        pendingCancelMessage = message;
        if (started && !suspended && Thread.currentThread() != thread) {
            // Parked in a JDK call (Thread.sleep, socket read, monitor wait...): wake it up.
            interruptedForCancel = true;
            thread.interrupt();
        }
        return true;
    }

    /**
     * How many cancellation requests are pending: requests minus {@link #uncancel()} calls.
     * Requests that a shielded {@link CancelScope} holds back are counted only once the shield
     * lets them through.
     */
    public int cancelling() {
        return cancelsRequested;
    }

    /**
     * Decrements the count of cancellation requests and returns the new count; at zero, a request
     * not yet delivered is withdrawn, together with the interrupt it sent to a JDK call when this
     * is called from the task itself (another thread cannot clear it). For code that catches
     * {@link CancelledError} on purpose.
     */
    public int uncancel() {
        loop.owner.checkThread("Task.uncancel()");
        if (cancelsRequested > 0) {
            cancelsRequested--;
            if (cancelsRequested == 0) {
                mustCancel = false;
                withdrawInterrupt();
            }
        }
        return cancelsRequested;
    }

    /**
     * The request just withdrawn may have been sent as an interrupt that the code never turned
     * into a cancellation (a JDK call that ignores interrupts keeps the flag set): take it back,
     * or the next blocking call would fail for a cancellation that no longer exists. Only the
     * task's own thread can clear its interrupt status, which is where timeouts and task groups
     * call uncancel() from.
     */
    private void withdrawInterrupt() {
        if (!interruptedForCancel) return;
        interruptedForCancel = false;
        if (Thread.currentThread() == thread) Thread.interrupted();
    }

    /** Always fails: a task's result comes from its coroutine. */
    @Override
    public void setResult(T value) {
        throw new UnsupportedOperationException("Task does not support setResult(): its result comes from its coroutine");
    }

    /** Always fails: a task's exception comes from its coroutine. */
    @Override
    public void setException(Throwable error) {
        throw new UnsupportedOperationException("Task does not support setException(): its exception comes from its coroutine");
    }

    @Override
    public String toString() {
        return "Task[" + getName() + ", " + super.toString() + TaskDebug.createdAtSuffix(this) + "]";
    }

    // ---- running ----

    /** Queues the first step; the virtual thread is made when it runs (see {@link Step#invoke}). */
    void start() {
        loop.scheduler.add(step);
    }

    /**
     * Starts the task eagerly, with asyncio 3.12's observable behaviour: its first step runs now,
     * before the caller continues and before any other ready work; a coroutine that finishes
     * without suspending leaves the task done when this returns.
     *
     * <p>A virtual thread cannot run another one's continuation (the JDK throws
     * WrongThreadException), so a creating task cannot simply call into the child. Instead it
     * yields: its own continuation, then the child's first step, are pushed to the front of the
     * loop's urgent queue, which the loop drains before it touches its ready queue again. Created
     * from a callback, the loop thread itself is free to run the step inline.
     */
    void startEagerly() {
        Task<?> creator = loop.currentTask();
        if (creator == null) {
            eagerMode = INLINE;
            starting = true;
            thread().start();
            loop.scheduler.runUrgent(); // eager grandchildren started by that first step, then their creators
        } else {
            creator.yieldForEagerChild(this);
        }
    }

    /** Runs in this task: lets {@code child}'s first step run, then continues (see startEagerly). */
    private void yieldForEagerChild(Task<?> child) {
        eagerChild = child;
        // While yielded, a cancel() (say, from the child) must not interrupt us: as in asyncio,
        // where the creator is still running, it is delivered at our next suspension point.
        suspended = true;
        try {
            Thread.yield();
        } finally {
            suspended = false;
        }
        if (eagerChild != null) {
            // The yield did not happen (the thread is pinned): fall back to a normal start.
            eagerChild = null;
            child.start();
        }
    }

    /**
     * The requests a scope entered now must treat as not its own when it exits: those counted by
     * {@link #cancelling()}, less one still on its way into the coroutine (requested, not yet
     * thrown). That one will surface inside the scope as someone else's cancellation; counting
     * it at entry would let the scope mistake it for its own if both arrive as one
     * {@link CancelledError} — which a shield makes possible, by holding the pending request
     * until the scope's own deadline has fired too (ADR 0006). A pending request is always
     * counted: request() counts before it sets mustCancel, and uncancel() clears it at zero.
     */
    int cancellingAtScopeEntry() {
        return mustCancel ? cancelsRequested - 1 : cancelsRequested;
    }

    /**
     * A shielded scope becomes active (entered, or shield set) while a request made before it
     * is pending but not yet thrown into the coroutine: hand it to the shield, still counted, so
     * that it is not thrown inside. One already sent as an interrupt to a JDK call cannot be
     * taken back from another thread and is left to be delivered.
     */
    void holdPendingCancel(CancelScope shield) {
        if (!mustCancel || interruptedForCancel) return;
        mustCancel = false;
        shield.hold(WHOLE_TASK, pendingCancelMessage, true);
    }

    /**
     * If a cancellation of this task was delivered as an interrupt (it sat in a JDK call) and
     * never surfaced as a {@link CancelledError}, consumes it and returns the CancelledError it
     * stands for, with {@code cause} (what the interrupted code threw); otherwise null. For scopes
     * (timeouts, task groups) that must recognise their own cancellation in what the body threw.
     */
    CancelledError takeInterruptCancellation(Throwable cause) {
        if (!(mustCancel && interruptedForCancel)) return null;
        mustCancel = false;
        interruptedForCancel = false;
        Thread.interrupted();
        return new CancelledError(pendingCancelMessage, cause);
    }

    /** The virtual thread's body: runs the coroutine and completes the future. */
    private void body() {
        started = true;
        T value = null;
        Throwable failure = null;
        try {
            if (mustCancel) {
                // Cancelled before its first step: the coroutine never starts (as in asyncio).
                mustCancel = false;
                throw new CancelledError(pendingCancelMessage);
            }
            value = coro.call();
        } catch (Throwable t) {
            failure = t;
        }
        waitingOn = null;
        if (failure == null) {
            if (mustCancel) {
                cancelWith(new CancelledError(pendingCancelMessage));
            } else {
                complete(value);
            }
        } else if (failure instanceof CancelledError ce) {
            cancelWith(ce);
        } else if (mustCancel && interruptedForCancel) {
            // The interrupt we sent to cancel a JDK call ended the task (InterruptedException,
            // "Closed by interrupt", or whatever the code made of it): the task was cancelled.
            cancelWith(new CancelledError(pendingCancelMessage, failure));
        } else {
            fail(failure);
        }
        loop.tasks.finished(this);
    }

    /**
     * Suspends this task, which is the current thread, until {@code f} is done. The caller then
     * reads {@code f.result()}: a cancellation delivered through {@code f} is thrown from there.
     */
    void awaitFuture(Future<?> f) {
        if (f.loop != loop) {
            throw new IllegalStateException("Task " + getName() + " got Future " + f + " attached to a different loop");
        }
        if (f == this) {
            throw new IllegalStateException("Task cannot await on itself: " + this);
        }
        woken = false;
        f.addWaiter(this);
        if (mustCancel) {
            Thread.interrupted(); // an interrupt sent for this request has done its job
            if (f.cancel(pendingCancelMessage)) {
                mustCancel = false;
                // Delivered through f: a later failure must not pass for this cancellation.
                interruptedForCancel = false;
            }
        }
        waitingOn = f;
        suspended = true;
        // Parking happens in this frame, not a helper's: every frame here is copied into the
        // stack chunk that a suspended task keeps on the heap.
        boolean foreignInterrupt = false;
        try {
            if (woken) {
                // Woken by our own action (we cancelled what we await): still let the loop run
                // everything scheduled before us, as asyncio's call_soon(wakeup) does.
                Thread.yield();
            } else {
                while (!woken) {
                    LockSupport.park(this);
                    // Only other code interrupts a suspended task: remember it, don't spin on it.
                    if (Thread.interrupted()) foreignInterrupt = true;
                }
            }
        } finally {
            suspended = false;
            waitingOn = null;
        }
        if (foreignInterrupt) thread.interrupt();
        if (mustCancel && f.cancelled()) {
            // A second cancel() found f already cancelled by the first and only set mustCancel.
            // asyncio (3.13 __step) keeps the CancelledError that f carries, with the first
            // request's message: Future.await() throws it from f.result(), our only caller.
            mustCancel = false;
            interruptedForCancel = false;
            return;
        }
        throwIfCancelRequested();
    }

    /** Gives every other ready callback and task one turn: {@code sleep(0)}. */
    void yieldOnce() {
        suspended = true;
        try {
            Thread.yield();
        } finally {
            suspended = false;
        }
        throwIfCancelRequested();
    }

    private void throwIfCancelRequested() {
        if (mustCancel) {
            mustCancel = false;
            interruptedForCancel = false;
            Thread.interrupted();
            throw new CancelledError(pendingCancelMessage);
        }
    }

    /** Called on the loop thread when the awaited future is done. */
    void wake() {
        woken = true;
        if (Thread.currentThread() != thread) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * The task's entry in the ready queue, and the scheduler of its virtual thread: when the JDK
     * makes the thread runnable it hands us the continuation, we queue it, and the loop runs it.
     *
     * <p>32 bytes, a Handle's three fields and no more: the continuation the JDK hands to
     * execute() is kept in {@code callback}, and the task in {@code context} (its steps run in
     * the task's own context; a step never runs through {@code runCallback}, which is what reads
     * a callback's context), so the class is static, without an outer-instance field.
     */
    private static final class Step extends Handle implements Executor, Runnable {
        Step(Task<?> task) {
            super(task.loop, null, task);
        }

        @Override
        Task<?> task() {
            return (Task<?>) context;
        }

        /** A step is never cancelled as a handle (that would drop the continuation); the task is. */
        @Override
        public void cancel() {
        }

        /** The virtual thread's body (one object fewer per task than a method reference). */
        @Override
        public void run() {
            task().body();
        }

        @Override
        public void execute(Runnable continuation) {
            Task<?> t = task();
            Task<?> child = t.eagerChild;
            if (child != null && continuation == callback) {
                // We yielded for an eager child and the JDK, on the loop thread after unmounting
                // us, asks to resume us: do so right after the child's first step, ahead of
                // everything else. The urgent queue is LIFO, so push ourselves first, then start
                // the child, whose first step lands in front of us.
                t.eagerChild = null;
                loop.scheduler.pushUrgent(this);
                child.eagerMode = URGENT;
                child.starting = true;
                child.thread().start();
            } else if (t.starting) {
                // The JDK's first request for our thread, made by createTask on a checked thread.
                t.starting = false;
                callback = continuation;
                int mode = t.eagerMode;
                t.eagerMode = 0;
                if (mode == URGENT) {
                    loop.scheduler.pushUrgent(this);
                } else if (mode == INLINE) {
                    invoke(); // in a callback on the loop thread: the eager first step, now
                } else {
                    loop.scheduler.add(this);
                }
            } else if (continuation == callback) {
                loop.scheduler.addFromAnyThread(this);
            } else {
                // A virtual thread that the task's code started itself inherited this scheduler;
                // it is not a task, so it runs in parallel elsewhere, as Java code expects.
                VirtualThreads.foreignThreadScheduler().execute(continuation);
            }
        }

        @Override
        void invoke() {
            Task<?> t = task();
            Runnable c = callback;
            if (c == null) {
                // A step queued a second time that runs after the task finished (its thread is
                // gone, see below): nothing is left to run. Seen as an NPE from thread().start().
                if (t.done()) return;
                // The first step of a task queued by start(): make and start its thread now; the
                // JDK hands the continuation to execute(), which runs it inline, here.
                t.eagerMode = INLINE;
                t.starting = true;
                t.thread().start();
            } else {
                loop.current.runTaskStep(t, c);
                if (t.done()) {
                    // The thread has terminated: let it go (the continuation refers to it too).
                    callback = null;
                    t.thread = null;
                }
            }
        }

        @Override
        public String toString() {
            return "Step[" + context + "]";
        }
    }
}
