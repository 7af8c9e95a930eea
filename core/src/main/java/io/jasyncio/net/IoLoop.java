package io.jasyncio.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Handle;
import io.jasyncio.internal.LoopAccess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The I/O state one event loop shares among its transports: its selector and the one read buffer
 * every stream read goes through (asyncio's {@code max_size}, 256 KiB). Transports of a loop run
 * one at a time on its thread, so sharing the buffer is safe and costs no allocation per read;
 * protocols get a read-only view of it that is valid until their callback returns.
 *
 * <p>Found once per transport or server (a synchronized weak map: off the hot path). The map
 * holds the loop weakly and nothing here refers to the loop, so a dropped loop is collected.
 */
final class IoLoop {
    /** The most one read takes: asyncio's {@code max_size}. */
    static final int MAX_READ = 256 * 1024;
    /** Most buffers handed to one gathering write. */
    static final int MAX_GATHER = 64;
    private static final Map<EventLoop, IoLoop> LOOPS = Collections.synchronizedMap(new WeakHashMap<>());
    private static final LoopAccess ACCESS = LoopAccess.get();

    final Selector selector;
    /** Direct, so a channel read lands here without the JDK's extra copy. */
    final ByteBuffer readBuffer = ByteBuffer.allocateDirect(MAX_READ);
    /** The read-only window onto {@link #readBuffer} handed to protocols. */
    final ByteBuffer readView = readBuffer.asReadOnlyBuffer();
    /** Scratch array for gathering writes; entries are cleared after each use. */
    final ByteBuffer[] gather = new ByteBuffer[MAX_GATHER];

    /**
     * Pipe transports served by a thread ({@link ThreadReadPipe}, {@link ThreadWritePipe}) that are
     * not released yet; the loop's close releases them (with a warning) so their threads end.
     */
    private final java.util.Set<Runnable> threadPipes = Collections.synchronizedSet(new java.util.LinkedHashSet<>());

    private IoLoop(Selector selector) {
        this.selector = selector;
    }

    static IoLoop of(EventLoop loop) {
        return LOOPS.computeIfAbsent(loop, l -> {
            IoLoop io = new IoLoop(ACCESS.selector(l));
            ACCESS.addCloseHook(l, io::releaseThreadPipes);
            return io;
        });
    }

    /** Tracks a thread-served pipe until {@link #untrack}; {@code release} ends its thread. */
    void track(Runnable release) {
        threadPipes.add(release);
    }

    void untrack(Runnable release) {
        threadPipes.remove(release);
    }

    private void releaseThreadPipes() {
        Runnable[] all;
        synchronized (threadPipes) {
            all = threadPipes.toArray(new Runnable[0]);
        }
        for (Runnable r : all) {
            System.getLogger("io.jasyncio.net").log(System.Logger.Level.WARNING,
                    "closing {0} left open when the event loop closed", r);
            r.run();
        }
    }

    /** A reusable handle running {@code onReady} each time the channel's key is selected. */
    static Handle handle(EventLoop loop, Runnable onReady) {
        return ACCESS.ioHandle(loop, onReady);
    }

    /**
     * In debug mode, fails loudly when a transport is used from a thread other than its loop's
     * (transports are not thread-safe); otherwise costs one field read.
     */
    static void checkThread(EventLoop loop, String what) {
        if (loop.getDebug()) ACCESS.checkThread(loop, what);
    }

    /** Registers a non-blocking channel with {@code handle} attached. */
    SelectionKey register(SelectableChannel channel, int ops, Handle handle) throws IOException {
        refuseWatched(channel);
        try {
            return channel.register(selector, ops, handle);
        } catch (IllegalStateException e) { // ClosedSelectorException: the loop is closed
            throw new IOException("cannot register " + channel + " with the event loop's selector (is the loop closed?)", e);
        }
    }

    /**
     * Refuses a channel the application watches with {@code loop.addReader}/{@code addWriter}:
     * registering it again would take over that registration silently.
     */
    void refuseWatched(SelectableChannel channel) {
        if (io.jasyncio.internal.WatchedKeys.contains(channel.keyFor(selector))) {
            throw new IllegalStateException("the channel is watched by loop.addReader()/addWriter(): "
                    + "call removeReader()/removeWriter() before using it here: " + channel);
        }
    }

    /**
     * Deregisters cancelled keys now, so channels closed next are released at once: the JDK
     * defers closing a registered channel until its key leaves the selector at the next select,
     * and a listening socket that lingers that long still completes handshakes (then resets
     * them) and keeps its port bound. Ready keys are ignored here; the selector is level-triggered,
     * so the loop's own select reports them again.
     */
    void flushCancelledKeys() {
        try {
            selector.selectNow(IGNORE);
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            // the loop's next select reports a broken selector; a closed one released everything
        }
    }

    private static final java.util.function.Consumer<SelectionKey> IGNORE = k -> { };

    /** Sets the interest set of a key that may already be cancelled. */
    static void interest(SelectionKey key, int ops) {
        if (key.isValid() && key.interestOps() != ops) key.interestOps(ops);
    }
}
