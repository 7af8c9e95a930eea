package io.jasyncio.sync;

/**
 * Thrown by {@link Barrier#await()} when the barrier is aborted or reset while the task waits,
 * or is broken when the task arrives: asyncio's {@code BrokenBarrierError}.
 *
 * <pre>{@code
 * try {
 *     int index = barrier.await();
 * } catch (BrokenBarrierError e) {
 *     // another task called abort() or reset(): give up this round
 * }
 * }</pre>
 *
 * <p>Unchecked, and a plain {@link RuntimeException} rather than an {@link IllegalStateException}
 * (asyncio derives it from {@code RuntimeError}): it reports what other tasks did to the barrier,
 * not a misuse by the caller, so a handler for misuse should not catch it by accident. It is
 * unrelated to the checked {@link java.util.concurrent.BrokenBarrierException} of
 * {@link java.util.concurrent.CyclicBarrier}.
 */
public class BrokenBarrierError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened, for the reader of a stack trace */
    public BrokenBarrierError(String message) {
        super(message);
    }
}
