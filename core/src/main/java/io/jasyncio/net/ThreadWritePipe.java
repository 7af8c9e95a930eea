package io.jasyncio.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A write pipe Java cannot select: a process's stdin, a FIFO, {@code System.out} — any
 * {@link OutputStream}. A dedicated platform thread does the blocking writes, so the loop never
 * blocks; {@link #write} copies the bytes into the thread's queue and returns at once.
 *
 * <h2>Flow control</h2>
 * Queued bytes count in the write buffer until the thread has written them (it reports each
 * batch back through {@code callSoonThreadsafe}), so the protocol is paused above the high-water
 * mark exactly as with a selectable pipe and memory stays bounded by the water marks plus what a
 * writer that ignores {@code pauseWriting} pushes.
 *
 * <h2>Threads</h2>
 * The thread ends when the transport closes (after writing everything, then closing the stream,
 * so the reader sees EOF), at the first write error (anything else the stream throws is reported
 * the same way, as an {@code IOException} with it as the cause), or when the loop closes. A write blocked on
 * a reader that neither reads nor exits cannot be interrupted: the thread ends when that reader
 * goes away (for a subprocess: when the child exits or is killed).
 */
final class ThreadWritePipe extends WritePipe {
    private final OutputStream out;
    private final Thread thread;
    /** Copies waiting for the thread; guarded by itself. {@link #stop} asks the thread to end. */
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private boolean stop;
    /** The reader went away: once the queue is written, tell the loop (after the last report). */
    private boolean peerGone;

    ThreadWritePipe(EventLoop loop, OutputStream out, String name, WritePipeProtocol protocol, Future<Void> waiter) {
        super(loop, protocol, waiter);
        this.out = out;
        this.thread = Thread.ofPlatform().daemon().name("jasyncio-pipe-" + name).start(this::writeLoop);
        this.io = IoLoop.of(loop);
        this.releaser = PipeEnds.releaser(this, this::release);
        io.track(releaser);
        scheduleStart();
    }

    private final IoLoop io;
    /** What the loop's close runs if the transport was never closed: ends the thread. */
    private final Runnable releaser;

    @Override
    void send(ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        synchronized (queue) {
            queue.add(copy);
            queue.notifyAll();
        }
        bufferSize += copy.length;
    }

    /** The writer thread's body: write what is queued, report it, close the stream at the end. */
    private void writeLoop() {
        try {
            while (true) {
                byte[] b;
                synchronized (queue) {
                    while (queue.isEmpty() && !stop && !peerGone) queue.wait();
                    if (stop) break;
                    if (queue.isEmpty()) {
                        // Reported through the same queue as the writes' progress, so the loop
                        // has counted every byte written before it judges what was lost.
                        peerGone = false;
                        post(this::peerClosedNow);
                        continue;
                    }
                    b = queue.poll();
                }
                long n = b.length;
                out.write(b);
                // Write everything queued meanwhile before one flush and one report.
                while (true) {
                    synchronized (queue) {
                        if (stop || queue.isEmpty()) break;
                        b = queue.poll();
                    }
                    out.write(b);
                    n += b.length;
                }
                out.flush();
                long written = n;
                post(() -> wrote(written));
            }
        } catch (IOException e) {
            // after the loss (stopped by release) writeFailed changes nothing: closeWith returns
            post(() -> writeFailed(e));
        } catch (RuntimeException | Error e) {
            // A stream that fails otherwise (a bug in it, an OutOfMemoryError) must still end the
            // transport: a thread that died silently would leave drain() waiting forever.
            post(() -> writeFailed(new IOException("the pipe's writer thread failed: " + e, e)));
            if (e instanceof Error) throw e;
        } catch (InterruptedException e) {
            // the loop closed: end
        } finally {
            try {
                out.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing a pipe failed", e);
            }
        }
    }

    /**
     * Hands {@code r} to the loop; once the loop is closed, drops it. The thread then ends at its
     * next {@link #stop} check, at the top of its loop: the loop's close runs its close hooks
     * (IoLoop's releases every thread pipe not released yet, setting stop) before it refuses
     * callbacks, and a pipe released earlier has stop set already.
     */
    private void post(Runnable r) {
        try {
            loop.callSoonThreadsafe(r);
        } catch (IllegalStateException loopClosed) {
            // the loop is closed: see above
        }
    }

    /** The child exited: decided by the thread, which knows whether a write is still pending. */
    @Override
    void peerClosed() {
        synchronized (queue) {
            peerGone = true;
            queue.notifyAll();
        }
    }

    @Override
    void dropBuffer() {
        synchronized (queue) {
            queue.clear();
        }
    }

    /**
     * Ends the thread, which closes the stream once its current write (if any) returns; it takes
     * nothing more from the queue once {@link #stop} is set.
     */
    @Override
    void release() {
        io.untrack(releaser);
        synchronized (queue) {
            stop = true;
            queue.notifyAll();
        }
    }

    Thread thread() {
        return thread;
    }

    @Override
    Object pipe() {
        return out;
    }
}
