package io.jasyncio;

/**
 * Makes the tasks of an event loop: asyncio's task factory, set with
 * {@link EventLoop#setTaskFactory}. Every {@link EventLoop#createTask(Coroutine, String, Context)}
 * — and so {@link Asyncio#createTask}, {@link Asyncio#gather}, {@link TaskGroup#createTask} — goes
 * through it.
 *
 * <p>The factory the library ships is {@link Asyncio#eagerTaskFactory()}, which starts every task
 * eagerly. A factory of your own builds its tasks with
 * {@link EventLoop#createTask(Coroutine, String, Context, boolean)}, which bypasses the factory:
 *
 * <pre>{@code
 * TaskFactory named = new TaskFactory() {
 *     public <T> Task<T> createTask(EventLoop loop, Coroutine<T> coro, String name, Context context) {
 *         return loop.createTask(coro, name != null ? name : "worker", context, false);
 *     }
 * };
 * Asyncio.getRunningLoop().setTaskFactory(named);
 * }</pre>
 *
 * <p>Called on the loop thread, from the task or callback that creates the task.
 */
public interface TaskFactory {
    /**
     * Creates and starts a task of {@code loop} that runs {@code coro}.
     *
     * @param name    the requested name, or null for a generated one
     * @param context the requested context, or null for a copy of the current one
     */
    <T> Task<T> createTask(EventLoop loop, Coroutine<T> coro, String name, Context context);
}
