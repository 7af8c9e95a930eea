package io.jasyncio.file;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * The engine under {@link AsyncFile}: a {@code FileChannel} with a read-ahead and a write-behind
 * buffer, whose channel calls run off the loop, one "hop" at a time.
 *
 * <p><b>Ownership.</b> The loop side (the handle's tasks, one at a time under its lock) owns all
 * fields, except while a hop is in flight: then its worker owns the buffers' contents, {@code
 * osPos} and {@code seekTo}, and the loop side reads them again only after the hop's future is
 * done (its completion, delivered through {@code callSoonThreadsafe}, is the hand-back). A hop
 * whose task was cancelled stays in {@code inflight} until the next operation collects it
 * ({@link #settle}).
 *
 * <p><b>Position.</b> For a seekable channel, {@code osPos} is where the channel will stand once
 * {@code seekTo} is applied; the reader stands {@code rbuf.remaining()} bytes before it, a writer
 * {@code wbuf.position()} bytes after it.
 */
final class FileBuffers {
    private final EventLoop loop;
    private final FileLoop pool;
    final Path path;
    final FileChannel channel;
    /** Operations on a regular file always end: cancellation may leave them running. */
    final boolean regular;
    /** Whether the channel has a position (not a FIFO, socket or character device). */
    final boolean seekable;

    /** Read-ahead: unread bytes between position and limit; null when none are buffered. */
    private ByteBuffer rbuf;
    /** Write-behind: bytes in [0, position) not yet written to the channel; null when none. */
    private ByteBuffer wbuf;
    /** The channel's position once {@code seekTo} is applied (seekable channels only). */
    private long osPos;
    /** A position to set on the channel before its next read or write, or -1. */
    private long seekTo = -1;
    /** Consecutive hops that moved a whole buffer: at 2, buffers grow to FileLoop.LARGE. */
    private int readStreak;
    private int writeStreak;
    /** The last hop; pending while a worker runs it. Cleared by the next operation. */
    private Future<?> inflight;
    /** The task that started {@code inflight} was cancelled: its error belongs to the next call. */
    private boolean orphaned;
    boolean closed;
    /** Completed when closing has finished its work (null until close). */
    Future<Void> closing;
    /** readLine's bytes of a line spanning buffer fills; reused. */
    private byte[] lineBytes;

    FileBuffers(EventLoop loop, FileLoop pool, Path path, FileChannel channel, boolean regular, long position) {
        this.loop = loop;
        this.pool = pool;
        this.path = path;
        this.channel = channel;
        this.regular = regular;
        this.seekable = position >= 0;
        this.osPos = Math.max(0, position);
    }

    // ---- operations (loop side, under the handle's lock) ----

    int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) return 0;
        if (!fillIfEmpty()) return -1;
        int k = Math.min(rbuf.remaining(), dst.remaining());
        dst.put(dst.position(), rbuf, rbuf.position(), k);
        dst.position(dst.position() + k);
        rbuf.position(rbuf.position() + k);
        return k;
    }

    byte[] readNBytes(int n) throws IOException {
        // sized by what is buffered (at least 8 KiB), doubling as needed: readAllBytes of a
        // small file must not allocate a megabyte
        byte[] out = new byte[Math.min(n, Math.max(8192, rbuf != null ? rbuf.remaining() : 0))];
        int got = 0;
        while (got < n && fillIfEmpty()) {
            if (got == out.length) out = Arrays.copyOf(out, (int) Math.min(n, 2L * out.length));
            int k = Math.min(rbuf.remaining(), out.length - got);
            rbuf.get(out, got, k);
            got += k;
        }
        return got == out.length ? out : Arrays.copyOf(out, got);
    }

    String readLine(Charset cs) throws IOException {
        int len = 0;
        while (fillIfEmpty()) {
            ByteBuffer b = rbuf;
            int start = b.position();
            int end = b.limit();
            int nl = start;
            while (nl < end && b.get(nl) != '\n') nl++;
            int k = nl - start;
            if (len == 0 && nl < end) {
                // the whole line is in the buffer: decode it from there
                b.position(nl + 1);
                if (k > 0 && b.get(nl - 1) == '\r') k--;
                growLine(k);
                b.get(start, lineBytes, 0, k);
                return new String(lineBytes, 0, k, cs);
            }
            growLine(len + k);
            b.get(start, lineBytes, len, k);
            len += k;
            b.position(nl < end ? nl + 1 : end);
            if (nl < end) return lineOf(len, cs);
        }
        return len == 0 ? null : lineOf(len, cs);
    }

    void write(ByteBuffer src) throws IOException {
        if (rbuf != null && seekable) {
            // the channel is ahead by the unread bytes: write where the reader stands
            seekTo = osPos - rbuf.remaining();
            osPos = seekTo;
            dropReadAhead();
        }
        while (src.hasRemaining()) {
            if (wbuf == null) wbuf = pool.take(writeStreak >= 2 ? FileLoop.LARGE : FileLoop.SMALL);
            int k = Math.min(wbuf.remaining(), src.remaining());
            wbuf.put(wbuf.position(), src, src.position(), k);
            wbuf.position(wbuf.position() + k);
            src.position(src.position() + k);
            if (!wbuf.hasRemaining()) flush();
        }
    }

    /** Writes the write buffer's bytes, if any, in one hop; gives the buffer back. */
    void flush() throws IOException {
        ByteBuffer b = wbuf;
        if (b == null) return;
        if (b.position() == 0) {
            wbuf = null;
            pool.give(b);
            return;
        }
        boolean full = !b.hasRemaining();
        hop(() -> {
            flushWork(b);
            return null;
        });
        writeStreak = full ? writeStreak + 1 : 0;
        wbuf = null;
        pool.give(b);
    }

    void force(boolean metaData) throws IOException {
        flush();
        hop(() -> {
            channel.force(metaData);
            return null;
        });
    }

    long position() throws IOException {
        checkSeekable();
        if (rbuf != null) return osPos - rbuf.remaining();
        return osPos + (wbuf != null ? wbuf.position() : 0);
    }

    void seek(long newPosition) throws IOException {
        checkSeekable();
        flush();
        if (rbuf != null) {
            long start = osPos - rbuf.limit();
            if (newPosition >= start && newPosition <= osPos) {
                rbuf.position((int) (newPosition - start));
                return;
            }
            dropReadAhead();
        }
        seekTo = newPosition;
        osPos = newPosition;
        readStreak = 0;
        writeStreak = 0;
    }

    long size() throws IOException {
        flush();
        return hop(channel::size);
    }

    void truncate(long size) throws IOException {
        flush();
        if (rbuf != null) {
            seekTo = osPos - rbuf.remaining();
            osPos = seekTo;
            dropReadAhead();
        }
        hop(() -> {
            applySeek();
            channel.truncate(size);
            if (seekable) osPos = channel.position();
            return null;
        });
    }

    /** After an operation: an emptied read buffer goes back to the pool (unless a hop fills it). */
    void releaseDrained() {
        if (rbuf != null && !rbuf.hasRemaining() && (inflight == null || inflight.done())) dropReadAhead();
    }

    // ---- closing ----

    /** Starts closing (see AsyncFile.close): after a running hop on a regular file, at once otherwise. */
    void close() {
        closed = true;
        closing = loop.createFuture();
        pool.closed(this);
        Future<?> f = inflight;
        if (f != null && !f.done()) {
            if (!regular) closeQuietly(channel);
            f.addDoneCallback(x -> finishClose());
        } else {
            finishClose();
        }
    }

    /** At loop close: closes now, on the loop thread, writing buffered bytes of a regular file. */
    void closeNow() {
        if (!closed) {
            closed = true;
            closing = loop.createFuture();
        }
        Future<?> f = inflight;
        if (regular && (f == null || f.done()) && wbuf != null && wbuf.position() > 0 && channel.isOpen()) {
            try {
                flushWork(wbuf);
            } catch (IOException e) {
                System.getLogger("io.jasyncio").log(System.Logger.Level.WARNING, "writing the buffered bytes of " + path + " failed", e);
            }
        }
        closeQuietly(channel);
        if (!closing.done()) closing.setResult(null);
    }

    private void finishClose() {
        Future<?> f = inflight;
        Throwable orphanError = orphaned && f != null && !f.cancelled() ? f.exception() : null;
        ByteBuffer w = wbuf;
        ByteBuffer r = rbuf;
        wbuf = null;
        rbuf = null;
        if (r != null) pool.give(r);
        if (w != null && w.position() > 0 && channel.isOpen()) {
            Future<Void> done = loop.runInExecutor(null, () -> {
                try {
                    flushWork(w);
                } finally {
                    channel.close();
                }
                return null;
            });
            done.addDoneCallback(x -> {
                pool.give(w);
                Throwable e = x.exception();
                complete(e != null ? e : orphanError);
            });
            return;
        }
        if (w != null) pool.give(w);
        try {
            channel.close();
        } catch (IOException e) {
            complete(e);
            return;
        }
        complete(orphanError);
    }

    private void complete(Throwable error) {
        if (closing.done()) return;
        if (error == null || error instanceof AsynchronousCloseException) {
            closing.setResult(null);
        } else {
            closing.setException(error);
        }
    }

    @Override
    public String toString() {
        return "AsyncFile[" + path + (closed ? ", closed" : "") + "]";
    }

    // ---- hops ----

    /** Waits for a hop left running by a cancelled task and throws its error, if it failed. */
    void settle() throws IOException {
        Future<?> f = inflight;
        if (f == null) return;
        if (!f.done()) {
            Future<Void> waiter = loop.createFuture();
            f.addDoneCallback(x -> {
                if (!waiter.done()) waiter.setResult(null);
            });
            waiter.await();
        }
        inflight = null;
        if (orphaned) {
            orphaned = false;
            Throwable e = f.cancelled() ? null : f.exception();
            if (e != null) throw rethrow(e);
        }
    }

    /**
     * Runs {@code work} off the loop as the one operation in flight. If the task is cancelled
     * meanwhile, a regular file's work goes on (settle() collects it), other files are closed to
     * end it.
     */
    private <T> T hop(Callable<T> work) throws IOException {
        Future<T> f = loop.runInExecutor(null, work);
        inflight = f;
        T result;
        try {
            result = Offload.await(f);
        } catch (CancelledError c) {
            orphaned = true;
            if (!regular && !closed) close();
            throw c;
        } catch (IOException | RuntimeException | Error e) {
            inflight = null;
            if (closed) throw asyncClose(e);
            throw e;
        }
        inflight = null;
        if (closed) throw new AsynchronousCloseException();
        return result;
    }

    /** Makes the read buffer hold unread bytes, filling it once if needed; false at end of file. */
    private boolean fillIfEmpty() throws IOException {
        if (rbuf != null && rbuf.hasRemaining()) return true;
        flush();
        int size = readStreak >= 2 ? FileLoop.LARGE : FileLoop.SMALL;
        if (rbuf != null && rbuf.capacity() != size) dropReadAhead();
        ByteBuffer b = rbuf != null ? rbuf.clear() : pool.take(size);
        rbuf = b;
        int n = hop(() -> {
            applySeek();
            int k;
            try {
                k = channel.read(b);
            } finally {
                b.flip();
            }
            if (k > 0 && seekable) osPos += k;
            return k;
        });
        readStreak = n == b.capacity() ? readStreak + 1 : 0;
        return n > 0;
    }

    /** On a worker (or the closing loop): writes b's [0, position) and empties it, even on failure. */
    private void flushWork(ByteBuffer b) throws IOException {
        b.flip();
        try {
            applySeek();
            int n = 0;
            while (b.hasRemaining()) n += channel.write(b);
            if (seekable) osPos += n;
        } finally {
            b.clear();
        }
    }

    private void applySeek() throws IOException {
        if (seekTo >= 0) {
            channel.position(seekTo);
            seekTo = -1;
        }
    }

    private void dropReadAhead() {
        ByteBuffer b = rbuf;
        rbuf = null;
        if (b != null) pool.give(b);
    }

    private void checkSeekable() throws IOException {
        if (!seekable) throw new IOException("Illegal seek: " + path + " has no position (a FIFO, socket or character device)");
    }

    private void growLine(int needed) {
        if (lineBytes == null || lineBytes.length < needed) {
            lineBytes = Arrays.copyOf(lineBytes == null ? new byte[0] : lineBytes, Math.max(needed, 256) * 2);
        }
    }

    private String lineOf(int len, Charset cs) {
        int k = len > 0 && lineBytes[len - 1] == '\r' ? len - 1 : len;
        String s = new String(lineBytes, 0, k, cs);
        if (lineBytes.length > 64 << 10) lineBytes = null; // a huge line once should not stay
        return s;
    }

    private static IOException asyncClose(Throwable e) {
        AsynchronousCloseException a = new AsynchronousCloseException();
        a.initCause(e);
        return a;
    }

    private static RuntimeException rethrow(Throwable e) throws IOException {
        if (e instanceof IOException io) throw io;
        if (e instanceof RuntimeException r) throw r;
        if (e instanceof Error err) throw err;
        throw new IllegalStateException(e);
    }

    static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing was written through it that closing could lose
        }
    }
}
