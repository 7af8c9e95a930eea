package io.jasyncio.process;

import io.jasyncio.EventLoop;
import io.jasyncio.internal.StreamAccess;
import io.jasyncio.net.BaseProtocol;
import io.jasyncio.net.ReadTransport;
import io.jasyncio.net.WriteTransport;
import io.jasyncio.stream.StreamReader;
import io.jasyncio.stream.StreamWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The protocol behind {@link Subprocess}: asyncio's {@code SubprocessStreamProtocol}. The child's
 * stdout and stderr feed {@link StreamReader}s (which pause their pipes above twice their limit),
 * its stdin is a {@link StreamWriter} whose {@code drain()} follows the stdin pipe's flow control;
 * once the child exited and both output pipes are closed, the transport is closed. Loop thread.
 */
final class SubprocessStreamProtocol implements SubprocessProtocol {
    private final EventLoop loop;
    private final int limit;
    /** The stdin writer's flow control and close waiter (asyncio's FlowControlMixin and _stdin_closed). */
    private final BaseProtocol stdinFlow;
    StreamWriter stdin;
    StreamReader stdout;
    StreamReader stderr;
    private SubprocessTransport transport;
    private boolean processExited;
    /** The output fds (1, 2) still open. */
    private final List<Integer> pipeFds = new ArrayList<>(2);

    SubprocessStreamProtocol(int limit, EventLoop loop) {
        this.loop = loop;
        this.limit = limit;
        this.stdinFlow = StreamAccess.get().newDrainFlow(loop);
    }

    /** Makes the streams, as asyncio's {@code connection_made}. */
    @Override
    public void connectionMade(SubprocessTransport t) {
        transport = t;
        if (t.getPipeTransport(1) instanceof ReadTransport out) {
            stdout = new StreamReader(limit);
            stdout.setTransport(out);
            pipeFds.add(1);
        }
        if (t.getPipeTransport(2) instanceof ReadTransport err) {
            stderr = new StreamReader(limit);
            stderr.setTransport(err);
            pipeFds.add(2);
        }
        if (t.getPipeTransport(0) instanceof WriteTransport in) {
            stdin = StreamAccess.get().newPipeWriter(in, stdinFlow);
        }
    }

    @Override
    public void pipeDataReceived(int fd, ByteBuffer data) {
        StreamReader r = fd == 1 ? stdout : fd == 2 ? stderr : null;
        if (r != null) r.feedData(data);
    }

    @Override
    public void pipeConnectionLost(int fd, Throwable exc) {
        if (fd == 0) {
            // The pipe is already closed (its loss is what we hear); closing the writer again
            // would turn later writes into "write after close" errors instead of asyncio's drop.
            stdinFlow.connectionLost(exc);
            return;
        }
        StreamReader r = fd == 1 ? stdout : fd == 2 ? stderr : null;
        if (r != null) {
            if (exc == null) r.feedEof();
            else r.setException(exc);
        }
        pipeFds.remove(Integer.valueOf(fd));
        maybeCloseTransport();
    }

    @Override
    public void pauseWriting() {
        stdinFlow.pauseWriting();
    }

    @Override
    public void resumeWriting() {
        stdinFlow.resumeWriting();
    }

    @Override
    public void processExited() {
        processExited = true;
        maybeCloseTransport();
    }

    private void maybeCloseTransport() {
        if (pipeFds.isEmpty() && processExited && transport != null) {
            transport.close();
            transport = null;
        }
    }

    @Override
    public String toString() {
        return "SubprocessStreamProtocol[stdin=" + stdin + ", stdout=" + stdout + ", stderr=" + stderr + "]";
    }
}
