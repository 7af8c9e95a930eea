package io.jasyncio.file;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.sync.Lock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * An open file whose calls suspend only the calling task: the I/O runs on the loop's executor
 * threads while the task waits (Python: {@code aiofiles}, or {@code asyncio.to_thread} around a
 * file object).
 *
 * <pre>{@code
 * try (AsyncFile f = AsyncFile.open(path)) {          // READ by default, as FileChannel.open
 *     for (String line : f.lines()) {                 // suspends only when its buffer runs dry
 *         handle(line);
 *     }
 * }
 * try (AsyncFile out = AsyncFile.open(log, CREATE, WRITE, APPEND)) {
 *     out.write("started\n".getBytes(UTF_8));         // buffered: no thread hop
 *     out.flush();                                    // suspends; throws the write's IOException
 * }
 * }</pre>
 *
 * <p><b>Why not {@code Files} inside a task.</b> The JDK does not unmount a virtual thread for
 * file I/O; it blocks the carrier, and the carrier of every task is the loop thread. A plain
 * {@code FileChannel.read} in a task therefore stops the whole loop until the disk (or a FIFO's
 * writer) answers. This class hands the work to other threads instead.
 *
 * <p><b>Buffering.</b> Like Python's buffered file objects, a handle reads ahead and writes
 * behind through one direct buffer each, 64 KiB at first and 1 MiB once the access streams, taken
 * from a per-loop pool and given back as soon as it is empty. Reads served from the buffer and
 * writes that fit in it do not leave the loop; one hop then moves up to a whole buffer, which
 * keeps streaming within reach of a plain {@code FileChannel}. Written bytes reach the OS at the
 * latest at {@link #flush()}, when the buffer fills, before any read, seek, size or truncate,
 * and at {@link #close()}; a failed write throws its {@code IOException} there, and its buffered
 * bytes are dropped.
 *
 * <p><b>Loop and threads.</b> A handle belongs to the loop of the task that opened it. Every
 * method except {@link #close()}, {@link #isOpen()}, {@link #path()} must be called inside a task
 * of that loop (others fail with {@link IllegalStateException}; from another thread, submit a
 * coroutine with {@code Asyncio.runCoroutineThreadsafe}). Calls from several tasks are safe and
 * run one at a time, in the order they began waiting.
 *
 * <p><b>Cancellation.</b> A task cancelled while its operation runs gets {@link CancelledError}
 * at once. On a regular file the operation goes on in the background and its effect stays
 * consistent: bytes it read wait in the buffer for the next read, {@link #position()} accounts
 * for them, the next call waits for it to end, and an error it met is thrown by the next call.
 * On a FIFO or device an operation may never end (a reader waiting for a writer), so a
 * cancellation there closes the handle, which ends the blocked call.
 *
 * <p><b>Errors</b> are those of {@code FileChannel} and {@code Files}, unwrapped:
 * {@link java.nio.file.NoSuchFileException}, {@link java.nio.file.AccessDeniedException}, an
 * {@code IOException} "Is a directory" when reading a directory, {@link ClosedChannelException}
 * after {@link #close()}, {@link AsynchronousCloseException} for a call that was waiting when the
 * handle was closed.
 */
public final class AsyncFile implements AutoCloseable {
    private final EventLoop loop;
    private final FileLoop pool;
    private final Path path;
    private final FileChannel channel;
    /** Operations on a regular file always end: cancellation may leave them running. */
    private final boolean regular;
    /** Whether the channel has a position (not a FIFO, socket or character device). */
    private final boolean seekable;
    /** Serializes the operations of several tasks, fairly; held across an operation's hops. */
    private final Lock lock = new Lock();

    // While `inflight` is pending, its worker owns rbuf's and wbuf's contents, osPos and seekTo;
    // the loop reads them only after that future is done (its completion is the hand-back).
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
    private boolean closed;
    /** Completed when close() has finished its work (null until close()). */
    private Future<Void> closing;
    /** readLine's bytes of a line spanning buffer fills; reused. */
    private byte[] lineBytes;

    private AsyncFile(EventLoop loop, Path path, Opened o) {
        this.loop = loop;
        this.pool = FileLoop.of(loop);
        this.path = path;
        this.channel = o.channel;
        this.regular = o.regular;
        this.seekable = o.position >= 0;
        this.osPos = Math.max(0, o.position);
    }

    private record Opened(FileChannel channel, boolean regular, long position) {}

    /**
     * Opens {@code path} with {@code options} as {@link FileChannel#open(Path, OpenOption...)}
     * does (no options: {@code READ}). Suspends while the file opens (opening a FIFO waits for
     * its other end); cancellable there (a file opened meanwhile is closed again). Call inside
     * a task; the handle belongs to that task's loop.
     *
     * @throws java.nio.file.NoSuchFileException      if the file does not exist (and no CREATE)
     * @throws java.nio.file.AccessDeniedException    if permission is denied
     * @throws java.nio.file.FileAlreadyExistsException with CREATE_NEW if it exists
     * @throws IllegalArgumentException                for contradictory options (READ with APPEND...)
     * @throws IllegalStateException                   outside a task
     */
    public static AsyncFile open(Path path, OpenOption... options) throws IOException {
        Objects.requireNonNull(path, "path");
        OpenOption[] opts = options.clone();
        for (OpenOption o : opts) Objects.requireNonNull(o, "options contain null");
        EventLoop loop = Offload.taskLoop("AsyncFile.open()");
        Future<Opened> f = loop.runInExecutor(null, () -> {
            FileChannel ch = FileChannel.open(path, opts);
            try {
                long pos;
                try {
                    pos = ch.position();
                } catch (IOException notSeekable) {
                    pos = -1;
                }
                return new Opened(ch, Files.isRegularFile(path), pos);
            } catch (Throwable t) {
                ch.close();
                throw t;
            }
        });
        Opened o;
        try {
            o = Offload.await(f);
        } catch (CancelledError c) {
            f.addDoneCallback(x -> {
                if (!x.cancelled() && x.exception() == null) closeQuietly(x.result().channel);
            });
            throw c;
        }
        AsyncFile file = new AsyncFile(loop, path, o);
        file.pool.opened(file);
        return file;
    }

    /** The path this handle was opened with. Any thread. */
    public Path path() {
        return path;
    }

    /** Whether {@link #close()} has not been called. Any thread (may be stale). */
    public boolean isOpen() {
        return !closed;
    }

    // ---- reading ----

    /**
     * Reads up to {@code dst.remaining()} bytes into {@code dst}: what the buffer holds, or one
     * fill of it. Suspends only when the buffer is empty.
     *
     * @return the number of bytes read (0 only if {@code dst} has no room), or -1 at end of file
     * @throws IllegalArgumentException if {@code dst} is read-only
     */
    public int read(ByteBuffer dst) throws IOException {
        if (dst.isReadOnly()) throw new IllegalArgumentException("Read-only buffer");
        enter("read()");
        try {
            if (!dst.hasRemaining()) return 0;
            return fillIfEmpty() ? copyOut(dst) : -1;
        } finally {
            leave();
        }
    }

    /** As {@link #read(ByteBuffer)} into {@code b[off, off + len)}. Suspends only when the buffer is empty. */
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        return read(ByteBuffer.wrap(b, off, len));
    }

    /**
     * Reads {@code n} bytes, or fewer if the file ends first (then all that is left; an empty
     * array at end of file): {@code InputStream.readNBytes}, Python's {@code read(n)}. Suspends.
     */
    public byte[] readNBytes(int n) throws IOException {
        if (n < 0) throw new IllegalArgumentException("n must be >= 0: " + n);
        enter("readNBytes()");
        try {
            byte[] out = new byte[Math.min(n, FileLoop.LARGE)];
            int got = 0;
            while (got < n && fillIfEmpty()) {
                if (got == out.length) out = Arrays.copyOf(out, (int) Math.min(n, 2L * out.length));
                int k = Math.min(rbuf.remaining(), out.length - got);
                rbuf.get(out, got, k);
                got += k;
            }
            return got == out.length ? out : Arrays.copyOf(out, got);
        } finally {
            leave();
        }
    }

    /** Reads everything up to the end of the file (Python's {@code read()}). Suspends. */
    public byte[] readAllBytes() throws IOException {
        return readNBytes(Integer.MAX_VALUE - 8);
    }

    /** {@link #readLine(Charset)} in UTF-8. */
    public String readLine() throws IOException {
        return readLine(StandardCharsets.UTF_8);
    }

    /**
     * Reads one line, without its terminator ({@code "\n"} or {@code "\r\n"}), decoded with
     * {@code cs}; the last line needs no terminator. Suspends only when the buffer runs dry.
     *
     * @return the line, or null at end of file
     * @throws IllegalArgumentException if {@code cs} does not encode {@code '\n'} as the single
     *                                  byte 10 (UTF-16, UTF-32): read bytes and decode them instead
     */
    public String readLine(Charset cs) throws IOException {
        checkLineCharset(cs);
        enter("readLine()");
        try {
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
                    return decode(b, start, k, cs);
                }
                growLine(len + k);
                b.get(start, lineBytes, len, k);
                len += k;
                b.position(nl < end ? nl + 1 : end);
                if (nl < end) return lineOf(len, cs);
            }
            return len == 0 ? null : lineOf(len, cs);
        } finally {
            leave();
        }
    }

    /**
     * The remaining lines, as {@link #readLine(Charset)} reads them, for a {@code for} loop inside
     * a task: each step suspends only when the buffer runs dry. An I/O error surfaces as
     * {@link UncheckedIOException} from {@code hasNext()}.
     */
    public Iterable<String> lines(Charset cs) {
        checkLineCharset(cs);
        return () -> new Iterator<>() {
            private String next;
            private boolean end;

            @Override
            public boolean hasNext() {
                if (next == null && !end) {
                    try {
                        next = readLine(cs);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    end = next == null;
                }
                return next != null;
            }

            @Override
            public String next() {
                if (!hasNext()) throw new NoSuchElementException("no more lines in " + path);
                String s = next;
                next = null;
                return s;
            }
        };
    }

    /** {@link #lines(Charset)} in UTF-8. */
    public Iterable<String> lines() {
        return lines(StandardCharsets.UTF_8);
    }

    // ---- writing ----

    /**
     * Writes all of {@code src}: into the buffer, and through it to the file whenever it fills.
     * Suspends only when the buffer fills (then until that part is written).
     *
     * @return the number of bytes written, all that {@code src} had
     */
    public int write(ByteBuffer src) throws IOException {
        enter("write()");
        try {
            int total = src.remaining();
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
                if (!wbuf.hasRemaining()) flushBuffered();
            }
            return total;
        } finally {
            leave();
        }
    }

    /** Writes all of {@code b}; see {@link #write(ByteBuffer)}. */
    public void write(byte[] b) throws IOException {
        write(ByteBuffer.wrap(b));
    }

    /** Writes {@code b[off, off + len)}; see {@link #write(ByteBuffer)}. */
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        write(ByteBuffer.wrap(b, off, len));
    }

    /**
     * Writes the buffered bytes to the OS (the page cache: see {@link #force}). Suspends while
     * they are written, if there are any; throws the write's error.
     */
    public void flush() throws IOException {
        enter("flush()");
        try {
            flushBuffered();
        } finally {
            leave();
        }
    }

    /**
     * Flushes, then forces the file's content (and metadata if {@code metaData}) to the storage
     * device: {@link FileChannel#force}, Python's {@code os.fsync}. Suspends.
     */
    public void force(boolean metaData) throws IOException {
        enter("force()");
        try {
            flushBuffered();
            hop(() -> {
                channel.force(metaData);
                return null;
            });
        } finally {
            leave();
        }
    }

    // ---- position and size ----

    /**
     * The position of the next read or write, counting buffered bytes. Suspends only while
     * another operation on this handle runs.
     *
     * @throws IOException "Illegal seek" if the file has no position (a FIFO or device)
     */
    public long position() throws IOException {
        enter("position()");
        try {
            checkSeekable();
            if (rbuf != null) return osPos - rbuf.remaining();
            return osPos + (wbuf != null ? wbuf.position() : 0);
        } finally {
            leave();
        }
    }

    /**
     * Moves the position to {@code newPosition} (beyond the end is allowed: a later write fills
     * the gap with zeros). Python's {@code seek(pos)}. Suspends only to flush buffered writes;
     * a seek within the read-ahead buffer moves within it.
     *
     * @throws IllegalArgumentException if {@code newPosition} is negative
     * @throws IOException              "Illegal seek" if the file has no position
     */
    public void seek(long newPosition) throws IOException {
        if (newPosition < 0) throw new IllegalArgumentException("position must be >= 0: " + newPosition);
        enter("seek()");
        try {
            checkSeekable();
            flushBuffered();
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
        } finally {
            leave();
        }
    }

    /** The file's size, counting buffered writes (they are flushed first). Suspends. */
    public long size() throws IOException {
        enter("size()");
        try {
            flushBuffered();
            return hop(channel::size);
        } finally {
            leave();
        }
    }

    /**
     * Cuts the file to {@code size} bytes if it is longer ({@link FileChannel#truncate}); the
     * position moves to {@code size} if it was beyond. Flushes first. Suspends.
     */
    public void truncate(long size) throws IOException {
        if (size < 0) throw new IllegalArgumentException("size must be >= 0: " + size);
        enter("truncate()");
        try {
            flushBuffered();
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
        } finally {
            leave();
        }
    }

    // ---- closing ----

    /**
     * Starts closing, asyncio style: does not suspend, idempotent. Buffered writes are written
     * and the channel closed off the loop, after an operation still running on a regular file;
     * on a FIFO or device the channel closes at once, ending a blocked call (it fails with
     * {@link AsynchronousCloseException}). Calls waiting for this handle fail with
     * {@link AsynchronousCloseException}, later ones with {@link ClosedChannelException}. To see
     * an error of the last writes, call {@link #flush()} first or {@link #waitClosed()} after;
     * otherwise it goes to the loop's exception handler. Call on the loop's thread.
     */
    @Override
    public void close() {
        if (closed) return;
        EventLoop current = loopOfCaller();
        if (current != loop) {
            throw new IllegalStateException("AsyncFile.close() for " + path + " called off its event loop: use "
                    + "loop.callSoonThreadsafe(file::close) from other threads");
        }
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

    /**
     * Waits until {@link #close()} has finished writing and closing. Suspends; cancellable (the
     * close goes on).
     *
     * @throws IOException           what writing the buffered bytes or closing the channel threw
     * @throws IllegalStateException if {@link #close()} was not called
     */
    public void waitClosed() throws IOException {
        Offload.taskLoop("waitClosed()");
        if (closing == null) throw new IllegalStateException("waitClosed() needs a preceding close()");
        Offload.await(closing);
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
                System.getLogger("io.jasyncio").log(System.Logger.Level.WARNING, "writing the buffered bytes of " + this + " failed", e);
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

    // ---- the machinery ----

    private void enter(String what) throws IOException {
        EventLoop current = Offload.taskLoop("AsyncFile." + what);
        if (current != loop) {
            throw new IllegalStateException("AsyncFile." + what + " for " + path + " called from a task of another event loop: "
                    + "a handle belongs to the loop that opened it; submit the work there with Asyncio.runCoroutineThreadsafe()");
        }
        if (closed) throw new ClosedChannelException();
        lock.acquire();
        try {
            settle();
            if (closed) throw new AsynchronousCloseException();
        } catch (Throwable t) {
            lock.release();
            throw t;
        }
    }

    private void leave() {
        if (rbuf != null && !rbuf.hasRemaining() && (inflight == null || inflight.done())) dropReadAhead();
        lock.release();
    }

    /** Waits for a hop left running by a cancelled task and throws its error, if it failed. */
    private void settle() throws IOException {
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
     * Runs {@code work} off the loop as this handle's one operation in flight. If the task is
     * cancelled meanwhile, a regular file's work goes on (settle() collects it), other files are
     * closed to end it.
     */
    private <T> T hop(Callable<T> work) throws IOException {
        Future<T> f = loop.runInExecutor(null, work);
        inflight = f;
        T result;
        try {
            result = Offload.await(f);
        } catch (CancelledError c) {
            orphaned = true;
            if (!regular) close();
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
        flushBuffered();
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

    /** Writes the write buffer's bytes, if any, in one hop; gives the buffer back. */
    private void flushBuffered() throws IOException {
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

    private int copyOut(ByteBuffer dst) {
        int k = Math.min(rbuf.remaining(), dst.remaining());
        dst.put(dst.position(), rbuf, rbuf.position(), k);
        dst.position(dst.position() + k);
        rbuf.position(rbuf.position() + k);
        return k;
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

    private String decode(ByteBuffer b, int start, int len, Charset cs) {
        growLine(len);
        b.get(start, lineBytes, 0, len);
        return new String(lineBytes, 0, len, cs);
    }

    private static void checkLineCharset(Charset cs) {
        Objects.requireNonNull(cs, "charset");
        if (cs == StandardCharsets.UTF_8 || cs == StandardCharsets.ISO_8859_1 || cs == StandardCharsets.US_ASCII) return;
        byte[] nl = "\n".getBytes(cs);
        if (nl.length != 1 || nl[0] != '\n') {
            throw new IllegalArgumentException("readLine() and lines() split at the byte 10, but " + cs
                    + " does not encode '\\n' as that single byte: read the bytes (readAllBytes) and decode them with a Reader");
        }
    }

    private static EventLoop loopOfCaller() {
        try {
            return io.jasyncio.Asyncio.getRunningLoop();
        } catch (IllegalStateException none) {
            return null;
        }
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

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing was written through it that closing could lose
        }
    }
}
