package io.jasyncio.file;

import io.jasyncio.EventLoop;
import io.jasyncio.internal.LoopAccess;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the file layer keeps per loop: the handles still open, to close them (with a warning)
 * when the loop closes rather than leak their descriptors, and a small pool of direct buffers, so
 * that read-ahead and write-behind neither allocate per call nor hold memory while idle.
 *
 * <p>Used only on its loop's thread (handles are bound to their loop), hence no locking, except
 * the map from loop to state, which any loop's thread may consult.
 */
final class FileLoop {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    /** Buffer sizes: small for short and random access, large once a handle streams. */
    static final int SMALL = 64 << 10;
    static final int LARGE = 1 << 20;
    /** How many free buffers of each size a loop keeps (2 MiB + 4 MiB at most). */
    private static final int KEEP_SMALL = 32;
    private static final int KEEP_LARGE = 4;

    private static final Map<EventLoop, FileLoop> LOOPS = new ConcurrentHashMap<>();

    private final ArrayDeque<ByteBuffer> small = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> large = new ArrayDeque<>();
    /** Handles opened on this loop and not yet closed. */
    private final LinkedHashSet<FileBuffers> open = new LinkedHashSet<>();

    private FileLoop() {}

    /** The state of {@code loop}, made on first use there; it goes away when the loop closes. */
    static FileLoop of(EventLoop loop) {
        FileLoop state = LOOPS.get(loop);
        if (state != null) return state;
        FileLoop made = new FileLoop();
        LoopAccess.get().addCloseHook(loop, () -> {
            LOOPS.remove(loop);
            made.closeLeaked();
        });
        LOOPS.put(loop, made);
        return made;
    }

    void opened(FileBuffers file) {
        open.add(file);
    }

    void closed(FileBuffers file) {
        open.remove(file);
    }

    /** A cleared direct buffer of {@code size} ({@link #SMALL} or {@link #LARGE}). */
    ByteBuffer take(int size) {
        ByteBuffer b = (size == LARGE ? large : small).pollFirst();
        return b != null ? b.clear() : ByteBuffer.allocateDirect(size);
    }

    /** Gives {@code b} back; the caller must not touch it again. */
    void give(ByteBuffer b) {
        if (b.capacity() == LARGE) {
            if (large.size() < KEEP_LARGE) large.addFirst(b);
        } else if (small.size() < KEEP_SMALL) {
            small.addFirst(b);
        }
    }

    private void closeLeaked() {
        for (FileBuffers f : open.toArray(FileBuffers[]::new)) {
            LOG.log(System.Logger.Level.WARNING, "closing {0} left open when the event loop closed", f);
            f.closeNow();
        }
        open.clear();
        small.clear();
        large.clear();
    }
}
