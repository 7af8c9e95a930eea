package io.jasyncio;

/**
 * Thrown inside a task at its suspension point when the task is cancelled, and by
 * {@link Future#result()} of a cancelled future.
 *
 * <p><b>Why an {@link Error}:</b> asyncio made {@code CancelledError} a {@code BaseException} so that
 * a casual {@code except Exception:} cannot swallow a cancellation and leave a task running that
 * its owner believes stopped. The Java equivalent is to sit outside {@link Exception}: a
 * {@code catch (Exception e)} does not catch it, while {@code catch (Throwable t)} (Python's
 * {@code except BaseException:}) and {@code finally} still see it. Code that really means to
 * suppress a cancellation catches {@code CancelledError} by name and should call
 * {@link Task#uncancel()}.
 *
 * <pre>{@code
 * Task<Void> t = Asyncio.createTask(() -> {
 *     try {
 *         Asyncio.sleep(Duration.ofHours(1));
 *     } catch (Exception e) {
 *         // not reached on cancellation
 *     }
 * });
 * t.cancel("shutting down");
 * }</pre>
 */
public class CancelledError extends Error {
    private static final long serialVersionUID = 1L;

    public CancelledError() {
        super();
    }

    /** @param message the message given to {@code cancel(msg)}, or {@code null} */
    public CancelledError(String message) {
        super(message);
    }

    public CancelledError(String message, Throwable cause) {
        super(message, cause);
    }
}
