package io.jasyncio.file;

import io.jasyncio.Asyncio;
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
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

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
 * cancellation there closes the handle, which ends the blocked call. What a cancelled call had
 * already done stays done: a write cancelled while a full buffer was being written has handed
 * that part to the file (the rest of its bytes are not written), and bytes that
 * {@code readNBytes}, {@code readAllBytes} or {@code readLine} had already taken from the buffer
 * are gone with the call ({@link #position()} counts them as read).
 *
 * <p><b>Errors</b> are those of {@code FileChannel} and {@code Files}, unwrapped:
 * {@link java.nio.file.NoSuchFileException}, {@link java.nio.file.AccessDeniedException}, an
 * {@code IOException} "Is a directory" when reading a directory, {@link ClosedChannelException}
 * after {@link #close()}, {@link AsynchronousCloseException} for a call that was waiting when the
 * handle was closed.
 */
public final class AsyncFile implements AutoCloseable {
    private final EventLoop loop;
    /** The buffered channel; all its state is used under {@code lock}, on the loop. */
    private final FileBuffers b;
    /** Serializes the operations of several tasks, fairly; held across an operation's hops. */
    private final Lock lock = new Lock();

    private AsyncFile(EventLoop loop, FileBuffers buffers) {
        this.loop = loop;
        this.b = buffers;
    }

    private record Opened(FileChannel channel, boolean regular, long position) {}

    /**
     * Opens {@code path} with {@code options} as {@link FileChannel#open(Path, OpenOption...)}
     * does (no options: {@code READ}). Suspends while the file opens (opening a FIFO waits for
     * its other end); cancellable there (a file opened meanwhile is closed again). Call inside
     * a task; the handle belongs to that task's loop.
     *
     * @throws java.nio.file.NoSuchFileException        if the file does not exist (and no CREATE)
     * @throws java.nio.file.AccessDeniedException      if permission is denied
     * @throws java.nio.file.FileAlreadyExistsException with CREATE_NEW if it exists
     * @throws IllegalArgumentException                 for contradictory options (READ with APPEND...)
     * @throws IllegalStateException                    outside a task
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
                if (!x.cancelled() && x.exception() == null) FileBuffers.closeQuietly(x.result().channel);
            });
            throw c;
        }
        FileLoop pool = FileLoop.of(loop);
        FileBuffers buffers = new FileBuffers(loop, pool, path, o.channel, o.regular, o.position);
        pool.opened(buffers);
        return new AsyncFile(loop, buffers);
    }

    /** The path this handle was opened with. Any thread. */
    public Path path() {
        return b.path;
    }

    /** Whether {@link #close()} has not been called. Any thread (may be stale). */
    public boolean isOpen() {
        return !b.closed;
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
            return b.read(dst);
        } finally {
            leave();
        }
    }

    /** As {@link #read(ByteBuffer)} into {@code bytes[off, off + len)}. Suspends only when the buffer is empty. */
    public int read(byte[] bytes, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, bytes.length);
        return read(ByteBuffer.wrap(bytes, off, len));
    }

    /**
     * Reads {@code n} bytes, or fewer if the file ends first (then all that is left; an empty
     * array at end of file): {@code InputStream.readNBytes}, Python's {@code read(n)}. Suspends.
     */
    public byte[] readNBytes(int n) throws IOException {
        if (n < 0) throw new IllegalArgumentException("n must be >= 0: " + n);
        enter("readNBytes()");
        try {
            return b.readNBytes(n);
        } finally {
            leave();
        }
    }

    /** Reads everything up to the end of the file (Python's {@code read()}). Suspends. */
    public byte[] readAllBytes() throws IOException {
        return readNBytes(Integer.MAX_VALUE - 8);
    }

    /** {@link #readLine(Charset)} in UTF-8. Suspends only when the buffer runs dry. */
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
            return b.readLine(cs);
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
                if (!hasNext()) throw new NoSuchElementException("no more lines in " + b.path);
                String s = next;
                next = null;
                return s;
            }
        };
    }

    /** {@link #lines(Charset)} in UTF-8; each step suspends only when the buffer runs dry. */
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
            b.write(src);
            return total;
        } finally {
            leave();
        }
    }

    /** Writes all of {@code bytes}; see {@link #write(ByteBuffer)}. Suspends only when the buffer fills. */
    public void write(byte[] bytes) throws IOException {
        write(ByteBuffer.wrap(bytes));
    }

    /**
     * Writes {@code bytes[off, off + len)}; see {@link #write(ByteBuffer)}. Suspends only when
     * the buffer fills.
     */
    public void write(byte[] bytes, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, bytes.length);
        write(ByteBuffer.wrap(bytes, off, len));
    }

    /**
     * Writes the buffered bytes to the OS (the page cache: see {@link #force}). Suspends while
     * they are written, if there are any; throws the write's error.
     */
    public void flush() throws IOException {
        enter("flush()");
        try {
            b.flush();
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
            b.force(metaData);
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
            return b.position();
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
            b.seek(newPosition);
        } finally {
            leave();
        }
    }

    /** The file's size, counting buffered writes (they are flushed first). Suspends. */
    public long size() throws IOException {
        enter("size()");
        try {
            return b.size();
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
            b.truncate(size);
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
     * otherwise it is reported like any future exception nobody retrieved (to the loop's
     * exception handler, or logged, when the closing future is collected). Call on the loop's
     * thread (a task or a callback).
     *
     * @throws IllegalStateException if called off the handle's loop
     */
    @Override
    public void close() {
        if (b.closed) return;
        if (loopOfCaller() != loop) {
            throw new IllegalStateException("AsyncFile.close() for " + b.path + " called off its event loop: use "
                    + "loop.callSoonThreadsafe(file::close) from other threads");
        }
        b.close();
    }

    /**
     * Waits until {@link #close()} has finished writing and closing. Suspends; cancellable (the
     * close goes on).
     *
     * @throws IOException           what writing the buffered bytes or closing the channel threw
     * @throws IllegalStateException if {@link #close()} was not called, or outside a task
     */
    public void waitClosed() throws IOException {
        Offload.taskLoop("waitClosed()");
        Future<Void> closing = b.closing;
        if (closing == null) throw new IllegalStateException("waitClosed() needs a preceding close()");
        Offload.await(closing);
    }

    @Override
    public String toString() {
        return b.toString();
    }

    // ---- the machinery ----

    private void enter(String what) throws IOException {
        EventLoop current = Offload.taskLoop("AsyncFile." + what);
        if (current != loop) {
            throw new IllegalStateException("AsyncFile." + what + " for " + b.path + " called from a task of another event loop: "
                    + "a handle belongs to the loop that opened it; submit the work there with Asyncio.runCoroutineThreadsafe()");
        }
        if (b.closed) throw new ClosedChannelException();
        lock.acquire();
        try {
            b.settle();
            if (b.closed) throw new AsynchronousCloseException();
        } catch (Throwable t) {
            lock.release();
            throw t;
        }
    }

    private void leave() {
        b.releaseDrained();
        lock.release();
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
            return Asyncio.getRunningLoop();
        } catch (IllegalStateException none) {
            return null;
        }
    }
}
