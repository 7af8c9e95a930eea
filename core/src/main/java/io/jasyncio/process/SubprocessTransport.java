package io.jasyncio.process;

import io.jasyncio.net.BaseTransport;

/**
 * A running (or finished) child process as its protocol sees it: asyncio's
 * {@code SubprocessTransport}. Loop thread only; no method suspends (wait for the exit with
 * {@link Subprocess#waitFor()} or the protocol's {@code processExited}).
 *
 * <pre>{@code
 * var c = Subprocesses.subprocessExec(Collect::new, List.of("ls"), SubprocessOptions.defaults().stdout(Stdio.PIPE));
 * long pid = c.transport().getPid();
 * c.transport().terminate();
 * }</pre>
 */
public interface SubprocessTransport extends BaseTransport {
    /** The child's process id. */
    long getPid();

    /**
     * Null while the child runs; then its exit status, or {@code -N} if it was killed by signal
     * {@code N} that this transport sent (Java reports a death by signal as {@code 128 + N}, like
     * a shell; a status of {@code 128 + N} after no signal from us is reported as it is).
     */
    Integer getReturncode();

    /**
     * The transport of pipe {@code fd}: 0 (stdin) is a {@link io.jasyncio.net.WriteTransport},
     * 1 (stdout) and 2 (stderr) are {@link io.jasyncio.net.ReadTransport}s; null unless that
     * stream is a {@link Stdio#PIPE}.
     */
    BaseTransport getPipeTransport(int fd);

    /**
     * Sends signal {@code signal} (e.g. 15 for SIGTERM); does nothing once the child has exited.
     * Does not suspend; loop thread only. SIGTERM and SIGKILL go through
     * {@link Process#destroy()}/{@link Process#destroyForcibly()}. Java has no call for other
     * signals: they go to the C library's {@code kill(2)} through {@code java.lang.foreign} when
     * the JVM allows jasyncio native access ({@code --enable-native-access=ALL-UNNAMED}), at
     * once and without a process; otherwise the {@code kill} command is run, which blocks the
     * loop for the few milliseconds that takes.
     *
     * @throws IllegalArgumentException if {@code signal} is not between 1 and 64
     * @throws IllegalStateException    once the transport has finished (asyncio's ProcessLookupError),
     *                                  if sending is not permitted, or if the {@code kill} command
     *                                  is missing or failed (the message says how to avoid it)
     */
    void sendSignal(int signal);

    /**
     * {@link #sendSignal(int)} by name: {@code "TERM"}, {@code "SIGTERM"}, {@code "hup"}, ...
     *
     * @throws IllegalArgumentException for an unknown name (the message lists the known ones)
     */
    void sendSignal(String signal);

    /** Sends SIGTERM. */
    void terminate();

    /** Sends SIGKILL. */
    void kill();

    /**
     * Closes the pipes and kills the child if it still runs (asyncio's {@code close}).
     * Idempotent; does not suspend.
     */
    @Override
    void close();
}
