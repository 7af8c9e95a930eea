package io.jasyncio.channel;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.LoopBinding;
import java.util.ArrayList;
import java.util.Objects;

/**
 * A value that changes over time, whose watchers wake when it does: Tokio's {@code watch},
 * Kotlin's {@code StateFlow}. Only the latest value is kept; a watcher that was busy during
 * several changes sees the latest one, once.
 *
 * <pre>{@code
 * Watch<Config> config = new Watch<>(Config.load());
 * Watch.Receiver<Config> rx = config.subscribe();
 * Asyncio.createTask(() -> {
 *     while (true) {
 *         rx.changed();                  // suspends until a new value is set
 *         apply(rx.borrowAndUpdate());
 *     }
 * });
 * config.set(Config.reload());
 * }</pre>
 *
 * <p>{@link #close()} ends it: {@link Receiver#changed()} then fails with {@link ChannelClosed}
 * once the receiver has seen the last value; {@link #get()} still returns it. Bound to the loop
 * of its first use, like {@link Channel}. Values may not be null.
 *
 * @param <T> the type of the value
 */
public final class Watch<T> {
    private final LoopBinding binding = new LoopBinding("Watch");
    private T value;
    /** Incremented by every set(): a receiver has seen the value when its version equals this. */
    private long version;
    private boolean closed;
    /** Futures of receivers waiting in changed(); all woken by the next set() or close(). */
    private final ArrayList<Future<Void>> waiting = new ArrayList<>();

    /** A watch holding {@code initial}. */
    public Watch(T initial) {
        this.value = Objects.requireNonNull(initial, "initial");
    }

    /** The current value. Does not suspend; call it on the loop thread. */
    public T get() {
        return value;
    }

    /**
     * Replaces the value and wakes every receiver waiting in {@link Receiver#changed()}. Does
     * not suspend.
     *
     * @throws ChannelClosed         if the watch is closed
     * @throws IllegalStateException if called off the watch's loop
     */
    public void set(T newValue) {
        Objects.requireNonNull(newValue, "newValue");
        binding.check("set()");
        if (closed) throw new ChannelClosed("Watch is closed: close() was called");
        value = newValue;
        version++;
        wakeAll();
    }

    /** Closes the watch: sets fail, and receivers that have seen the last value fail in {@code changed()}. Idempotent; does not suspend. */
    public void close() {
        binding.check("close()");
        closed = true;
        wakeAll();
    }

    /** A receiver that has seen the current value: its {@code changed()} waits for the next one. Does not suspend. */
    public Receiver<T> subscribe() {
        binding.check("subscribe()");
        return new Receiver<>(this, version);
    }

    private void wakeAll() {
        if (waiting.isEmpty()) return;
        for (Future<Void> f : waiting) {
            if (!f.done()) f.setResult(null);
        }
        waiting.clear();
    }

    @Override
    public String toString() {
        return "Watch[version=" + version + (closed ? ", closed" : "") + ", value=" + value + "]";
    }

    /** One watcher of a {@link Watch}; use it in one task at a time. */
    public static final class Receiver<T> {
        private final Watch<T> owner;
        private long seen;

        Receiver(Watch<T> owner, long seen) {
            this.owner = owner;
            this.seen = seen;
        }

        /** Whether a value was set that this receiver has not marked seen. Does not suspend. */
        public boolean hasChanged() {
            return seen != owner.version;
        }

        /** The current value, without marking it seen. Does not suspend. */
        public T borrow() {
            return owner.value;
        }

        /** The current value, marking it seen. Does not suspend. */
        public T borrowAndUpdate() {
            seen = owner.version;
            return owner.value;
        }

        /**
         * Waits until a value this receiver has not seen is set, and marks it seen; returns at
         * once if there already is one. Suspending (only when it has to wait).
         *
         * @throws ChannelClosed         if the watch is closed and this receiver has seen its
         *                               last value
         * @throws CancelledError        if the task is cancelled while waiting
         * @throws IllegalStateException if called outside a task of the watch's loop
         */
        public void changed() {
            EventLoop loop = owner.binding.checkTask("Receiver.changed()");
            while (seen == owner.version) {
                if (owner.closed) throw new ChannelClosed("Watch is closed and this receiver has seen its last value");
                Future<Void> f = loop.createFuture();
                owner.waiting.add(f);
                try {
                    f.await();
                } catch (Throwable t) {
                    f.cancel();
                    owner.waiting.remove(f);
                    throw t;
                }
            }
            seen = owner.version;
        }
    }
}
