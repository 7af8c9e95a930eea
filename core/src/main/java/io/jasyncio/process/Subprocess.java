package io.jasyncio.process;

import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.net.BaseTransport;
import io.jasyncio.stream.StreamReader;
import io.jasyncio.stream.StreamWriter;
import java.io.IOException;
import java.util.concurrent.CompletionException;

/**
 * A child process with stream pipes: asyncio's {@code asyncio.subprocess.Process}, made by
 * {@link Subprocesses#createSubprocessExec} or {@link Subprocesses#createSubprocessShell}.
 *
 * <pre>{@code
 * Asyncio.run(() -> {
 *     try (Subprocess p = Subprocesses.createSubprocessExec(SubprocessOptions.pipes(), "cat")) {
 *         Subprocess.Output out = p.communicate("hello".getBytes(UTF_8));  // asyncio: await p.communicate(b"hello")
 *         System.out.println(new String(out.stdout(), UTF_8) + " " + p.returncode());
 *     }
 * });
 * }</pre>
 *
 * <h2>Pipes and deadlocks</h2>
 * {@link #stdin()}, {@link #stdout()} and {@link #stderr()} exist for the streams asked for as
 * {@link Stdio#PIPE}, else they are null. The pipes never block the loop (each is served by a
 * thread), and reading is flow-controlled: a child writing faster than the task reads is held
 * back once about twice the reader's limit is buffered. Reading one pipe to its end while the
 * child fills the other can deadlock, as with any pipes; {@link #communicate} reads both at once.
 *
 * <h2>Threads and closing</h2>
 * Use it on its loop's thread (its tasks). {@link #waitFor()} and {@link #communicate} suspend;
 * the rest do not. {@link #close()} closes the pipes and kills the child if it still runs; a
 * child still running when the loop closes is killed and reaped then.
 */
public final class Subprocess implements AutoCloseable {
    /** What {@link #communicate} collected: everything the child wrote (null where not a pipe). */
    public record Output(byte[] stdout, byte[] stderr) {
    }

    private final EventLoop loop;
    private final ProcessTransport transport;
    private final SubprocessStreamProtocol protocol;
    private boolean communicated;

    Subprocess(EventLoop loop, ProcessTransport transport, SubprocessStreamProtocol protocol) {
        this.loop = loop;
        this.transport = transport;
        this.protocol = protocol;
    }

    /** The child's stdin, or null unless it is a {@link Stdio#PIPE}. */
    public StreamWriter stdin() {
        return protocol.stdin;
    }

    /** The child's stdout, or null unless it is a {@link Stdio#PIPE}. */
    public StreamReader stdout() {
        return protocol.stdout;
    }

    /** The child's stderr, or null unless it is a {@link Stdio#PIPE}. */
    public StreamReader stderr() {
        return protocol.stderr;
    }

    /** The child's process id. */
    public long pid() {
        return transport.getPid();
    }

    /**
     * Null while the child runs, then its exit status; {@code -N} when it was killed by signal
     * {@code N} sent through this object (see {@link SubprocessTransport#getReturncode()}).
     */
    public Integer returncode() {
        return transport.getReturncode();
    }

    /**
     * Waits for the child to exit and returns its returncode (asyncio's {@code await
     * proc.wait()}). Suspending; cancelling the wait does not touch the child. Reading nothing
     * from a pipe the child fills makes it wait forever: use {@link #communicate}.
     */
    public int waitFor() {
        return transport.awaitExit();
    }

    /**
     * Sends {@code input} (if not null) to stdin and closes it, reads stdout and stderr to their
     * end, all at once, then waits for the exit. Large input and output cannot deadlock. A child
     * that exits without reading all its input is not an error (asyncio ignores the broken pipe).
     * Suspending; if cancelled, the reads stop and the child is left running.
     *
     * @param input bytes for stdin, or null; needs stdin to be a {@link Stdio#PIPE}
     * @return what the child wrote to stdout and stderr (null for those that are not pipes)
     * @throws IllegalStateException    if called a second time (the output is gone)
     * @throws IllegalArgumentException if {@code input} is given but stdin is not a pipe
     * @throws IOException              if reading a pipe failed
     */
    public Output communicate(byte[] input) throws IOException {
        if (communicated) {
            throw new IllegalStateException("communicate() was already called on " + this
                    + ": it reads the pipes to their end, so a second call has nothing to return");
        }
        if (input != null && stdin() == null) {
            throw new IllegalArgumentException("communicate(input) needs stdin=Stdio.PIPE: " + this);
        }
        communicated = true;
        Task<byte[]> out = stdout() != null ? loop.createTask(() -> readStream(1)) : null;
        Task<byte[]> err = stderr() != null ? loop.createTask(() -> readStream(2)) : null;
        try {
            if (stdin() != null) feedStdin(input);
            byte[] o = out != null ? awaitIo(out) : null;
            byte[] e = err != null ? awaitIo(err) : null;
            waitFor();
            return new Output(o, e);
        } finally {
            if (out != null && !out.done()) out.cancel();
            if (err != null && !err.done()) err.cancel();
        }
    }

    /** {@link #communicate(byte[])} with no input. Suspending. */
    public Output communicate() throws IOException {
        return communicate(null);
    }

    private void feedStdin(byte[] input) {
        StreamWriter w = stdin();
        try {
            if (input != null && input.length > 0) w.write(input);
            w.drain();
        } catch (IOException brokenPipe) {
            // asyncio's communicate ignores BrokenPipeError and ConnectionResetError: the child
            // simply did not read all its input.
        }
        w.close();
    }

    private byte[] readStream(int fd) throws IOException {
        StreamReader r = fd == 1 ? stdout() : stderr();
        byte[] data = r.read(-1);
        BaseTransport t = transport.getPipeTransport(fd);
        if (t != null) t.close();
        return data;
    }

    private static byte[] awaitIo(Task<byte[]> t) throws IOException {
        try {
            return t.await();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw e;
        }
    }

    /** Sends signal number {@code signal}; see {@link SubprocessTransport#sendSignal(int)}. Does not suspend. */
    public void sendSignal(int signal) {
        transport.sendSignal(signal);
    }

    /** Sends the signal named {@code signal} ("HUP", "SIGUSR1", ...); unknown names are refused. Does not suspend. */
    public void sendSignal(String signal) {
        transport.sendSignal(signal);
    }

    /** Sends SIGTERM. Does not suspend. */
    public void terminate() {
        transport.terminate();
    }

    /** Sends SIGKILL; the returncode becomes -9. Does not suspend. */
    public void kill() {
        transport.kill();
    }

    /** The transport underneath (asyncio's {@code proc._transport}). */
    public SubprocessTransport transport() {
        return transport;
    }

    /**
     * Closes the pipes and kills the child if it still runs. Idempotent; does not suspend
     * ({@link #waitFor()} waits for the exit).
     */
    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        Integer rc = returncode();
        return "Subprocess[pid=" + pid() + (rc == null ? " running" : " returncode=" + rc) + "]";
    }
}
