package io.jasyncio;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Structured concurrency: tasks that live inside a block of their parent task, which does not
 * leave the block before they are all done — asyncio's {@code TaskGroup}.
 *
 * <pre>{@code
 * List<Task<String>> pages = TaskGroup.call(tg -> List.of(
 *         tg.createTask(() -> fetch("a")),
 *         tg.createTask(() -> fetch("b"))));
 * // both done here; had one failed, the other would have been cancelled and call() would have
 * // thrown an ExceptionGroup holding the failure
 * System.out.println(pages.get(0).result() + pages.get(1).result());
 * }</pre>
 *
 * <h2>Semantics of {@link #run} and {@link #call} (asyncio 3.12/3.13)</h2>
 * <ul>
 *   <li>The body runs in the current task (the parent); when it returns, the parent waits for
 *       every child.</li>
 *   <li>The first child that fails (with anything but a cancellation) cancels its siblings and
 *       the body; then the parent waits for all of them and throws an {@link ExceptionGroup} with
 *       every failure, the body's own exception included, in the order they happened. A child
 *       that is merely cancelled is not a failure.</li>
 *   <li>If the body fails, the children are cancelled and the same happens.</li>
 *   <li>If the parent is cancelled (from outside), the children are cancelled, waited for, and
 *       the {@link CancelledError} goes on — unless children failed, whose group then wins and
 *       the cancellation is re-requested so that it is not lost.</li>
 *   <li>The cancellation the group sends the parent is withdrawn ({@link Task#uncancel()}) before
 *       the group error is thrown, so the parent can catch the {@code ExceptionGroup} and go
 *       on.</li>
 *   <li>A {@link VirtualMachineError} (asyncio's {@code KeyboardInterrupt}/{@code SystemExit})
 *       from the body or a child is thrown as it is, after the children are done; the other
 *       failures are then reported to the loop's exception handler.</li>
 *   <li>{@link #createTask} fails once the group is shutting down or finished.</li>
 *   <li>Cancelling only asks: a child that ignores its cancellation keeps the group (and so the
 *       parent) waiting until it ends, as in asyncio.</li>
 *   <li>The {@code ExceptionGroup} holds the exceptions themselves, checked ones included, never
 *       wrapped in a {@code CompletionException} (the body ran inline, the children are the
 *       group's own: see the exception rule in the {@linkplain io.jasyncio package
 *       documentation}). {@code run} and {@code call} declare no checked exception because they
 *       never throw one.</li>
 * </ul>
 *
 * <h2>The try-with-resources form</h2>
 * <pre>{@code
 * try (TaskGroup tg = TaskGroup.open()) {
 *     tg.createTask(() -> fetch("a"));
 *     tg.createTask(() -> fetch("b"));
 *     tg.join();        // waits for the children; throws ExceptionGroup if any failed
 * }
 * }</pre>
 * {@code close()} cannot see the exception that ends the body, so it cannot add it to the group
 * or turn a cancellation into the group's error. The scope form therefore differs from the
 * lambda form in exactly these points, and is otherwise the same:
 * <ul>
 *   <li>A failing child cancels its siblings but <em>not the body</em>: the body learns of the
 *       failure when it calls {@link #join()} (or tries {@link #createTask}). Cancelling the
 *       body would make a {@code CancelledError} leave the block that {@code close()} could not
 *       replace by the group error.</li>
 *   <li>{@link #join()} is the normal end of the block: exactly the lambda form's exit for a body
 *       that returned.</li>
 *   <li>If the block is left without {@code join()} — an exception, a {@code return}, a
 *       cancellation — {@code close()} treats it as a failed body: it cancels the children that
 *       are still running, waits for them, and throws an {@code ExceptionGroup} of their
 *       failures if there were any (Java adds it as suppressed to the exception leaving the
 *       block). A cancellation that reaches the parent while {@code close()} waits is requested
 *       again afterwards, so it is not lost.</li>
 * </ul>
 *
 * <p>A group belongs to its parent task: open it, join it and close it there, on the loop
 * thread; children may be added from any task of the loop.
 */
public final class TaskGroup implements AutoCloseable {

    /** The body of {@link #run}: {@code tg -> { tg.createTask(...); ... }}. May suspend. */
    @FunctionalInterface
    public interface Body {
        void run(TaskGroup tg) throws Exception;
    }

    /** The body of {@link #call}, which returns a value: {@code tg -> tg.createTask(...)}. May suspend. */
    @FunctionalInterface
    public interface ResultBody<T> {
        T call(TaskGroup tg) throws Exception;
    }

    /**
     * The body of a child started with {@link #start}: it calls {@code status.started(value)}
     * once it is ready (e.g. its server is bound), then goes on running. May suspend.
     */
    @FunctionalInterface
    public interface StartBody<T> {
        void run(TaskStatus<T> status) throws Exception;
    }

    /** How a child started with {@link #start} says it is ready: Trio's {@code task_status}. */
    public interface TaskStatus<T> {
        /**
         * Reports the child ready and hands {@code value} to the task waiting in
         * {@link #start}. Does not suspend; call it from the child, once. Does nothing if
         * {@code start()} stopped waiting because its caller was cancelled (the child is then
         * cancelled too).
         *
         * @throws IllegalStateException if it was already called
         */
        void started(T value);
    }

    /** Lambda form: a failing child cancels the body. Scope form: it cannot (see class doc). */
    private final boolean cancelsBody;
    private final EventLoop loop;
    private final Task<?> parent;
    /** This scope's number in the parent (LoopTasks.nextScope()): its requests say who sent them. */
    private final long number;
    private boolean exiting;
    private boolean aborting;
    private boolean parentCancelRequested;
    /** Children not done yet, in creation order. */
    private final Set<Task<?>> tasks = new LinkedHashSet<>();
    private final List<Throwable> errors = new ArrayList<>();
    /** The first VirtualMachineError of the body or a child: thrown as it is, after the children. */
    private VirtualMachineError baseError;
    /** Completed when the last child is done, while the parent waits for that. */
    private Future<Void> onCompleted;

    private TaskGroup(boolean cancelsBody) {
        this.cancelsBody = cancelsBody;
        EventLoop running = RunningLoops.current();
        Task<?> current = running != null ? running.currentTask() : null;
        if (current == null) {
            throw new IllegalStateException("TaskGroup cannot determine the parent task: use it inside a task "
                    + "started by Asyncio.run() or createTask(), not in thread '" + Thread.currentThread().getName() + "'");
        }
        this.loop = running;
        this.parent = current;
        this.number = running.tasks.nextScope();
    }

    /**
     * Runs {@code body} with a new group in the current task, then waits for the group's
     * children: asyncio's {@code async with TaskGroup() as tg:}. Suspending.
     *
     * @throws ExceptionGroup        if children or the body failed (see the class doc)
     * @throws CancelledError        if the current task was cancelled from outside
     * @throws IllegalStateException if not called inside a task
     */
    public static void run(Body body) {
        if (body == null) throw new NullPointerException("body");
        call(tg -> {
            body.run(tg);
            return null;
        });
    }

    /**
     * Like {@link #run}, returning what {@code body} returns once every child is done (null in
     * the rare case where the group swallows the body's exception, as asyncio's does when it
     * finds nothing left to report). Suspending.
     */
    public static <T> T call(ResultBody<T> body) {
        if (body == null) throw new NullPointerException("body");
        TaskGroup tg = new TaskGroup(true);
        T value;
        try {
            value = body.call(tg);
        } catch (Throwable e) {
            tg.exit(e);
            return null;
        }
        tg.exit(null);
        return value;
    }

    /**
     * Opens a group in the current task for use with try-with-resources; end the block with
     * {@link #join()}. See the class doc for what {@link #close()} can and cannot do.
     *
     * @throws IllegalStateException if not called inside a task
     */
    public static TaskGroup open() {
        return new TaskGroup(false);
    }

    /** Creates a child task running {@code coro}. Does not suspend; loop thread only. */
    public <T> Task<T> createTask(Coroutine<T> coro) {
        return createTask(coro, null, null);
    }

    /** Creates a child task running {@code coro}, with a name. Does not suspend; loop thread only. */
    public <T> Task<T> createTask(Coroutine<T> coro, String name) {
        return createTask(coro, name, null);
    }

    /** Creates a child task running {@code body}. Does not suspend; loop thread only. */
    public Task<Void> createTask(AsyncRunnable body) {
        return createTask(Coroutine.of(body), null, null);
    }

    /** Creates a child task running {@code body}, with a name. Does not suspend; loop thread only. */
    public Task<Void> createTask(AsyncRunnable body, String name) {
        return createTask(Coroutine.of(body), name, null);
    }

    /**
     * Creates a child task, through the loop's task factory (so it may start eagerly). Does not
     * suspend the caller; call it from a task of the group's loop.
     *
     * @param name    the task's name, or null for a generated one
     * @param context the context to run in, or null for a copy of the current one
     * @throws IllegalStateException if the group is shutting down (a child failed, the body
     *                               failed or the parent was cancelled) or finished
     */
    public <T> Task<T> createTask(Coroutine<T> coro, String name, Context context) {
        if (coro == null) throw new NullPointerException("coro");
        if (exiting && tasks.isEmpty()) throw new IllegalStateException("TaskGroup " + this + " is finished");
        if (aborting) throw new IllegalStateException("TaskGroup " + this + " is shutting down");
        Task<T> task = loop.createTask(coro, name, context);
        // Always a callback, even for a task that finished at creation (eager): handling its
        // failure inline would cancel the parent before it is ready (gh-128550).
        tasks.add(task);
        task.addDoneCallback(this::onTaskDone);
        // An eager child may have made the group abort before it joined the set (gh-155418).
        if (aborting && !task.done()) task.cancel();
        return task;
    }

    /**
     * Starts a child and waits until it reports ready with {@code status.started(value)}, then
     * returns that value while the child runs on in the group: Trio's {@code nursery.start()},
     * for "the server is bound, here is its port". Suspending.
     *
     * <pre>{@code
     * TaskGroup.run(tg -> {
     *     int port = tg.start(status -> {
     *         Server server = Net.createServer(...);      // bind
     *         status.started(server.port());              // start() returns now
     *         server.serveForever();                      // runs on in the group
     *     });
     *     connect(port);
     * });
     * }</pre>
     *
     * <p>Until the child is ready, its failure belongs to {@code start()}, not to the group (as
     * in Trio): a child that fails before calling {@code started} makes {@code start()} throw
     * that failure (unchecked as it is, a checked one wrapped in a
     * {@link java.util.concurrent.CompletionException}), and the group goes on unharmed. A child
     * that returns without calling {@code started} makes it throw an
     * {@link IllegalStateException}. After {@code started}, the child is an ordinary member: its
     * failure fails the group. If the caller is cancelled while waiting, the child (not ready
     * yet) is cancelled too.
     *
     * @throws IllegalStateException if the child returned before reporting ready, or the group
     *                               is shutting down or finished
     * @throws CancelledError        if the caller, or the child before it was ready, was cancelled
     */
    public <T> T start(StartBody<T> body) {
        if (body == null) throw new NullPointerException("body");
        Future<T> ready = loop.createFuture();
        TaskStatus<T> status = value -> {
            // start() stopped waiting (its caller was cancelled) and cancelled the child, which
            // sees that at its next suspension point: nobody is left to hand the value to.
            if (ready.cancelled()) return;
            if (ready.done()) {
                throw new IllegalStateException("TaskStatus.started() was already called: call it once, when the child is ready");
            }
            ready.setResult(value);
        };
        Task<Void> child = createTask(() -> {
            try {
                body.run(status);
            } catch (CancelledError e) {
                if (!ready.done()) ready.cancel(e.getMessage());
                throw e;
            } catch (Throwable e) {
                if (ready.done()) throw e; // ready: a failure of the group
                // Not ready yet: the failure is start()'s to throw, and must not fail the group.
                ready.setException(e);
                return;
            }
            if (!ready.done()) {
                ready.setException(new IllegalStateException("the child of TaskGroup.start() returned without calling "
                        + "status.started(value): call it once the child is ready"));
            }
        });
        try {
            return ready.await();
        } catch (CancelledError e) {
            if (!ready.done() || ready.cancelled()) child.cancel(e.getMessage());
            throw e;
        }
    }

    /**
     * Waits for every child and ends the group: the normal end of a try-with-resources block,
     * exactly the lambda form's exit for a body that returned. After it, {@link #close()} does
     * nothing. Suspending.
     *
     * @throws ExceptionGroup        if children failed
     * @throws CancelledError        if the parent was cancelled meanwhile (children are then
     *                               cancelled and waited for first)
     * @throws IllegalStateException if called twice, after close(), or by another task than the
     *                               one that opened the group
     */
    public void join() {
        checkParent("join()");
        if (exiting) throw new IllegalStateException("TaskGroup " + this + " was already joined or closed");
        exit(null);
    }

    /**
     * Ends a try-with-resources block: nothing if {@link #join()} ran; otherwise the block was
     * left early, so the children still running are cancelled and waited for, and their failures
     * thrown as an {@link ExceptionGroup}. Suspending.
     */
    @Override
    public void close() {
        if (exiting) return;
        checkParent("close()");
        exiting = true;
        if (!aborting) abort();
        boolean swallowedCancel = false;
        while (!tasks.isEmpty()) {
            if (onCompleted == null) onCompleted = loop.createFuture();
            try {
                onCompleted.await();
            } catch (CancelledError e) {
                // Keep waiting: the children must be done before the block is left.
                swallowedCancel = true;
            }
            onCompleted = null;
        }
        if (swallowedCancel) {
            // Request it again (the count stays the same) so that it reaches the parent's next
            // suspension point instead of vanishing. cancel() first: an uncancel() to zero would
            // withdraw the request, with any interrupt it sent.
            parent.request(number, null, false);
            parent.uncancel();
        }
        if (baseError != null) throwBaseError();
        if (!errors.isEmpty()) throw new ExceptionGroup("unhandled errors in a TaskGroup", errors);
    }

    private void checkParent(String what) {
        if (loop.currentTask() != parent) {
            throw new IllegalStateException("TaskGroup." + what + " must be called by the task that opened the group ("
                    + parent.getName() + ")");
        }
    }

    /** asyncio's {@code __aexit__}: returns normally only if nothing is to be thrown. */
    private void exit(Throwable exc) {
        if (exc != null) {
            // A body blocked in a JDK call is cancelled by an interrupt: what it threw then is
            // that cancellation, not a failure of the body.
            CancelledError byInterrupt = parent.takeInterruptCancellation(exc);
            if (byInterrupt != null) exc = byInterrupt;
        }
        exiting = true;
        if (exc instanceof VirtualMachineError vme && baseError == null) baseError = vme;
        CancelledError propagateCancellation = exc instanceof CancelledError c ? c : null;
        if (exc != null && !aborting) {
            // The body failed or the parent was cancelled: stop the children.
            abort();
        }
        // A loop: the wait itself is cancelled again each time the parent is.
        while (!tasks.isEmpty()) {
            if (onCompleted == null) onCompleted = loop.createFuture();
            try {
                onCompleted.await();
            } catch (CancelledError e) {
                if (!aborting) {
                    // The parent is cancelled while the children run on: cancel them, and let
                    // the cancellation go on once they are done.
                    propagateCancellation = e;
                    abort();
                }
            }
            onCompleted = null;
        }
        if (baseError != null) throwBaseError();
        if (parentCancelRequested && parent.uncancel() == 0) {
            // The only cancellation was ours, to stop the body: it must not leave the group.
            propagateCancellation = null;
        }
        if (propagateCancellation != null && errors.isEmpty()) throw propagateCancellation;
        if (exc != null && !(exc instanceof CancelledError)) errors.add(exc);
        if (!errors.isEmpty()) {
            if (parent.cancelling() > 0) {
                // Cancelled from outside as well: the group error wins, but the cancellation is
                // requested again (same count) so that it is not lost (gh-116720). cancel()
                // first: an uncancel() to zero would withdraw it, with the interrupt it sent to a
                // body in a JDK call, and the next blocking call would no longer see it.
                parent.request(number, null, false);
                parent.uncancel();
            }
            throw new ExceptionGroup("unhandled errors in a TaskGroup", errors);
        }
        // Nothing to report: the body's exception, if any, is swallowed as asyncio does.
    }

    private void throwBaseError() {
        // The base error leaves alone; do not lose the others silently (gh-135736).
        for (Throwable e : errors) {
            if (e != baseError) {
                loop.callExceptionHandler(new ErrorContext("TaskGroup task exception was not propagated because "
                        + "the TaskGroup is being left with " + baseError, e, null, null));
            }
        }
        throw baseError;
    }

    private void abort() {
        aborting = true;
        for (Task<?> t : new ArrayList<>(tasks)) {
            if (!t.done()) t.cancel();
        }
    }

    private void onTaskDone(Future<?> task) {
        tasks.remove(task);
        if (onCompleted != null && tasks.isEmpty() && !onCompleted.done()) onCompleted.setResult(null);
        if (task.cancelled()) return;
        Throwable exc = task.exception();
        if (exc == null) return;
        errors.add(exc);
        // asyncio treats KeyboardInterrupt and SystemExit so; the JVM's equivalent is this.
        if (exc instanceof VirtualMachineError vme && baseError == null) baseError = vme;
        if (parent.done()) {
            loop.callExceptionHandler(new ErrorContext("Task " + task + " has errored out but its parent task "
                    + parent + " is already completed", exc, task, null));
            return;
        }
        if (!aborting && !parentCancelRequested) {
            abort();
            if (cancelsBody) {
                // Stop whatever the body awaits; exit() withdraws this request again.
                parentCancelRequested = true;
                parent.request(number, null, false);
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TaskGroup[");
        sb.append("tasks=").append(tasks.size());
        if (!errors.isEmpty()) sb.append(" errors=").append(errors.size());
        if (aborting) sb.append(" cancelling");
        else if (exiting) sb.append(" exiting");
        else sb.append(" entered");
        return sb.append(']').toString();
    }
}
