package io.jasyncio;

import java.util.NoSuchElementException;

/**
 * A variable whose value belongs to the current {@link Context}: Python's
 * {@code contextvars.ContextVar}. Use it for request-scoped values (a request id, a deadline) that
 * follow the logical flow of a program across tasks and callbacks.
 *
 * <pre>{@code
 * static final ContextVar<String> REQUEST_ID = new ContextVar<>("request_id", "-");
 *
 * Asyncio.run(() -> {
 *     REQUEST_ID.set("r-1");
 *     Asyncio.createTask(() -> {
 *         REQUEST_ID.get();       // "r-1": copied when the task was created
 *         REQUEST_ID.set("r-2");  // the parent still sees "r-1"
 *     }).await();
 * });
 * }</pre>
 *
 * <p>Values may be {@code null}. Variables compare by identity; create them once, as constants.
 *
 * <p>Never suspends, and works in any thread: in a task or a callback it reads and writes the
 * context that task or callback runs in; in any other thread, that thread's own context. The
 * variable itself holds no value, so one instance may be shared by all threads.
 *
 * @param <T> the value type
 */
public final class ContextVar<T> {
    private static final Object MISSING = new Object();

    private final String name;
    private final Object defaultValue;

    /** A variable without a default: {@link #get()} fails until it is set. */
    public ContextVar(String name) {
        this.name = requireName(name);
        this.defaultValue = MISSING;
    }

    /** A variable whose {@link #get()} returns {@code defaultValue} until it is set. */
    public ContextVar(String name, T defaultValue) {
        this.name = requireName(name);
        this.defaultValue = defaultValue;
    }

    private static String requireName(String name) {
        if (name == null) throw new NullPointerException("name");
        return name;
    }

    /** The name given at creation (for messages and debugging; it is not the variable's identity). */
    public String name() {
        return name;
    }

    /**
     * The value in the current context, else the variable's default.
     *
     * @throws NoSuchElementException when it has neither (Python's {@code LookupError})
     */
    @SuppressWarnings("unchecked")
    public T get() {
        Object v = Context.currentMap().get(this, defaultValue);
        if (v == MISSING) {
            throw new NoSuchElementException("ContextVar '" + name + "' has no value in the current context and no default");
        }
        return (T) v;
    }

    /** The value in the current context, else {@code fallback} (not the variable's default). */
    @SuppressWarnings("unchecked")
    public T get(T fallback) {
        return (T) Context.currentMap().get(this, fallback);
    }

    /** Sets the value in the current context; the token undoes it with {@link #reset}. */
    public Token<T> set(T value) {
        Context ctx = Context.current();
        Object old = ctx.map.get(this, MISSING);
        ctx.map = ctx.map.with(this, value);
        return new Token<>(this, ctx, old);
    }

    /**
     * Restores the value this variable had before the {@link #set} that returned {@code token}.
     *
     * @throws IllegalStateException    if the token was already used
     * @throws IllegalArgumentException if it belongs to another variable or another context
     */
    public void reset(Token<T> token) {
        if (token.used) {
            throw new IllegalStateException("Token " + token + " has already been used once");
        }
        if (token.var != this) {
            throw new IllegalArgumentException("Token " + token + " was created by a different ContextVar");
        }
        Context ctx = Context.current();
        if (token.context != ctx) {
            throw new IllegalArgumentException("Token " + token + " was created in a different Context");
        }
        token.used = true;
        ctx.map = token.old == MISSING ? ctx.map.without(this) : ctx.map.with(this, token.old);
    }

    @Override
    public String toString() {
        return "ContextVar[" + name + (defaultValue == MISSING ? "" : ", default=" + defaultValue) + "]";
    }

    /**
     * What {@link #set} returns: remembers the previous value so {@link #reset} can restore it.
     *
     * <pre>{@code
     * var token = REQUEST_ID.set("r-9");
     * try { handle(); } finally { REQUEST_ID.reset(token); }
     * }</pre>
     */
    public static final class Token<T> {
        private final ContextVar<T> var;
        private final Context context;
        private final Object old;
        private boolean used;

        private Token(ContextVar<T> var, Context context, Object old) {
            this.var = var;
            this.context = context;
            this.old = old;
        }

        /** The variable whose {@link ContextVar#set} returned this token. */
        public ContextVar<T> var() {
            return var;
        }

        /** Whether the variable had a value before the {@code set}. */
        public boolean hasOldValue() {
            return old != MISSING;
        }

        /**
         * The value before the {@code set}.
         *
         * @throws NoSuchElementException when it had none (Python's {@code Token.MISSING})
         */
        @SuppressWarnings("unchecked")
        public T oldValue() {
            if (old == MISSING) throw new NoSuchElementException("ContextVar '" + var.name + "' had no value before");
            return (T) old;
        }

        @Override
        public String toString() {
            return "Token[var=" + var.name + (used ? ", used" : "") + "]";
        }
    }
}
