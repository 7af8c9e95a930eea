package io.jasyncio;

import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.util.OptionalDouble;

/**
 * A deadline for a block of code in a task: asyncio's {@code Timeout}, made by
 * {@link Asyncio#timeout(Duration)} and {@link Asyncio#timeoutAt(double)}. When the deadline
 * passes, the task is cancelled; if that cancellation ends the block, {@link #call} throws
 * {@link TimeoutError} instead of {@link CancelledError}.
 *
 * <pre>{@code
 * Timeout t = Asyncio.timeout(Duration.ofSeconds(10));
 * try {
 *     String reply = t.call(() -> {
 *         String first = read(conn);
 *         t.reschedule(Asyncio.getRunningLoop().time() + 5);   // more time for the rest
 *         return first + read(conn);
 *     });
 * } catch (TimeoutError e) {
 *     assert t.expired();
 * }
 * }</pre>
 *
 * <h2>Semantics (asyncio 3.12)</h2>
 * <ul>
 *   <li>Only the scope whose own deadline cancelled the task turns that cancellation into a
 *       {@code TimeoutError}: the scope counts the task's cancellation requests
 *       ({@link Task#cancelling()}) when it is entered and withdraws its own request on exit
 *       ({@link Task#uncancel()}); if another request remains — an outer timeout, or someone
 *       cancelling the task — the {@code CancelledError} goes on unchanged. So nested scopes
 *       work, and an outer cancellation is never turned into a timeout. A request still on its
 *       way into the task at entry (made, not yet thrown) is not counted as before the scope,
 *       so it cannot be mistaken for the timeout's own either (a deviation from asyncio, which
 *       then raises {@code TimeoutError} and loses it; see ADR 0006 on shields).</li>
 *   <li>A deadline already past (zero or negative delay, or {@link #reschedule} into the past)
 *       cancels the task at the loop's next turn, before any callback scheduled after it — even
 *       a bare {@code Asyncio.sleep(0)} then times out (CPython gh-95051).</li>
 *   <li>If the body catches the cancellation and returns normally, its value is returned: a
 *       result is never thrown away for a timeout. {@link #expired()} still says true.</li>
 *   <li>A task blocked in a JDK call (say {@code Thread.sleep} or a socket read) is cancelled by
 *       an interrupt; whatever the interrupted code then throws counts as the cancellation: the
 *       {@code TimeoutError}'s cause is a {@code CancelledError} caused by it.</li>
 *   <li>A body that ignores cancellation keeps the scope waiting until it ends, as in asyncio:
 *       the deadline can only ask.</li>
 * </ul>
 *
 * <p><b>Why a lambda and not try-with-resources:</b> turning the cancellation into a timeout
 * error means replacing the exception the body throws, and {@code close()} never sees that
 * exception. {@link #call} and {@link #run} see it, and so behave exactly like asyncio's
 * {@code async with}.
 *
 * <p>A timeout is entered once, by the task that uses it, and is used on the loop thread.
 */
public final class Timeout {
    private enum State {
        CREATED("created"), ENTERED("active"), EXPIRING("expiring"), EXPIRED("expired"), EXITED("finished");

        final String label;

        State(String label) {
            this.label = label;
        }
    }

    private State state = State.CREATED;
    /** The deadline in loop seconds; {@link #NONE} (+infinity) when there is none. Never NaN. */
    private double when;
    private Handle timeoutHandler;
    private Task<?> task;
    /** The task's cancellation requests when the scope was entered: more at exit are not ours. */
    private int cancellingOnEntry;
    /** This scope's number, from LoopTasks.nextScope() at entry: its requests say who sent them. */
    private long number;

    /** No deadline: a deadline that never comes, so one comparison covers both cases. */
    private static final double NONE = Double.POSITIVE_INFINITY;

    Timeout(double when) {
        if (Double.isNaN(when)) throw new IllegalArgumentException("when is NaN: give a loop time in seconds (loop.time() + delay)");
        this.when = when;
    }

    /** A timeout {@code delay} from now on the running loop's clock; null means none. */
    static Timeout after(Duration delay) {
        EventLoop loop = Asyncio.getRunningLoop();
        return new Timeout(delay == null ? NONE : loop.time() + seconds(delay));
    }

    static double seconds(Duration d) {
        return d.getSeconds() + d.getNano() / 1e9;
    }

    /**
     * The deadline in the seconds of {@link EventLoop#time()}, or empty if there is none
     * (asyncio's {@code when()} returning {@code None}). Does not suspend; loop thread.
     */
    public OptionalDouble when() {
        return when == NONE ? OptionalDouble.empty() : OptionalDouble.of(when);
    }

    /**
     * Moves the deadline to {@code when}, an absolute loop time in seconds
     * ({@code loop.time() + 5}); {@link Double#POSITIVE_INFINITY} removes it, as
     * {@link #removeDeadline()}. A deadline not after {@link EventLoop#time()} cancels the task at
     * the loop's next turn. Does not suspend; call it in the task that entered the scope (or on
     * its loop thread).
     *
     * @throws IllegalArgumentException if {@code when} is NaN
     * @throws IllegalStateException    if the timeout is not active: not entered yet, expired, or
     *                                  finished
     */
    public void reschedule(double when) {
        if (state != State.ENTERED) {
            if (state == State.CREATED) throw new IllegalStateException("Timeout has not been entered");
            throw new IllegalStateException("Cannot change state of " + state.label + " Timeout");
        }
        if (Double.isNaN(when)) throw new IllegalArgumentException("when is NaN: give a loop time in seconds (loop.time() + delay)");
        this.when = when;
        if (timeoutHandler != null) timeoutHandler.cancel();
        if (when == NONE) {
            timeoutHandler = null;
        } else {
            EventLoop loop = task.loop;
            // A deadline already past must fire before work scheduled after this point: a timer
            // would only become ready after the callbacks queued now (gh-95051).
            timeoutHandler = when <= loop.time() ? loop.callSoon(this::onTimeout) : loop.callAt(when, this::onTimeout);
        }
    }

    /**
     * Removes the deadline: asyncio's {@code reschedule(None)}. Does not suspend.
     *
     * @throws IllegalStateException if the timeout is not active, as {@link #reschedule(double)}
     */
    public void removeDeadline() {
        reschedule(NONE);
    }

    /** Whether the deadline passed while the scope was active. */
    public boolean expired() {
        return state == State.EXPIRING || state == State.EXPIRED;
    }

    /**
     * Enters the scope, runs {@code body} in the current task and exits: asyncio's
     * {@code async with timeout: ...}. Returns what {@code body} returns. Suspending.
     *
     * @throws TimeoutError          if this scope's deadline cancelled the body and the
     *                               cancellation ended it (the {@link CancelledError} is the cause)
     * @throws CancelledError        if the task was cancelled by anyone else
     * @throws Exception             whatever else {@code body} throws, unchanged
     * @throws IllegalStateException if not called inside a task, or the scope was entered before
     */
    public <T> T call(Coroutine<T> body) throws Exception {
        if (body == null) throw new NullPointerException("body");
        enter();
        T value;
        try {
            value = body.call();
        } catch (Throwable e) {
            throw rethrow(exit(e));
        }
        exit(null);
        return value;
    }

    /** {@link #call} for a body without a result. Suspending. */
    public void run(AsyncRunnable body) throws Exception {
        if (body == null) throw new NullPointerException("body");
        call(Coroutine.of(body));
    }

    private void enter() {
        if (state != State.CREATED) throw new IllegalStateException("Timeout has already been entered");
        EventLoop loop = RunningLoops.current();
        Task<?> current = loop != null ? loop.currentTask() : null;
        if (current == null) {
            throw new IllegalStateException("Timeout should be used inside a task (started by Asyncio.run() or createTask()), "
                    + "not in thread '" + Thread.currentThread().getName() + "'");
        }
        state = State.ENTERED;
        task = current;
        cancellingOnEntry = current.cancellingAtScopeEntry();
        number = loop.tasks.nextScope();
        reschedule(when);
    }

    /** asyncio's {@code __aexit__}: returns what the block must throw, or null. */
    private Throwable exit(Throwable exc) {
        if (exc != null) {
            CancelledError byInterrupt = task.takeInterruptCancellation(exc);
            if (byInterrupt != null) exc = byInterrupt;
        }
        if (timeoutHandler != null) {
            timeoutHandler.cancel();
            timeoutHandler = null;
        }
        if (state == State.EXPIRING) {
            state = State.EXPIRED;
            // uncancel() always runs: it withdraws our own request, delivered or not.
            if (task.uncancel() <= cancellingOnEntry && exc instanceof CancelledError) {
                // No cancellation but ours is left: this one is the timeout.
                return new TimeoutError("deadline " + String.format("%.3f", when) + " passed (loop time)", exc);
            }
        } else if (state == State.ENTERED) {
            state = State.EXITED;
        }
        return exc;
    }

    private void onTimeout() {
        task.request(number, null, false);
        state = State.EXPIRING;
        timeoutHandler = null; // drop the reference early
    }

    /** Throws {@code t} if it is unchecked; returns it to be thrown if it is an Exception. */
    static Exception rethrow(Throwable t) {
        if (t instanceof Error e) throw e;
        if (t instanceof Exception e) return e;
        // Only sneaky code throws a bare Throwable through Coroutine.call().
        throw new UndeclaredThrowableException(t);
    }

    @Override
    public String toString() {
        if (state == State.ENTERED) {
            return "Timeout[" + state.label + " when=" + (when == NONE ? "none" : String.format("%.3f", when)) + "]";
        }
        return "Timeout[" + state.label + "]";
    }
}
