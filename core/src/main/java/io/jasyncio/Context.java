package io.jasyncio;

import io.jasyncio.internal.ContextMap;
import java.util.concurrent.Callable;

/**
 * A mapping of {@link ContextVar}s to values: Python's {@code contextvars.Context}.
 *
 * <p>Every task runs in its own context, a copy of its creator's taken when the task is created,
 * so a value a child task sets never leaks to its parent or siblings. Callbacks run in a copy of
 * the context that was current when they were scheduled. Threads that are not event loops have a
 * context of their own.
 *
 * <pre>{@code
 * ContextVar<String> user = new ContextVar<>("user");
 * Context ctx = Context.copyCurrent();
 * ctx.run(() -> user.set("ada"));      // changes ctx only
 * ctx.run(() -> System.out.println(user.get()));  // ada
 * }</pre>
 *
 * <p>Not thread-safe: a context is entered by one thread at a time. No method suspends:
 * {@link #run} and {@link #call} run {@code fn} inline in the calling thread, and the others
 * only read or copy.
 */
public final class Context {
    private static final ThreadLocal<Context> OTHER_THREADS = ThreadLocal.withInitial(Context::new);

    /** The current contents; replaced, never mutated, by {@link ContextVar#set}. */
    ContextMap map;
    private boolean entered;

    /** An empty context. */
    public Context() {
        this(ContextMap.EMPTY);
    }

    Context(ContextMap map) {
        this.map = map;
    }

    /** A shallow copy of the current context (Python's {@code contextvars.copy_context()}). */
    public static Context copyCurrent() {
        return new Context(currentMap());
    }

    /** A copy of this context. */
    public Context copy() {
        return new Context(map);
    }

    /** Runs {@code fn} with this context as the current one; changes it makes stay in this context. */
    public void run(Runnable fn) {
        Context previous = enter();
        try {
            fn.run();
        } finally {
            exit(previous);
        }
    }

    /** Like {@link #run(Runnable)} for a function with a result. */
    public <T> T call(Callable<T> fn) throws Exception {
        Context previous = enter();
        try {
            return fn.call();
        } finally {
            exit(previous);
        }
    }

    /** The value of {@code var} in this context, or {@code fallback} when it has none. */
    @SuppressWarnings("unchecked")
    public <T> T get(ContextVar<T> var, T fallback) {
        return (T) map.get(var, fallback);
    }

    /** Whether {@code var} has a value in this context. */
    public boolean contains(ContextVar<?> var) {
        return map.contains(var);
    }

    /** How many variables have a value in this context. */
    public int size() {
        return map.size();
    }

    private Context enter() {
        if (entered) {
            throw new IllegalStateException("cannot enter context: " + this + " is already entered");
        }
        Context previous = current();
        entered = true;
        setCurrent(this);
        return previous;
    }

    private void exit(Context previous) {
        entered = false;
        setCurrent(previous);
    }

    /** The contents of the current context, without making a task's Context object. */
    static ContextMap currentMap() {
        EventLoop loop = RunningLoops.current();
        return loop != null ? loop.current.contextMap() : OTHER_THREADS.get().map;
    }

    /** The context of the running task or callback, or of this thread when no loop runs here. */
    static Context current() {
        EventLoop loop = RunningLoops.current();
        return loop != null ? loop.current.context() : OTHER_THREADS.get();
    }

    private static void setCurrent(Context context) {
        EventLoop loop = RunningLoops.current();
        if (loop != null) {
            loop.current.setContext(context);
        } else {
            OTHER_THREADS.set(context);
        }
    }

    @Override
    public String toString() {
        return "Context@" + Integer.toHexString(System.identityHashCode(this)) + "[" + map.size() + " vars]";
    }
}
