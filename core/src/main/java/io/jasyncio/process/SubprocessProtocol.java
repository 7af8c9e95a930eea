package io.jasyncio.process;

import io.jasyncio.net.BaseProtocol;
import java.nio.ByteBuffer;

/**
 * The callbacks of a child process started with {@link Subprocesses#subprocessExec}: asyncio's
 * {@code SubprocessProtocol}. All run on the loop thread. Order: {@code connectionMade}, then
 * {@code pipeDataReceived} and {@code pipeConnectionLost} for each pipe and
 * {@code processExited} in whatever order they happen, then {@code connectionLost} once the
 * child exited and every pipe is closed. {@code pauseWriting}/{@code resumeWriting} follow the
 * stdin pipe's write buffer.
 *
 * <pre>{@code
 * class Collect implements SubprocessProtocol {
 *     final ByteArrayOutputStream out = new ByteArrayOutputStream();
 *     final Future<Void> done = Asyncio.getRunningLoop().createFuture();
 *     public void pipeDataReceived(int fd, ByteBuffer data) {
 *         byte[] b = new byte[data.remaining()];
 *         data.get(b);                      // copy: the buffer is reused after we return
 *         if (fd == 1) out.writeBytes(b);
 *     }
 *     public void connectionLost(Throwable exc) { done.setResult(null); }
 * }
 * }</pre>
 */
public interface SubprocessProtocol extends BaseProtocol {
    /** The child is running and its pipes are connected. */
    default void connectionMade(SubprocessTransport transport) {
    }

    /**
     * The child wrote to stdout ({@code fd == 1}) or stderr ({@code fd == 2}). {@code data} is a
     * read-only view of a reused buffer: consume or copy it before returning.
     */
    default void pipeDataReceived(int fd, ByteBuffer data) {
    }

    /** Pipe {@code fd} (0, 1 or 2) closed: {@code exc} is null at EOF, else the error. */
    default void pipeConnectionLost(int fd, Throwable exc) {
    }

    /** The child exited; {@link SubprocessTransport#getReturncode()} now has its status. */
    default void processExited() {
    }
}
