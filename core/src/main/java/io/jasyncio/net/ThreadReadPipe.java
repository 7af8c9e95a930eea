package io.jasyncio.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * A read pipe Java cannot select: a process's stdout or stderr, a FIFO, {@code System.in} — any
 * {@link InputStream}. Reading one inside a task would block the loop thread (the JDK does not
 * unmount a virtual thread in file or pipe I/O), so a dedicated platform thread does the blocking
 * reads and hands each chunk to the loop.
 *
 * <h2>Memory and flow control</h2>
 * The thread reads into one of {@link #CHUNKS} reusable chunks of {@link #CHUNK_SIZE} bytes and
 * waits for a free one when all are in flight, so at most {@code CHUNKS * CHUNK_SIZE} bytes are
 * read ahead of the protocol. While the application has paused reading, the thread waits before
 * its next read, and chunks already read are held here (not delivered, as asyncio delivers
 * nothing while paused) until it resumes.
 *
 * <h2>Threads</h2>
 * Protocol callbacks run on the loop thread. The reader thread only reads, takes and returns
 * chunks, and posts to the loop with {@code callSoonThreadsafe}; it ends at EOF, at a read error,
 * when the transport is closed, or when the loop is closed. A thread blocked in {@code read} on
 * a pipe whose writer never writes nor closes cannot be woken by closing our end (Linux keeps
 * the read blocked): it ends when the writer closes — for a subprocess, when the child exits or
 * is killed.
 */
final class ThreadReadPipe extends ReadPipe {
    static final int CHUNK_SIZE = 64 * 1024;
    static final int CHUNKS = 4;
    private static final Object EOF = new Object();

    /** One reusable read buffer and its read-only view for the protocol. */
    private static final class Chunk {
        final byte[] bytes = new byte[CHUNK_SIZE];
        final ByteBuffer view = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        int length;
    }

    private final InputStream in;
    private final Thread thread;
    /** Free chunks; the reader takes one per read, the loop returns it after delivery. */
    private final ArrayBlockingQueue<Chunk> free = new ArrayBlockingQueue<>(CHUNKS);
    /**
     * Guards {@link #threadPaused}, on which the reader thread waits; {@link #release()} ends that
     * wait with an interrupt after setting {@link #stop}.
     */
    private final Object gate = new Object();
    private boolean threadPaused = true;
    private volatile boolean stop;
    private boolean started;
    /** Events (chunks, EOF, an error) that arrived while paused; loop thread only. */
    private final ArrayDeque<Object> held = new ArrayDeque<>();

    ThreadReadPipe(EventLoop loop, InputStream in, String name, ReadPipeProtocol protocol, Future<Void> waiter) {
        super(loop, protocol, waiter);
        this.in = in;
        for (int i = 0; i < CHUNKS; i++) free.add(new Chunk());
        this.thread = Thread.ofPlatform().daemon().name("jasyncio-pipe-" + name).unstarted(this::readLoop);
        this.io = IoLoop.of(loop);
        this.releaser = PipeEnds.releaser(this, this::release);
        io.track(releaser);
        scheduleStart();
    }

    private final IoLoop io;
    /** What the loop's close runs if the transport was never closed: ends the thread. */
    private final Runnable releaser;

    /** The reader thread's body. */
    private void readLoop() {
        try {
            while (true) {
                synchronized (gate) {
                    while (threadPaused && !stop) gate.wait();
                }
                if (stop) return;
                Chunk c = free.take();
                if (stop) return;
                int n = in.read(c.bytes, 0, CHUNK_SIZE);
                if (n < 0) {
                    post(EOF);
                    return;
                }
                if (n == 0) {
                    free.add(c);
                    continue;
                }
                c.length = n;
                post(c); // a failed post sets stop, which the next turn checks
            }
        } catch (IOException e) {
            if (!stop) post(e);
        } catch (RuntimeException | Error e) {
            // A stream that fails otherwise must still end the transport: a thread that died
            // silently would leave the protocol waiting for data or EOF forever.
            if (!stop) post(new IOException("the pipe's reader thread failed: " + e, e));
            if (e instanceof Error) throw e;
        } catch (InterruptedException e) {
            // closed while waiting: end quietly
        }
    }

    /** Hands {@code event} to the loop; once the loop is closed, sets {@link #stop} (the thread then ends). */
    private void post(Object event) {
        try {
            loop.callSoonThreadsafe(() -> arrive(event));
        } catch (IllegalStateException loopClosed) {
            stop = true;
        }
    }

    /** An event from the thread; after the loss it is dropped (a chunk is not returned: the thread is ending). */
    private void arrive(Object event) {
        if (lost) return;
        if (paused || !held.isEmpty()) {
            held.add(event);
            return;
        }
        dispatch(event);
    }

    private void dispatch(Object event) {
        if (event instanceof Chunk c) {
            c.view.clear().limit(c.length);
            deliver(c.view);
            free.add(c);
        } else if (event == EOF) {
            deliverEof();
        } else {
            fatalError((IOException) event);
        }
    }

    private void drainHeld() {
        while (!paused && !closing && !held.isEmpty()) dispatch(held.poll());
    }

    @Override
    void startReading() {
        synchronized (gate) {
            threadPaused = false;
            gate.notifyAll();
        }
        if (!started) {
            started = true;
            thread.start();
        }
        // Delivered from a fresh callback, not from inside resumeReading(): a StreamReader
        // resumes in the middle of a read and must not be fed re-entrantly.
        if (!held.isEmpty()) loop.callSoon(this::drainHeld);
    }

    @Override
    void stopReading() {
        synchronized (gate) {
            threadPaused = true;
        }
    }

    @Override
    void release() {
        io.untrack(releaser);
        stop = true;
        // Wakes a reader waiting at the gate or for a free chunk (the interrupt stays pending if it
        // is on its way there); a blocking read is not interruptible. Held chunks are not returned:
        // the thread is ending.
        if (started) thread.interrupt();
        try {
            in.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a pipe failed", e);
        }
    }

    /** The reader thread, for tests and for waiting until it ended. */
    Thread thread() {
        return thread;
    }

    @Override
    Object pipe() {
        return in;
    }
}
