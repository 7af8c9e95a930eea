package io.jasyncio.stream;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.net.ReadTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Objects;

/**
 * Reads what a connection's peer sends: asyncio's {@code StreamReader}. Bytes arrive from the
 * loop into the reader's buffer; the read methods take them out, suspending the calling task
 * while there is not enough.
 *
 * <pre>{@code
 * StreamPair conn = Streams.openConnection("127.0.0.1", 8888);
 * StreamReader reader = conn.reader();
 * byte[] status = reader.readLine();          // up to and including '\n'
 * byte[] header = reader.readExactly(8);      // exactly 8 bytes, or IncompleteReadError
 * for (byte[] line : reader) {                // asyncio's "async for line in reader"
 *     handle(line);
 * }
 * }</pre>
 *
 * <h2>The limit</h2>
 * {@code limit} (default {@value Streams#DEFAULT_LIMIT} bytes) is the longest line or
 * {@link #readUntil(byte[])} chunk accepted, not counting the separator; longer ones fail with
 * {@link LimitOverrunError}. It also bounds memory: when more than twice the limit is buffered,
 * the reader pauses the transport's reading, and resumes it once a read brings the buffer down to
 * the limit (or when a read has to wait for more data, e.g. a {@link #readExactly(int)} of more
 * than the limit).
 *
 * <h2>Ending</h2>
 * When the peer closes, the buffered bytes can still be read; then {@link #read(int)} returns an
 * empty array, {@link #readLine()} an empty array (or the last line without its newline) and
 * {@link #readExactly(int)} and {@link #readUntil(byte[])} throw {@link IncompleteReadError}.
 * When the connection breaks, every read throws its error (an {@link IOException}).
 *
 * <h2>Tasks and threads</h2>
 * The reader belongs to the loop it was made on. The read methods suspend (say "Suspending.")
 * and must be called from a task of that loop; one task at a time may wait for data, a second
 * gets {@link IllegalStateException}. A read whose task is cancelled while it waits throws
 * {@link CancelledError} and leaves the buffer as it was. Nothing is thread-safe: from other threads use
 * {@code loop.callSoonThreadsafe}. {@link #asInputStream()} gives a blocking
 * {@link InputStream} view for Java parsers inside a task.
 *
 * <h2>Implementation notes</h2>
 * The buffer is one array with the unread bytes in {@code [head, tail)}: reads move {@code head},
 * feeding appends at {@code tail}. The reader keeps only unconsumed bytes: the transport reads
 * into the loop's shared buffer, and the array is dropped whenever it empties, so an idle
 * connection holds no buffer at all (a reader with a kept 8 KiB array made an idle streams
 * connection cost ~12.7 KB instead of ~4.5 KB). A chunk fed into an empty buffer gets an array of
 * exactly its size, which a read that takes the chunk whole returns as it is: an echo allocates
 * one array per message (as copying out of a kept buffer did) and copies each byte once, not
 * twice. Room for more is made by sliding the bytes to the front only when the dead space before
 * {@code head} is at least as large as what would move (so sliding costs no more than the reads
 * that made the space), else by growing the array.
 */
public final class StreamReader implements Iterable<byte[]> {
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] NEWLINE = {'\n'};
    /** The smallest array a buffer grows to once it holds more than one chunk. */
    private static final int MIN_CAPACITY = 512;

    private final EventLoop loop;
    private final int limit;
    /**
     * The unread bytes are {@code buf[head, tail)}. Whenever none are buffered, buf is
     * {@link #EMPTY} and head = tail = 0 ({@link #clear()} keeps this; {@code feed} relies on it).
     */
    private byte[] buf = EMPTY;
    private int head;
    private int tail;
    /** feedEof() was called: no more data will come. */
    private boolean eof;
    /**
     * The one task waiting for data, parked on this future; it completes with null (data or EOF
     * arrived) or with the error to throw. Set only while a read waits.
     */
    private Future<Throwable> waiter;
    private ReadTransport transport;
    /** We paused the transport's reading because more than 2 × limit bytes were buffered. */
    private boolean paused;
    /**
     * The error the reader failed with and its InputStream view, which few readers ever have:
     * one object made on first need instead of two fields (8 bytes per idle connection).
     */
    private Rare rare;

    private static final class Rare {
        Throwable exception;
        ReaderInputStream inputStream;
    }

    private Rare rare() {
        Rare r = rare;
        if (r == null) rare = r = new Rare();
        return r;
    }

    /** A reader with the default limit on the running loop. */
    public StreamReader() {
        this(Streams.DEFAULT_LIMIT);
    }

    /**
     * A reader on the running loop, to feed by hand ({@link #feedData}, {@link #feedEof}) or to
     * attach to a protocol of your own.
     *
     * @throws IllegalArgumentException if {@code limit} is not positive
     * @throws IllegalStateException    if no loop runs in this thread
     */
    public StreamReader(int limit) {
        this(Streams.checkLimit(limit), Asyncio.getRunningLoop());
    }

    StreamReader(int limit, EventLoop loop) {
        this.limit = Streams.checkLimit(limit);
        this.loop = loop;
    }

    // ---- the feeding side (asyncio's protocol-facing methods) ----

    /** The error the reader failed with ({@link #setException}), or null. */
    public Throwable exception() {
        Rare r = rare;
        return r != null ? r.exception : null;
    }

    /**
     * Fails the reader: every later read throws {@code exc}, and a task waiting for data is woken
     * to throw it. Buffered bytes are no longer readable.
     */
    public void setException(Throwable exc) {
        Objects.requireNonNull(exc, "exc");
        checkLoop("setException()");
        fail(exc);
    }

    void fail(Throwable exc) {
        rare().exception = exc;
        Future<Throwable> w = waiter;
        if (w != null) {
            waiter = null;
            if (!w.done()) w.setResult(exc);
        }
    }

    /**
     * Tells the reader which transport feeds it (a socket, a pipe, a subprocess's stdout), so it
     * can pause and resume its reading.
     *
     * @throws IllegalStateException if a transport was already set
     */
    public void setTransport(ReadTransport transport) {
        Objects.requireNonNull(transport, "transport");
        checkLoop("setTransport()");
        attach(transport);
    }

    void attach(ReadTransport transport) {
        if (this.transport != null) throw new IllegalStateException("Transport already set");
        this.transport = transport;
    }

    /** No more data will come; wakes a waiting read. */
    public void feedEof() {
        checkLoop("feedEof()");
        eof();
    }

    void eof() {
        eof = true;
        wakeupWaiter();
    }

    /** Whether the buffer is empty and {@link #feedEof()} was called: nothing more to read. */
    public boolean atEof() {
        return eof && head == tail;
    }

    /** Appends a copy of {@code data} to the buffer. @throws IllegalStateException after feedEof() */
    public void feedData(byte[] data) {
        feedData(ByteBuffer.wrap(data));
    }

    /**
     * Appends the bytes between {@code data}'s position and limit (copied; the position moves to
     * the limit) and wakes a waiting read. Pauses the transport above twice the limit.
     *
     * @throws IllegalStateException after {@link #feedEof()}
     */
    public void feedData(ByteBuffer data) {
        checkLoop("feedData()");
        feed(data);
    }

    void feed(ByteBuffer data) {
        if (eof) throw new IllegalStateException("feedData() after feedEof()");
        int n = data.remaining();
        if (n == 0) return;
        if (head == tail) {
            // Empty, so clear() left buf EMPTY and head = tail = 0: an array of exactly this
            // chunk, which a read taking the chunk whole hands over instead of copying it again.
            buf = new byte[n];
        } else {
            makeRoom(n);
        }
        data.get(buf, tail, n);
        tail += n;
        wakeupWaiter();
        if (transport != null && !paused && tail - head > 2L * limit) {
            try {
                transport.pauseReading();
                paused = true;
            } catch (UnsupportedOperationException e) {
                // A transport that cannot pause: buffer everything, and stop trying.
                transport = null;
            }
        }
    }

    private void wakeupWaiter() {
        Future<Throwable> w = waiter;
        if (w != null) {
            waiter = null;
            if (!w.done()) w.setResult(null);
        }
    }

    private void maybeResumeTransport() {
        if (paused && tail - head <= limit) {
            paused = false;
            transport.resumeReading();
        }
    }

    /**
     * Waits until data or EOF is fed. Only one task may wait: it would be unknowable which of two
     * gets the next bytes.
     */
    private void waitForData(String method) throws IOException {
        if (waiter != null) {
            throw new IllegalStateException(method + "() called while another task is already waiting for incoming data");
        }
        assert !eof : "waitForData after EOF";
        // Waiting while paused would deadlock (e.g. readExactly(n) with n > limit).
        if (paused) {
            paused = false;
            transport.resumeReading();
        }
        Future<Throwable> w = loop.createFuture();
        waiter = w;
        Throwable failure;
        try {
            failure = w.await();
        } finally {
            if (waiter == w) waiter = null;
        }
        if (failure != null) throw RethrownBy.rethrowable(failure);
    }

    // ---- reading ----

    /**
     * Up to {@code n} bytes: waits until at least one is buffered (or EOF), then returns what is
     * there, at most {@code n}. {@code n == -1} reads until EOF and returns everything; 0 returns
     * an empty array at once. At EOF with nothing buffered, returns an empty array. Not bounded by
     * the limit. Suspending.
     *
     * @throws IllegalArgumentException if {@code n < -1} (asyncio reads to EOF for any negative
     *                                  {@code n}; here only -1 means that)
     * @throws IllegalStateException    if another task is waiting for data on this reader
     * @throws IOException              the error the connection broke with
     */
    public byte[] read(int n) throws IOException {
        if (n < -1) throw new IllegalArgumentException("read size must be -1 (read to EOF) or >= 0, not " + n);
        checkLoop("read()");
        throwIfFailed();
        if (n == 0) return EMPTY;
        if (n == -1) {
            // Chunks of `limit`, as asyncio: one wait for "everything" would pause the transport forever.
            byte[] all = EMPTY;
            int size = 0;
            while (true) {
                byte[] block = read(limit);
                if (block.length == 0) break;
                if (all.length - size < block.length) all = Arrays.copyOf(all, Math.max(size + block.length, all.length * 2));
                System.arraycopy(block, 0, all, size, block.length);
                size += block.length;
            }
            return size == all.length ? all : Arrays.copyOf(all, size);
        }
        if (head == tail && !eof) waitForData("read");
        byte[] data = take(Math.min(n, tail - head));
        maybeResumeTransport();
        return data;
    }

    /**
     * Reads into {@code b}: what {@link #read(int)} with a positive {@code len} does, without
     * allocating. Returns the count, or -1 at EOF. For the InputStream view.
     */
    int readInto(byte[] b, int off, int len) throws IOException {
        checkLoop("read()");
        throwIfFailed();
        if (head == tail && !eof) waitForData("read");
        int n = Math.min(len, tail - head);
        if (n == 0) return -1;
        System.arraycopy(buf, head, b, off, n);
        consumed(n);
        maybeResumeTransport();
        return n;
    }

    /**
     * How many bytes are buffered now: that many can be read without suspending (asyncio's
     * {@code len(reader._buffer)}, public here). Does not suspend; call it on the loop thread.
     */
    public int buffered() {
        return tail - head;
    }

    /** The length of the array held now: 0 while nothing is buffered. For tests of the memory an idle reader keeps. */
    int capacity() {
        return buf.length;
    }

    /** The array held now. For tests of the no-copy path: a chunk read whole is returned as this very array. */
    byte[] array() {
        return buf;
    }

    /**
     * One line: the bytes up to and including the next {@code '\n'}. At EOF returns the last
     * partial line without a newline, or an empty array when nothing is left. Suspending.
     *
     * @throws LimitOverrunError     if the line (without its newline) is longer than the limit;
     *                               the line is discarded first, or, when its end was not
     *                               received yet, the whole buffer (asyncio raises
     *                               {@code ValueError} with the same message here)
     * @throws IllegalStateException if another task is waiting for data on this reader
     * @throws IOException           the error the connection broke with
     */
    public byte[] readLine() throws IOException {
        try {
            return readUntilFirst(NEWLINE, null);
        } catch (IncompleteReadError e) {
            return e.partial();
        } catch (LimitOverrunError e) {
            if (startsWith((byte) '\n', e.consumed())) {
                consumed(e.consumed() + 1);
            } else {
                clear();
            }
            maybeResumeTransport();
            throw e;
        }
    }

    /**
     * {@link #readLine()} decoded with {@code charset}, without the line end ({@code "\n"} or
     * {@code "\r\n"}); null at EOF when nothing is left, so {@code while ((line =
     * reader.readTextLine(UTF_8)) != null)} reads every line. (Not an overload of
     * {@code readLine}: that would make {@code Asyncio.createTask(reader::readLine)} ambiguous.) Malformed input becomes the charset's
     * replacement character. Suspending (can be cancelled there).
     *
     * @throws LimitOverrunError as {@link #readLine()}
     * @throws IOException       the error the connection broke with
     */
    public String readTextLine(Charset charset) throws IOException {
        Objects.requireNonNull(charset, "charset");
        byte[] line = readLine();
        int n = line.length;
        if (n == 0) return null;
        if (line[n - 1] == '\n') n -= n >= 2 && line[n - 2] == '\r' ? 2 : 1;
        return new String(line, 0, n, charset);
    }

    /** {@link #readUntil(byte[])} with {@code '\n'}. Suspending. */
    public byte[] readUntil() throws IOException {
        return readUntilFirst(NEWLINE, null);
    }

    /**
     * The bytes up to and including the next {@code separator}, removed from the buffer. The limit
     * bounds the result without the separator. Suspending.
     *
     * @throws IncompleteReadError      if the stream ends first: its partial bytes are the whole
     *                                  buffer (maybe with part of the separator), now emptied
     * @throws LimitOverrunError        if no separator is found within the limit; the data stays
     *                                  in the buffer, to be read again
     * @throws IllegalArgumentException if {@code separator} is empty
     * @throws IllegalStateException    if another task is waiting for data on this reader
     * @throws IOException              the error the connection broke with
     */
    public byte[] readUntil(byte[] separator) throws IOException {
        Objects.requireNonNull(separator, "separator");
        if (separator.length == 0) throw new IllegalArgumentException("Separator should be at least one-byte string");
        return readUntilFirst(separator, null);
    }

    /**
     * Like {@link #readUntil(byte[])} with several separators: returns the shortest chunk that
     * ends with any of them (for the limit, the shortest separator counts as the one that
     * matched). Suspending.
     *
     * @throws IllegalArgumentException if no separator is given or one is empty
     */
    public byte[] readUntil(byte[]... separators) throws IOException {
        Objects.requireNonNull(separators, "separators");
        if (separators.length == 0) throw new IllegalArgumentException("Separator should contain at least one element");
        byte[][] seps = separators.clone();
        for (byte[] s : seps) Objects.requireNonNull(s, "separator");
        Arrays.sort(seps, Comparator.comparingInt(s -> s.length)); // stable: the shortest wins ties
        int minLen = seps[0].length;
        int maxLen = seps[seps.length - 1].length;
        if (minLen == 0) throw new IllegalArgumentException("Separator should be at least one-byte string");
        return seps.length == 1 ? readUntilFirst(seps[0], null) : readUntilFirst(null, seps);
    }

    /**
     * The search behind every readUntil: for {@code one} separator, or (when {@code one} is null)
     * for several, sorted shortest first. One separator is passed on its own, not in an array,
     * so a line read allocates nothing but the line (an array to copy and sort cost three
     * allocations per line in an HTTP server's header loop).
     */
    private byte[] readUntilFirst(byte[] one, byte[][] seps) throws IOException {
        checkLoop("readUntil()");
        throwIfFailed();
        int count = one != null ? 1 : seps.length;
        int minLen = one != null ? one.length : seps[0].length;
        int maxLen = one != null ? one.length : seps[count - 1].length;
        // `offset`: how many bytes at the front are known to hold no separator. After a miss only
        // the last maxLen - 1 bytes can start one, so the next search begins there.
        int offset = 0;
        int matchStart = -1;
        int matchEnd = -1;
        while (true) {
            int buflen = tail - head;
            if (buflen - offset >= minLen) {
                for (int k = 0; k < count; k++) {
                    byte[] sep = one != null ? one : seps[k];
                    int i = indexOf(sep, offset);
                    if (i != -1 && (matchEnd == -1 || i + sep.length < matchEnd)) {
                        matchStart = i;
                        matchEnd = i + sep.length;
                    }
                }
                if (matchEnd != -1) break;
                offset = Math.max(0, buflen + 1 - maxLen);
                if (offset > limit) {
                    throw new LimitOverrunError("Separator is not found, and chunk exceed the limit", offset);
                }
            }
            // Checked after the search: the last chunk before EOF may complete the separator.
            if (eof) throw new IncompleteReadError(take(tail - head), -1);
            waitForData("readUntil");
        }
        if (matchStart > limit) {
            throw new LimitOverrunError("Separator is found, but chunk is longer than limit", matchStart);
        }
        byte[] chunk = take(matchEnd);
        maybeResumeTransport();
        return chunk;
    }

    /**
     * Exactly {@code n} bytes; 0 returns an empty array. Not bounded by the limit. Suspending.
     *
     * @throws IncompleteReadError      if the stream ends first, with the bytes that did arrive
     *                                  (the buffer is then empty)
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws IllegalStateException    if another task is waiting for data on this reader
     * @throws IOException              the error the connection broke with
     */
    public byte[] readExactly(int n) throws IOException {
        if (n < 0) throw new IllegalArgumentException("readExactly size can not be less than zero");
        checkLoop("readExactly()");
        throwIfFailed();
        if (n == 0) return EMPTY;
        while (tail - head < n) {
            if (eof) throw new IncompleteReadError(take(tail - head), n);
            waitForData("readExactly");
        }
        byte[] data = take(n);
        maybeResumeTransport();
        return data;
    }

    /**
     * The lines until EOF, as {@link #readLine()} reads them: asyncio's {@code async for line in
     * reader}. {@code hasNext()} suspends to read the next line; a read error surfaces as an
     * {@link UncheckedIOException} around it.
     *
     * <pre>{@code
     * for (byte[] line : reader) System.out.print(new String(line, UTF_8));
     * }</pre>
     */
    @Override
    public Iterator<byte[]> iterator() {
        return new LineIterator(this);
    }

    /**
     * This reader as an {@link InputStream} whose reads suspend the calling task instead of
     * blocking a thread, so {@code BufferedReader}, {@code DataInputStream} or a JSON parser can
     * read the connection inside a task. It reads from the same buffer as this reader (do not
     * interleave the two while a {@code BufferedReader} holds bytes ahead). Closing it does not
     * close the connection; later reads on it throw {@link IOException}. Same object every call.
     *
     * <pre>{@code
     * var in = new BufferedReader(new InputStreamReader(reader.asInputStream(), UTF_8));
     * String first = in.readLine();   // suspends this task only
     * }</pre>
     */
    public InputStream asInputStream() {
        Rare r = rare();
        if (r.inputStream == null) r.inputStream = new ReaderInputStream(this);
        return r.inputStream;
    }

    // ---- the buffer ----

    private void makeRoom(int n) {
        if (buf.length - tail >= n) return;
        int size = tail - head;
        long need = (long) size + n;
        if (need > Integer.MAX_VALUE - 8) throw new OutOfMemoryError("stream buffer over 2 GiB");
        if (need <= buf.length && head >= size) {
            System.arraycopy(buf, head, buf, 0, size);
        } else {
            int cap = (int) Math.max(need, Math.max(MIN_CAPACITY, Math.min((long) buf.length * 2, Integer.MAX_VALUE - 8)));
            byte[] bigger = new byte[cap];
            System.arraycopy(buf, head, bigger, 0, size);
            buf = bigger;
        }
        head = 0;
        tail = size;
    }

    /** Removes and returns the first {@code n} buffered bytes. */
    private byte[] take(int n) {
        // n <= tail - head <= buf.length, so n == buf.length means head is 0 and n is all there is.
        if (n == buf.length) {
            byte[] whole = buf; // exactly the bytes asked for, and nobody else holds it: no copy
            clear();
            return whole;
        }
        byte[] out = Arrays.copyOfRange(buf, head, head + n);
        consumed(n);
        return out;
    }

    private void consumed(int n) {
        head += n;
        if (head == tail) clear();
    }

    private void clear() {
        head = 0;
        tail = 0;
        buf = EMPTY; // keep nothing while idle: the next chunk gets an array of its own size
    }

    private boolean startsWith(byte b, int at) {
        return head + at < tail && buf[head + at] == b;
    }

    /** Where {@code sep} starts in the buffered bytes at or after {@code from}, or -1. */
    private int indexOf(byte[] sep, int from) {
        byte first = sep[0];
        int last = tail - sep.length;
        for (int i = head + from; i <= last; i++) {
            if (buf[i] != first) continue;
            int j = 1;
            while (j < sep.length && buf[i + j] == sep[j]) j++;
            if (j == sep.length) return i - head;
        }
        return -1;
    }

    // ---- checks ----

    private void throwIfFailed() throws IOException {
        Rare r = rare;
        if (r != null && r.exception != null) throw RethrownBy.rethrowable(r.exception);
    }

    private void checkLoop(String method) {
        if (Asyncio.getRunningLoop() != loop) {
            throw new IllegalStateException("StreamReader." + method + " was called on another event loop than the reader's: "
                    + "a stream belongs to the loop that opened it; hand the call over with loop.callSoonThreadsafe()");
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("StreamReader[");
        sb.append(tail - head).append(" bytes");
        if (eof) sb.append(", eof");
        if (limit != Streams.DEFAULT_LIMIT) sb.append(", limit=").append(limit);
        if (waiter != null) sb.append(", waiting");
        Throwable e = exception();
        if (e != null) sb.append(", exception=").append(e);
        if (transport != null) sb.append(", transport=").append(transport);
        if (paused) sb.append(", paused");
        return sb.append(']').toString();
    }
}
