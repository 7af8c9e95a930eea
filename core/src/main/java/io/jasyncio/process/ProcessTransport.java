package io.jasyncio.process;

import io.jasyncio.ErrorContext;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.PipeAccess;
import io.jasyncio.net.BaseTransport;
import io.jasyncio.net.ReadPipeProtocol;
import io.jasyncio.net.ReadTransport;
import io.jasyncio.net.WritePipeProtocol;
import io.jasyncio.net.WriteTransport;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A child process and its pipes: asyncio's {@code BaseSubprocessTransport} with
 * {@code _UnixSubprocessTransport}. Loop thread only; the exit arrives as
 * {@link EventLoop#wrapFuture} of {@link Process#onExit()}.
 *
 * <h2>How it runs</h2>
 * Each of the child's streams asked for as a pipe is, on Linux, a selectable
 * {@link java.nio.channels.Pipe} the child was redirected to ({@link ProcPipes}), served by the
 * loop's selector; elsewhere (or if that fails) it is the JDK's blocking stream with a
 * thread-served pipe transport. Either way the loop never blocks on them. Until every pipe has run its {@code connectionMade}, events
 * for the protocol are queued in {@link #pending} (data copied, as the pipes reuse their
 * buffers); then the protocol's {@code connectionMade} is scheduled, the queued events after it.
 * The transport finishes (the protocol's {@code connectionLost}) once the child exited and every
 * pipe is closed.
 *
 * <p>The exit is {@link Process#onExit()}. When the child exits, its stdin pipe is closed as
 * asyncio's is when the pipe's reading end goes away (with an error if data was still
 * buffered): Java cannot watch a pipe's write end for that.
 */
final class ProcessTransport implements SubprocessTransport {
    private static final System.Logger LOG = System.getLogger("io.jasyncio.process");
    private static final PipeAccess PIPES = PipeAccess.get();

    private final EventLoop loop;
    private SubprocessProtocol protocol;
    private final Process process;
    private final long pid;
    /** Pipe protos by fd (0, 1, 2); null where the stream is not a pipe. */
    private final PipeProto[] pipes = new PipeProto[3];
    /** Protocol events held until connected; null once connected. */
    private List<Runnable> pending = new ArrayList<>();
    private Future<Void> connectedWaiter;
    private Integer returncode;
    private boolean closed;
    private boolean finished;
    /** Set once connectionLost ran: signals then fail, as asyncio's _check_proc. */
    private boolean released;
    private final List<Future<Integer>> exitWaiters = new ArrayList<>();
    /** Signals this transport sent (bit N = signal N), to read a status of 128+N as "killed by N". */
    private long sentSignals;

    ProcessTransport(EventLoop loop, SubprocessProtocol protocol, Process process, Future<Void> connectedWaiter) {
        this.loop = loop;
        this.protocol = Objects.requireNonNull(protocol, "the protocol factory returned null");
        this.process = process;
        this.pid = process.pid();
        this.connectedWaiter = connectedWaiter;
    }

    /** Connects the pipes asked for and starts watching the exit. Loop thread. */
    /**
     * Connects the pipes asked for and starts watching the exit. {@code found[fd]} is our end of a
     * selectable pipe ({@link ProcPipes}) or null for the JDK's blocking stream. Loop thread.
     */
    void connect(ProcPipes.Found[] found, boolean stdin, boolean stdout, boolean stderr) throws java.io.IOException {
        String prefix = pid + "-";
        if (stdin) pipes[0] = new PipeProto(0);
        if (stdout) pipes[1] = new PipeProto(1);
        if (stderr) pipes[2] = new PipeProto(2);
        // All protos exist before any transport: a pipe's connectionMade must see its siblings.
        if (stdin) {
            pipes[0].pipe = found[0] != null ? PIPES.writePipe(loop, found[0].pipe().sink(), pipes[0])
                    : PIPES.writePipe(loop, process.getOutputStream(), prefix + "stdin", pipes[0]);
        }
        if (stdout) {
            pipes[1].pipe = found[1] != null ? PIPES.readPipe(loop, found[1].pipe().source(), pipes[1])
                    : PIPES.readPipe(loop, process.getInputStream(), prefix + "stdout", pipes[1]);
        }
        if (stderr) {
            pipes[2].pipe = found[2] != null ? PIPES.readPipe(loop, found[2].pipe().source(), pipes[2])
                    : PIPES.readPipe(loop, process.getErrorStream(), prefix + "stderr", pipes[2]);
        }
        ProcessRegistry.of(loop).add(this);
        // Wrapped rather than hooked with callSoonThreadsafe: the loop then knows a child is
        // running, and under virtual time waits for it in real time instead of jumping ahead.
        loop.wrapFuture(process.onExit()).addDoneCallback(f -> {
            if (!f.cancelled()) exited();
        });
        if (!stdin && !stdout && !stderr) loop.callSoon(this::tryConnected);
    }

    // ---- the pipes' events ----

    /** One pipe's protocol: asyncio's Read/WriteSubprocessPipeProto. */
    private final class PipeProto implements ReadPipeProtocol, WritePipeProtocol {
        final int fd;
        BaseTransport pipe;
        boolean connected;
        boolean disconnected;

        PipeProto(int fd) {
            this.fd = fd;
        }

        @Override
        public void connectionMade(ReadTransport transport) {
            connected = true;
            tryConnected();
        }

        @Override
        public void connectionMade(WriteTransport transport) {
            connected = true;
            tryConnected();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            pipeDataReceived(fd, data);
        }

        @Override
        public void connectionLost(Throwable exc) {
            disconnected = true;
            call(() -> protocol.pipeConnectionLost(fd, exc));
            tryFinish();
        }

        @Override
        public void pauseWriting() {
            protocol.pauseWriting();
        }

        @Override
        public void resumeWriting() {
            protocol.resumeWriting();
        }
    }

    private void tryConnected() {
        if (pending == null) return;
        for (PipeProto p : pipes) if (p != null && !p.connected) return;
        loop.callSoon(() -> {
            try {
                protocol.connectionMade(this);
            } catch (Throwable t) {
                if (t instanceof VirtualMachineError vme) throw vme;
                loop.callExceptionHandler(ErrorContext.of("protocol.connectionMade() failed (" + this + ")", t));
                close();
            }
        });
        for (Runnable r : pending) loop.callSoon(r);
        pending = null;
        Future<Void> w = connectedWaiter;
        connectedWaiter = null;
        if (w != null && !w.done()) loop.callSoon(() -> w.setResult(null));
    }

    private void call(Runnable event) {
        if (pending != null) pending.add(event);
        else loop.callSoon(event);
    }

    private void pipeDataReceived(int fd, ByteBuffer data) {
        if (pending != null) {
            ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip().asReadOnlyBuffer();
            pending.add(() -> protocol.pipeDataReceived(fd, copy));
            return;
        }
        // Directly, not through callSoon: the view is valid only during this callback.
        protocol.pipeDataReceived(fd, data);
    }

    /** The child exited (loop thread). */
    private void exited() {
        if (returncode != null || process.isAlive()) return;
        int status = process.exitValue();
        int sig = status - 128;
        returncode = sig > 0 && sig <= 64 && (sentSignals & (1L << sig)) != 0 ? -sig : status;
        if (pipes[0] != null && pipes[0].pipe != null) PIPES.peerClosed((WriteTransport) pipes[0].pipe);
        call(protocol::processExited);
        tryFinish();
        for (Future<Integer> w : exitWaiters) if (!w.done()) w.setResult(returncode);
        exitWaiters.clear();
    }

    private void tryFinish() {
        if (finished || returncode == null) return;
        for (PipeProto p : pipes) if (p != null && !p.disconnected) return;
        finished = true;
        loop.callSoon(this::callConnectionLost);
    }

    private void callConnectionLost() {
        ProcessRegistry.of(loop).remove(this);
        try {
            protocol.connectionLost(null);
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError vme) throw vme;
            loop.callExceptionHandler(ErrorContext.of("protocol.connectionLost() failed (" + this + ")", t));
        } finally {
            released = true;
        }
    }

    // ---- SubprocessTransport ----

    /** Suspends until the child exits and returns its returncode (asyncio's {@code _wait}). */
    int awaitExit() {
        if (returncode != null) return returncode;
        Future<Integer> w = loop.createFuture();
        exitWaiters.add(w);
        try {
            return w.await();
        } finally {
            exitWaiters.remove(w);
        }
    }

    @Override
    public long getPid() {
        return pid;
    }

    @Override
    public Integer getReturncode() {
        return returncode;
    }

    @Override
    public BaseTransport getPipeTransport(int fd) {
        if (fd < 0 || fd > 2) return null;
        PipeProto p = pipes[fd];
        return p == null ? null : p.pipe;
    }

    /** Loop-bound, as every transport; cheap enough here to check always, not only in debug mode. */
    private void checkThread(String what) {
        io.jasyncio.internal.LoopAccess.get().checkThread(loop, what);
    }

    @Override
    public void sendSignal(int signal) {
        checkThread("SubprocessTransport.sendSignal()");
        Signals.checkNumber(signal);
        checkProc();
        if (returncode != null || !process.isAlive()) return;
        sentSignals |= 1L << signal;
        if (signal == Signals.SIGTERM) process.destroy();
        else if (signal == Signals.SIGKILL) process.destroyForcibly();
        else Signals.send(pid, signal);
    }

    @Override
    public void sendSignal(String signal) {
        Objects.requireNonNull(signal, "signal");
        sendSignal(Signals.number(signal));
    }

    @Override
    public void terminate() {
        sendSignal(Signals.SIGTERM);
    }

    @Override
    public void kill() {
        sendSignal(Signals.SIGKILL);
    }

    private void checkProc() {
        if (released) {
            throw new IllegalStateException("the process " + pid + " has exited and its transport is closed "
                    + "(asyncio's ProcessLookupError)");
        }
    }

    @Override
    public void close() {
        checkThread("SubprocessTransport.close()");
        if (closed) return;
        closed = true;
        for (PipeProto p : pipes) if (p != null && p.pipe != null) PIPES.closeByOwner(p.pipe);
        if (returncode == null && process.isAlive()) {
            if (loop.getDebug()) LOG.log(System.Logger.Level.WARNING, "Close running child process: kill {0}", this);
            sentSignals |= 1L << Signals.SIGKILL;
            process.destroyForcibly();
        }
    }

    /** The loop is closing: kill the child, wait for the JDK to reap it, end the pipe threads. */
    void killOnLoopClose() {
        if (process.isAlive()) {
            LOG.log(System.Logger.Level.WARNING, "killing child process {0} still running when the event loop closed", pid);
            process.destroyForcibly();
        }
        try {
            process.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "child process " + pid + " did not exit within 10 s of SIGKILL", e);
        }
        for (PipeProto p : pipes) {
            if (p == null || p.pipe == null) continue;
            PIPES.releaseNow(p.pipe);
            Thread t = PIPES.thread(p.pipe);
            if (t == null) continue;
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The threads serving this child's pipes (tests). */
    List<Thread> pipeThreads() {
        List<Thread> out = new ArrayList<>();
        for (PipeProto p : pipes) {
            if (p != null && p.pipe != null) {
                Thread t = PIPES.thread(p.pipe);
                if (t != null) out.add(t);
            }
        }
        return out;
    }

    @Override
    public boolean isClosing() {
        return closed;
    }

    @Override
    public Object getExtraInfo(String name) {
        return "subprocess".equals(name) ? process : null;
    }

    @Override
    public String toString() {
        return "SubprocessTransport[pid=" + pid + (closed ? " closed" : "")
                + (returncode != null ? " returncode=" + returncode : " running") + "]";
    }
}
