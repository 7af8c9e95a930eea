package io.jasyncio;

/**
 * The factory behind {@link Asyncio#eagerTaskFactory()}: asyncio 3.12's {@code eager_task_factory},
 * every task created with its first step run at once.
 */
enum EagerTaskFactory implements TaskFactory {
    INSTANCE;

    @Override
    public <T> Task<T> createTask(EventLoop loop, Coroutine<T> coro, String name, Context context) {
        return loop.createTask(coro, name, context, true);
    }

    @Override
    public String toString() {
        return "eagerTaskFactory";
    }
}
