package io.jasyncio;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A block of code that can be cancelled as a unit, by a call or a movable deadline, and that
 * ends quietly when it is: Trio's {@code CancelScope}, Kotlin's {@code withTimeoutOrNull}. Where
 * {@link Timeout} turns its cancellation into a {@link TimeoutError}, a cancel scope swallows its
 * own cancellation and returns {@code null}; {@link #cancelledCaught()} tells which happened.
 *
 * <pre>{@code
 * // Kotlin's withTimeoutOrNull: null if the body did not finish in time
 * String reply = CancelScope.timeoutOrNull(Duration.ofSeconds(2), () -> request(conn));
 *
 * // Trio's move_on_after, and a scope cancelled from elsewhere
 * CancelScope scope = CancelScope.after(Duration.ofSeconds(30));
 * stopButton.onClick(scope::cancel);                 // from a callback of the same loop
 * scope.run(() -> downloadAll(urls));
 * if (scope.cancelledCaught()) log("stopped early");
 * }</pre>
 *
 * <h2>Semantics: the same mechanism as asyncio's timeouts</h2>
 * The scope cancels its task ({@link Task#cancel(String)}, once, however often {@link #cancel()}
 * is called or the deadline passes) and, on exit, withdraws that request with
 * {@link Task#uncancel()}. It swallows the {@link CancelledError} that ends the body only if no
 * other request is left: one it did not make (an outer {@link Timeout} or scope, a
 * {@link TaskGroup} whose child failed, someone cancelling the task) goes on unchanged, exactly
 * as {@code asyncio.timeout} lets foreign cancellations through. Hence nesting works in any mix
 * with {@code Timeout} and {@code TaskGroup}: each scope only ever catches its own cancellation.
 * <ul>
 *   <li>A scope cancelled before it is entered, or whose deadline has already passed, cancels
 *       the body at its first suspension point.</li>
 *   <li>A body that catches the cancellation and returns normally gives its value, and
 *       {@code cancelledCaught()} is false (Trio's rule: true only if the cancellation reached
 *       the scope's edge).</li>
 *   <li>{@link #cancel()} after the scope ended does nothing.</li>
 * </ul>
 *
 * <h2>Shield</h2>
 * A shielded scope ({@link #shield(boolean) shield(true)}, Trio's {@code shield = True}) holds
 * back every cancellation aimed at something outside it while it is the innermost shielded
 * scope of its task: an outer scope's {@code cancel()} or deadline, an outer {@link Timeout}, a
 * {@link TaskGroup} cancelling its body or its children, a plain {@code task.cancel()}. The body
 * is not woken; the request waits in the scope, uncounted by {@link Task#cancelling()}, and is
 * delivered at the first suspension point after the scope ends or the shield is lowered — so an
 * outer {@code Timeout} still ends in {@code TimeoutError}, and a task group still cancels and
 * collects its children. Cancellations from inside — the scope's own {@code cancel()} or
 * deadline, a {@code Timeout}, task group or scope entered within it — work as usual. Unlike
 * {@link Asyncio#shield}, the shielded code runs in the same task. ADR 0006 explains the design.
 *
 * <pre>{@code
 * try {
 *     serve(conn);
 * } finally {
 *     // say goodbye even when cancelled, but give up after 5 s
 *     CancelScope goodbye = CancelScope.after(Duration.ofSeconds(5));
 *     goodbye.shield(true);
 *     goodbye.run(() -> conn.sendGoodbye());
 * }
 * }</pre>
 * A cancellation requested and not yet delivered when the shield goes up (made before it) is held
 * too; one already delivered, whose {@code CancelledError} is on its way, is not taken back.
 *
 * <p>A scope is entered once, by one task; use it on the loop thread.
 */
public final class CancelScope {
    private enum State { CREATED, ACTIVE, EXITED }

    private State state = State.CREATED;
    /** Loop time in seconds; +infinity for none. */
    private double deadline;
    private Task<?> task;
    private Handle timer;
    private boolean cancelCalled;
    /** Whether this scope has asked its task to cancel: at most once, withdrawn at exit. */
    private boolean requested;
    private boolean cancelledCaught;
    /** The task's cancellation requests at entry: more left at exit are not ours. */
    private int cancellingOnEntry;
    /** Whether requests from outside are held while this is the innermost shielded scope. */
    private boolean shield;
    /** This scope's number, from LoopTasks.nextScope() at entry; 0 before. */
    private long number;
    /** The next active CancelScope further out in the same task (Task.cancelScopes is the innermost). */
    private CancelScope outer;
    /** Requests this shield holds back, in arrival order; null when none (the usual case). */
    private List<Held> held;

    /** A cancellation held by a shield: who asked, with what message, and whether it is counted. */
    private record Held(long scope, String message, boolean counted) {}

    private CancelScope(double deadline) {
        this.deadline = deadline;
    }

    /** A scope without deadline: only {@link #cancel()} cancels it. Does not suspend; any thread. */
    public static CancelScope create() {
        return new CancelScope(Double.POSITIVE_INFINITY);
    }

    /**
     * A scope with a deadline {@code delay} after now on the running loop's clock. Does not
     * suspend; call it on the loop's thread.
     *
     * @throws IllegalStateException if no event loop runs in this thread
     */
    public static CancelScope after(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        return new CancelScope(Asyncio.getRunningLoop().time() + Timeout.seconds(delay));
    }

    /** A scope with a deadline in loop time (seconds of {@link EventLoop#time()}); does not suspend. */
    public static CancelScope at(double deadline) {
        if (Double.isNaN(deadline)) throw new IllegalArgumentException("deadline is NaN: give a loop time in seconds");
        return new CancelScope(deadline);
    }

    /**
     * Runs {@code body} and returns its value, or {@code null} if it did not finish within
     * {@code delay}: Kotlin's {@code withTimeoutOrNull}. Suspending.
     *
     * @throws CancelledError if the task was cancelled by anyone else
     * @throws Exception      whatever else the body throws, as it is
     */
    public static <T> T timeoutOrNull(Duration delay, Coroutine<T> body) throws Exception {
        return after(delay).call(body);
    }

    /**
     * Runs {@code body}, stopping it quietly after {@code delay}: Trio's {@code move_on_after}.
     * Returns the scope, whose {@link #cancelledCaught()} says whether the body was stopped.
     * Suspending.
     *
     * @throws CancelledError if the task was cancelled by anyone else
     * @throws Exception      whatever else the body throws, as it is
     */
    public static CancelScope moveOnAfter(Duration delay, AsyncRunnable body) throws Exception {
        CancelScope scope = after(delay);
        scope.run(body);
        return scope;
    }

    /** The deadline in loop time, or {@link Double#POSITIVE_INFINITY} for none. */
    public double deadline() {
        return deadline;
    }

    /**
     * Moves the deadline (loop time in seconds; {@link Double#POSITIVE_INFINITY} removes it).
     * A deadline already past cancels the body at its next suspension point. Does nothing to a
     * scope that has ended or is already cancelled. Does not suspend; call it on the loop thread.
     *
     * @throws IllegalArgumentException if {@code deadline} is NaN
     */
    public void setDeadline(double deadline) {
        if (Double.isNaN(deadline)) throw new IllegalArgumentException("deadline is NaN: give a loop time in seconds");
        this.deadline = deadline;
        if (state == State.ACTIVE && !requested) schedule();
    }

    /**
     * Cancels the scope: the body gets a {@link CancelledError} at its next suspension point
     * (at once, if it is suspended), and the scope swallows it. Before the scope is entered, the
     * body is cancelled as soon as it starts; after it ended, nothing happens. Idempotent; does
     * not suspend; call it on the loop thread (from the body, another task or a callback).
     */
    public void cancel() {
        if (state == State.EXITED) return;
        cancelCalled = true;
        if (state == State.ACTIVE) request();
    }

    /** Whether {@link #cancel()} was called or the deadline passed. */
    public boolean cancelCalled() {
        return cancelCalled;
    }

    /** Whether this scope shields its body from cancellations aimed outside it. */
    public boolean shield() {
        return shield;
    }

    /**
     * Raises or lowers the shield, before or during the body (Trio's {@code scope.shield = ...}).
     * Raised, cancellations aimed outside the scope are held while it is the innermost shielded
     * scope of its task, including one requested and not yet delivered (see the class doc).
     * Lowered, the held ones are requested again: delivered at the body's next suspension point
     * (at once if it is suspended), or held by a shield further out. Does nothing after the scope
     * ended. Does not suspend; call it on the loop thread (the body, another task, a callback).
     *
     * @throws IllegalStateException if called from another thread than the loop's while the
     *                               scope is active
     */
    public void shield(boolean on) {
        if (state == State.ACTIVE) task.loop.owner.checkThread("CancelScope.shield()");
        if (shield == on) return;
        shield = on;
        if (state != State.ACTIVE) return;
        if (on) {
            if (task.cancelScopes.innermostShield() == this) task.holdPendingCancel(this);
        } else {
            releaseHeld();
        }
    }

    /** Whether the scope's own cancellation ended the body (and was swallowed). */
    public boolean cancelledCaught() {
        return cancelledCaught;
    }

    /**
     * Enters the scope, runs {@code body} in the current task and exits. Returns what the body
     * returns, or {@code null} if the scope's cancellation ended it. Suspending.
     *
     * @throws CancelledError        if the task was cancelled by anyone else (an outer scope,
     *                               a timeout, a task group, a caller of {@code task.cancel()})
     * @throws Exception             whatever else the body throws, unchanged
     * @throws IllegalStateException if not called in a task, or the scope was entered before
     */
    public <T> T call(Coroutine<T> body) throws Exception {
        Objects.requireNonNull(body, "body");
        enter();
        T value;
        try {
            value = body.call();
        } catch (Throwable e) {
            if (exit(e)) return null;
            throw Timeout.rethrow(e);
        }
        exit(null);
        return value;
    }

    /** {@link #call} for a body without a result. Suspending. */
    public void run(AsyncRunnable body) throws Exception {
        Objects.requireNonNull(body, "body");
        call(Coroutine.of(body));
    }

    private void enter() {
        if (state != State.CREATED) throw new IllegalStateException("CancelScope has already been entered: a scope runs one body, once");
        EventLoop loop = RunningLoops.current();
        Task<?> current = loop != null ? loop.currentTask() : null;
        if (current == null) {
            throw new IllegalStateException("CancelScope must be used inside a task (started by Asyncio.run() or createTask()), "
                    + "not in thread '" + Thread.currentThread().getName() + "'");
        }
        task = current;
        cancellingOnEntry = current.cancellingAtScopeEntry();
        number = loop.tasks.nextScope();
        outer = current.cancelScopes;
        current.cancelScopes = this;
        state = State.ACTIVE;
        if (shield) current.holdPendingCancel(this);
        if (cancelCalled) request();
        else schedule();
    }

    private void schedule() {
        if (timer != null) timer.cancel();
        timer = null;
        if (deadline == Double.POSITIVE_INFINITY) return;
        EventLoop loop = task.loop;
        // A deadline already past must hit before work queued after this point (as Timeout, gh-95051).
        timer = deadline <= loop.time() ? loop.callSoon(this::onDeadline) : loop.callAt(deadline, this::onDeadline);
    }

    private void onDeadline() {
        timer = null;
        cancelCalled = true;
        request();
    }

    private void request() {
        if (requested) return;
        requested = true;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        task.request(number, "cancelled by " + this, false);
    }

    /** This scope's entry number: requests from scopes with a smaller one come from outside it. */
    long number() {
        return number;
    }

    /** The innermost shielded scope from this one outwards, or null. */
    CancelScope innermostShield() {
        for (CancelScope s = this; s != null; s = s.outer) {
            if (s.shield) return s;
        }
        return null;
    }

    /** Keeps a request from outside until the shield ends or is lowered; see Task.request. */
    void hold(long scope, String message, boolean counted) {
        if (held == null) held = new ArrayList<>(2);
        held.add(new Held(scope, message, counted));
    }

    /** Requests the held cancellations again, in order: delivered, or held by a shield further out. */
    private void releaseHeld() {
        List<Held> h = held;
        held = null;
        if (h == null) return;
        for (Held r : h) task.request(r.scope, r.message, r.counted);
    }

    /** Returns whether the body's exception is this scope's own cancellation, to be swallowed. */
    private boolean exit(Throwable exc) {
        if (exc != null) {
            CancelledError byInterrupt = task.takeInterruptCancellation(exc);
            if (byInterrupt != null) exc = byInterrupt;
        }
        state = State.EXITED;
        task.cancelScopes = outer;
        outer = null;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        boolean swallow = false;
        // Always withdraw our request, delivered or not; swallow only if nobody else's is left.
        if (requested && task.uncancel() <= cancellingOnEntry && exc instanceof CancelledError) {
            cancelledCaught = true;
            swallow = true;
        }
        // Last: what this shield held was not ours, and goes on out (delivered at the next
        // suspension point, or held by a shield further out).
        releaseHeld();
        return swallow;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("CancelScope[").append(state.name().toLowerCase());
        if (deadline != Double.POSITIVE_INFINITY) sb.append(String.format(" deadline=%.3f", deadline));
        if (cancelCalled) sb.append(" cancel called");
        if (shield) sb.append(" shielded");
        return sb.append(']').toString();
    }
}
