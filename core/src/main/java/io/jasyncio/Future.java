package io.jasyncio;

import io.jasyncio.internal.DoneSink;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The eventual result of an operation, bound to one {@link EventLoop}: asyncio's {@code Future}.
 *
 * <p>A task waits for a future with {@link #await()}, which suspends only that task. The producer
 * completes it with {@link #setResult}, {@link #setException} or {@link #cancel(String)}. Done
 * callbacks are always scheduled with {@link EventLoop#callSoon}, never called inline.
 *
 * <pre>{@code
 * Asyncio.run(() -> {
 *     EventLoop loop = Asyncio.getRunningLoop();
 *     Future<String> f = loop.createFuture();
 *     loop.callLater(Duration.ofMillis(10), () -> f.setResult("ready"));
 *     System.out.println(f.await()); // suspends this task for 10 ms
 * });
 * }</pre>
 *
 * <p><b>Threads.</b> Like asyncio's, a future is not thread-safe: complete it, add callbacks and
 * await it on its loop's thread (calls from another thread while the loop runs fail with an
 * {@link IllegalStateException}). As a {@link java.util.concurrent.Future}, {@link #isDone()},
 * {@link #isCancelled()}, {@link #get()} and {@link #cancel(boolean)} are safe from any thread:
 * {@code get()} blocks another thread until the loop completes the future, and fails at once
 * when called on the loop thread, where it could only deadlock.
 *
 * <p><b>Suspension.</b> Only {@link #await()} suspends (and a cancellation of the awaiting task
 * surfaces there). Every other method returns at once, except that {@code get()} and, from
 * another thread, {@code cancel(boolean)} block the calling thread until the loop answers.
 *
 * <p><b>Failures.</b> {@link #await()} and {@link #result()} rethrow an unchecked exception
 * ({@link RuntimeException} or {@link Error}) as it is, and wrap a checked one in a
 * {@link CompletionException} whose cause it is: rule 3 of the one exception rule (see the
 * {@linkplain io.jasyncio package documentation}). An exception that nobody retrieved is reported
 * to the loop's exception handler when the future is garbage-collected.
 *
 * @param <T> the result type
 */
public class Future<T> implements java.util.concurrent.Future<T> {
    private static final Cleaner CLEANER = Cleaner.create(Thread.ofPlatform().daemon().name("jasyncio-cleaner").factory());
    private static final int PENDING = 0;
    private static final int CANCELLED = 1;
    private static final int FINISHED = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Future.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final EventLoop loop;
    /**
     * Written only on the loop thread, with release semantics (not a full fence: a volatile store
     * on every completion was a measurable part of a task switch); read as volatile, so another
     * thread that sees a done state also sees the outcome written before it.
     */
    private volatile int state;
    /**
     * The outcome, in one field so that a future stays small (one is allocated per await): when
     * FINISHED, the result or an {@link Unretrieved} holding the exception; when CANCELLED, the
     * message (a String or null) or the {@link CancelledError} the task's body threw.
     */
    private Object outcome;
    /**
     * Null, one entry, or an ArrayList of entries; an entry is a waiting Task, a DoneCallback, a
     * {@link DoneSink} or a LatchWaiter.
     */
    private Object callbacks;

    Future(EventLoop loop) {
        this.loop = loop;
    }

    /** The loop this future is bound to. */
    public final EventLoop getLoop() {
        return loop;
    }

    /** Whether the future has a result, an exception, or was cancelled. */
    public final boolean done() {
        return state != PENDING;
    }

    /** Whether the future was cancelled. */
    public final boolean cancelled() {
        return state == CANCELLED;
    }

    /**
     * The result.
     *
     * @throws CancelledError      if the future was cancelled
     * @throws InvalidStateError   if it is not done yet
     * @throws CompletionException wrapping the exception if it failed with a checked exception;
     *                             an unchecked exception is thrown as it is
     */
    public final T result() {
        int s = state;
        if (s == CANCELLED) throw cancellation();
        if (s == PENDING) throw new InvalidStateError("Result is not set.");
        return value();
    }

    /** The result of a FINISHED future, or its exception thrown as {@link #result()} does. */
    @SuppressWarnings("unchecked")
    private T value() {
        Object o = outcome;
        if (o instanceof Unretrieved failure) {
            failure.retrieved = true;
            throw rethrowable(failure.error);
        }
        return (T) o;
    }

    /**
     * The exception the future failed with, or {@code null} if it has a result.
     *
     * @throws CancelledError    if the future was cancelled
     * @throws InvalidStateError if it is not done yet
     */
    public final Throwable exception() {
        int s = state;
        if (s == CANCELLED) throw cancellation();
        if (s == PENDING) throw new InvalidStateError("Exception is not set.");
        if (outcome instanceof Unretrieved failure) {
            failure.retrieved = true;
            return failure.error;
        }
        return null;
    }

    /**
     * Completes the future with a result and schedules its callbacks.
     *
     * @throws InvalidStateError if it is already done
     */
    public void setResult(T value) {
        complete(value);
    }

    /**
     * Completes the future with an exception and schedules its callbacks.
     *
     * @throws InvalidStateError if it is already done
     */
    public void setException(Throwable error) {
        fail(error);
    }

    /** Cancels the future without a message; see {@link #cancel(String)}. */
    public final boolean cancel() {
        return cancel((String) null);
    }

    /**
     * Cancels the future and schedules its callbacks. The message travels with the
     * {@link CancelledError} that awaiting it throws. On a future that already failed, it counts
     * as retrieving the exception, which is then not reported as never retrieved (as asyncio).
     *
     * @return false if the future was already done
     */
    public boolean cancel(String message) {
        loop.owner.checkThread("Future.cancel()");
        if (state != PENDING) {
            markRetrieved();
            return false;
        }
        outcome = message;
        STATE.setRelease(this, CANCELLED);
        scheduleCallbacks();
        return true;
    }

    /**
     * Adds a callback to run, through {@link EventLoop#callSoon}, when the future is done (at once
     * if it already is); it runs in a copy of the current {@link Context}.
     *
     * @throws IllegalStateException if the future is done and its loop closed, like callSoon
     */
    public final void addDoneCallback(Consumer<? super Future<T>> fn) {
        addDoneCallback(fn, null);
    }

    /** Like {@link #addDoneCallback(Consumer)}, running the callback in {@code context}. */
    public final void addDoneCallback(Consumer<? super Future<T>> fn, Context context) {
        if (fn == null) throw new NullPointerException("fn");
        loop.owner.checkThread("Future.addDoneCallback()");
        DoneCallback<T> cb = new DoneCallback<>(loop, this, fn, context != null ? context : loop.current.contextMap());
        if (state != PENDING) {
            loop.owner.checkOpen(); // as callSoon: a closed loop would never run it
            loop.scheduler.add(cb);
        } else {
            addEntry(cb);
        }
    }

    /**
     * Removes every registration of {@code fn} (compared by identity) that has not run yet.
     *
     * @return how many were removed
     */
    public final int removeDoneCallback(Consumer<? super Future<T>> fn) {
        loop.owner.checkThread("Future.removeDoneCallback()");
        Object cbs = callbacks;
        if (cbs instanceof DoneCallback<?> single) {
            if (single.fn == fn) {
                callbacks = null;
                return 1;
            }
            return 0;
        }
        if (cbs instanceof ArrayList<?> list) {
            int before = list.size();
            list.removeIf(e -> e instanceof DoneCallback<?> dc && dc.fn == fn);
            return before - list.size();
        }
        return 0;
    }

    /**
     * Waits for the future and returns its result. Suspends the current task (only it) while the
     * future is pending; returns at once, without suspending, when it is done.
     *
     * @throws CancelledError        if the future was cancelled, or the waiting task was
     * @throws CompletionException   wrapping a checked exception the future failed with
     * @throws IllegalStateException if called outside a task of this future's loop
     */
    public final T await() {
        if (state == PENDING) {
            loop.current.requireTask(loop, "await()").awaitFuture(this);
        }
        return result();
    }

    /** Converts to a {@link CompletableFuture} completed from the loop; cancelling it cancels this one. */
    public final CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> cf = new CompletableFuture<>();
        Runnable link = () -> {
            if (done()) {
                copyTo(cf);
            } else {
                addDoneCallback(f -> f.copyTo(cf));
            }
        };
        if (loop.owner.isOwnerThread()) {
            link.run();
        } else {
            loop.callSoonThreadsafe(link);
        }
        cf.whenComplete((r, e) -> {
            if (cf.isCancelled() && !done()) {
                ThreadBridge.callSoonIfOpen(loop, this::cancel);
            }
        });
        return cf;
    }

    private void copyTo(CompletableFuture<T> cf) {
        if (cancelled()) {
            cf.cancel(false);
        } else if (outcome instanceof Unretrieved failure) {
            failure.retrieved = true;
            cf.completeExceptionally(failure.error);
        } else {
            cf.complete(value());
        }
    }

    // ---- java.util.concurrent.Future ----

    /**
     * {@link java.util.concurrent.Future}'s cancel, for code that holds this future as one (an
     * executor framework, a foreign thread): it is {@link #cancel()}. From another thread the
     * cancellation runs on the loop and this call blocks until the loop answers, so never call it
     * from a task of another loop; on the loop thread it answers at once.
     *
     * <p><b>{@code mayInterruptIfRunning} is ignored</b>, and {@code f.cancel(true)} is not an
     * interrupt request. asyncio's cancellation is the only one: a task suspended in
     * {@link #await()} (or any jasyncio suspension point) gets a {@link CancelledError} there,
     * and a task blocked in a JDK call ({@code Thread.sleep}, a socket read) is interrupted,
     * whatever the flag says (see {@link Task#cancel(String)}).
     *
     * @deprecated in jasyncio code call {@link #cancel()} or {@link #cancel(String)}, which say
     *             what happens; this method exists only because {@code java.util.concurrent.Future}
     *             requires it, and is not going away.
     */
    @Deprecated
    @Override
    public final boolean cancel(boolean mayInterruptIfRunning) {
        if (loop.owner.isOwnerThread()) return cancel();
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        loop.callSoonThreadsafe(() -> answer.complete(cancel()));
        return answer.join();
    }

    @Override
    public final boolean isCancelled() {
        return cancelled();
    }

    @Override
    public final boolean isDone() {
        return done();
    }

    /**
     * Blocks the calling thread until the future is done. For threads other than the loop's.
     *
     * @throws IllegalStateException if called on the loop thread or from one of its tasks: use
     *                               {@link #await()} there
     */
    @Override
    public final T get() throws InterruptedException, ExecutionException {
        if (!done()) waitFromOtherThread().await();
        return report();
    }

    @Override
    public final T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        if (!done() && !waitFromOtherThread().await(timeout, unit)) {
            throw new TimeoutException("future not done after " + timeout + " " + unit.toString().toLowerCase());
        }
        return report();
    }

    private CountDownLatch waitFromOtherThread() {
        if (loop.owner.isLoopThread()) {
            throw new IllegalStateException("get() on the event loop thread would block the loop forever: use await() inside a task");
        }
        CountDownLatch latch = new CountDownLatch(1);
        loop.callSoonThreadsafe(() -> {
            if (done()) latch.countDown();
            else addEntry(new LatchWaiter(latch));
        });
        return latch;
    }

    private T report() throws ExecutionException {
        if (cancelled()) {
            CancellationException e = new CancellationException(cancelMessage());
            e.initCause(cancellation());
            throw e;
        }
        if (outcome instanceof Unretrieved failure) {
            failure.retrieved = true;
            throw new ExecutionException(failure.error);
        }
        return value();
    }

    // ---- completion, for this package ----

    final void complete(T value) {
        loop.owner.checkThread("Future.setResult()");
        if (state != PENDING) throw new InvalidStateError(stateName() + ": " + this);
        outcome = value;
        STATE.setRelease(this, FINISHED);
        scheduleCallbacks();
    }

    final void fail(Throwable error) {
        if (error == null) throw new NullPointerException("error");
        loop.owner.checkThread("Future.setException()");
        if (state != PENDING) throw new InvalidStateError(stateName() + ": " + this);
        Unretrieved u = new Unretrieved(loop, error, this instanceof Task<?> ? "Task exception was never retrieved" : "Future exception was never retrieved");
        outcome = u;
        STATE.setRelease(this, FINISHED);
        // Described once finished, so that the report shows the final state and the exception
        // (asyncio prints the finished task); the report cannot hold the future itself.
        u.what = this instanceof Task<?> t ? TaskDebug.describe(t) : toString();
        CLEANER.register(this, u);
        scheduleCallbacks();
    }

    /**
     * Whoever cancels a future that already failed has dealt with it: don't report its exception
     * as never retrieved (asyncio's cancel() clears the flag before it looks at the state).
     */
    final void markRetrieved() {
        if (outcome instanceof Unretrieved failure) failure.retrieved = true;
    }

    /** Cancels with a given error, for a task whose body threw {@link CancelledError}. */
    final void cancelWith(CancelledError error) {
        outcome = error;
        STATE.setRelease(this, CANCELLED);
        scheduleCallbacks();
    }

    /**
     * Registers {@code sink} (see {@link DoneSink}) on this pending future; loop thread only (the
     * caller checked it).
     */
    final void addDoneSink(DoneSink sink) {
        if (state != PENDING) throw new IllegalStateException("addDoneSink on a done future: " + this);
        addEntry(sink);
    }

    /** Registers a task waiting in {@link #await()}; it is woken when the future is done. */
    final void addWaiter(Task<?> task) {
        if (state != PENDING) {
            task.wake();
        } else {
            addEntry(task);
        }
    }

    /** The message of a cancelled future (null otherwise, or when it was cancelled without). */
    final String cancelMessage() {
        Object o = outcome;
        if (state != CANCELLED) return null;
        return o instanceof CancelledError e ? e.getMessage() : (String) o;
    }

    private void addEntry(Object entry) {
        Object cbs = callbacks;
        if (cbs == null) {
            callbacks = entry;
        } else if (cbs instanceof ArrayList<?>) {
            @SuppressWarnings("unchecked")
            ArrayList<Object> list = (ArrayList<Object>) cbs;
            list.add(entry);
        } else {
            ArrayList<Object> list = new ArrayList<>(4);
            list.add(cbs);
            list.add(entry);
            callbacks = list;
        }
    }

    /** In registration order: waiting tasks are woken, callbacks go through the ready queue. */
    private void scheduleCallbacks() {
        Object cbs = callbacks;
        if (cbs == null) return;
        callbacks = null;
        if (cbs instanceof ArrayList<?> list) {
            for (Object entry : list) dispatch(entry);
        } else {
            dispatch(cbs);
        }
    }

    private void dispatch(Object entry) {
        if (entry instanceof Task<?> task) {
            task.wake();
        } else if (entry instanceof DoneSink sink) {
            // Before the Handle case: a sink may itself be a handle (gather's is).
            sink.futureDone(this);
        } else if (entry instanceof Handle h) {
            loop.scheduler.add(h);
        } else {
            ((LatchWaiter) entry).latch.countDown();
        }
    }

    private CancelledError cancellation() {
        return outcome instanceof CancelledError e ? e : new CancelledError(cancelMessage());
    }

    /**
     * Whether the future failed and nobody has read its exception yet ({@link #result()},
     * {@link #exception()}, {@link #await()}, {@link #get()}): what the loop would report as
     * "exception was never retrieved" when the future is garbage-collected. Asking does not count
     * as retrieving. For test tools that check for lost errors deterministically. Call it on the
     * loop thread, or once the loop has stopped.
     */
    public final boolean hasUnretrievedException() {
        return state == FINISHED && outcome instanceof Unretrieved u && !u.retrieved;
    }

    /** Unchecked exceptions as they are; checked ones wrapped once in {@link CompletionException}. */
    static RuntimeException rethrowable(Throwable t) {
        if (t instanceof RuntimeException re) return re;
        if (t instanceof Error e) throw e;
        return new CompletionException(t);
    }

    final String stateName() {
        return switch (state) {
            case PENDING -> "pending";
            case CANCELLED -> "cancelled";
            default -> "finished";
        };
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('[').append(stateName());
        if (state == FINISHED) {
            if (outcome instanceof Unretrieved failure) sb.append(" exception=").append(failure.error);
            else sb.append(" result=").append(outcome);
        }
        return sb.append(']').toString();
    }

    /**
     * A user callback, scheduled as a handle when the future is done. It is its own Runnable, so
     * that a registration is one object, not a handle plus a lambda capturing fn and the future.
     */
    private static final class DoneCallback<T> extends Handle implements Runnable {
        final Consumer<? super Future<T>> fn;
        private final Future<T> future;

        DoneCallback(EventLoop loop, Future<T> future, Consumer<? super Future<T>> fn, Object context) {
            super(loop, context);
            this.fn = fn;
            this.future = future;
        }

        @Override
        public void run() {
            fn.accept(future);
        }

        @Override
        public String toString() {
            return "DoneCallback[" + (cancelled() ? "cancelled" : Callbacks.describe(fn)) + "]";
        }
    }

    /** A thread blocked in {@link #get()}. */
    private record LatchWaiter(CountDownLatch latch) {}

    /**
     * Reports an exception nobody retrieved when its future is collected. Holds no reference to the
     * future (the Cleaner would never run) and is told by the future when the exception is read.
     */
    private static final class Unretrieved implements Runnable {
        private final EventLoop loop;
        private final Throwable error;
        private final String message;
        /** The future described when it finished; set before the cleaner can see this. */
        String what;
        volatile boolean retrieved;

        Unretrieved(EventLoop loop, Throwable error, String message) {
            this.loop = loop;
            this.error = error;
            this.message = message;
        }

        @Override
        public void run() {
            if (retrieved) return;
            ErrorContext ctx = ErrorContext.of(message + ": " + what, error);
            if (!ThreadBridge.callSoonIfOpen(loop, () -> loop.callExceptionHandler(ctx))) {
                LoopErrors.log(ctx);
            }
        }
    }
}
