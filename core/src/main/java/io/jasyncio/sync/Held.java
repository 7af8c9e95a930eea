package io.jasyncio.sync;

/**
 * A lock or semaphore acquired with {@code hold()}: closing it releases it once. Meant for
 * try-with-resources, the Java form of asyncio's {@code async with lock:}.
 *
 * <pre>{@code
 * Lock lock = new Lock();
 * try (var _ = lock.hold()) {   // suspends until the lock is ours
 *     counter++;
 * }                                   // released here, also on an exception or cancellation
 * }</pre>
 *
 * <p>The unnamed variable {@code _} (Java 22+) suits a resource that the body never mentions,
 * and keeps {@code javac -Xlint} from warning about it.
 *
 * <p>{@link #close()} releases only the first time it is called, so closing twice cannot release
 * an acquisition that belongs to someone else. Like the primitive it came from, a {@code Held}
 * is used on its loop's thread.
 */
public final class Held implements AutoCloseable {
    /** What a {@code Held} releases: a lock, a condition's lock, or a semaphore. */
    interface Releasable {
        void release();
    }

    /** Null once released. */
    private Releasable owner;

    Held(Releasable owner) {
        this.owner = owner;
    }

    /** Releases what {@code hold()} acquired; later calls do nothing. Does not suspend. */
    @Override
    public void close() {
        Releasable o = owner;
        if (o != null) {
            owner = null;
            o.release();
        }
    }

    @Override
    public String toString() {
        return "Held[" + (owner == null ? "released" : owner) + "]";
    }
}
