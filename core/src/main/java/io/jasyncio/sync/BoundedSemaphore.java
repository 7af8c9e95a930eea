package io.jasyncio.sync;

/**
 * A {@link Semaphore} that refuses to be released more often than it was acquired: asyncio's
 * {@code BoundedSemaphore}. The count never rises above its initial value, which catches a
 * release too many (often a bug in error handling) at the call that makes it.
 *
 * <pre>{@code
 * BoundedSemaphore slots = new BoundedSemaphore(2);
 * slots.acquire();
 * slots.release();
 * slots.release();   // IllegalStateException: BoundedSemaphore released too many times
 * }</pre>
 *
 * <p>Suspension and threads as for {@link Semaphore}: {@code acquire()} may suspend,
 * {@code release()} does not; use it from the tasks of one loop.
 */
public final class BoundedSemaphore extends Semaphore {
    private final int bound;

    /** A bounded semaphore with one permit. */
    public BoundedSemaphore() {
        this(1);
    }

    /**
     * A bounded semaphore with {@code permits} permits, which is also its maximum.
     *
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public BoundedSemaphore(int permits) {
        super(permits, "BoundedSemaphore");
        this.bound = permits;
    }

    /**
     * Returns a permit, like {@link Semaphore#release()}. Does not suspend.
     *
     * @throws IllegalStateException if every permit is already free ("released too many
     *                               times"), or if called off the semaphore's loop
     */
    @Override
    public void release() {
        binding().check("release()");
        if (value >= bound) {
            throw new IllegalStateException("BoundedSemaphore released too many times: all " + bound + " permits are free");
        }
        releasePermit();
    }
}
