package io.jasyncio;

/**
 * Thrown by {@link Asyncio#run} and {@link Runner#run} when Ctrl-C (SIGINT) cancelled the main
 * task, asyncio's {@code KeyboardInterrupt}. Its cause is the main task's {@link CancelledError}.
 *
 * <p>When it escapes {@code main}, the JVM exits with status 130 (128 + SIGINT), as it does when
 * Ctrl-C ends a plain Java program and as Python does for an uncaught {@code KeyboardInterrupt}:
 * {@code Asyncio.run} sets an uncaught-exception handler on the main thread that does so, after
 * printing the stack trace as the default handler would.
 *
 * <p><b>Why an {@link Error}:</b> for the reason asyncio's is a {@code BaseException} and our
 * {@link CancelledError} is an {@code Error}: a {@code catch (Exception e)} that logs and goes on
 * must not turn Ctrl-C into "keep running". Catch it by name to react to Ctrl-C.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     Asyncio.run(() -> {
 *         try {
 *             serveForever();
 *         } finally {
 *             System.out.println("closing connections"); // runs on the first Ctrl-C
 *         }
 *     });   // then throws KeyboardInterrupt: the process exits with status 130
 * }
 * }</pre>
 */
public class KeyboardInterrupt extends Error {
    private static final long serialVersionUID = 1L;

    public KeyboardInterrupt() {
        super("interrupted by SIGINT (Ctrl-C): the main task was cancelled and has finished");
    }

    /** @param cause the main task's cancellation */
    public KeyboardInterrupt(Throwable cause) {
        super("interrupted by SIGINT (Ctrl-C): the main task was cancelled and has finished", cause);
    }
}
