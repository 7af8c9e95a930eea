package io.jasyncio.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Handle;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Waiting for one channel to become readable or writable inside a task: the machinery of
 * {@link Sockets}, asyncio's {@code add_reader}/{@code add_writer} with a future per wait. One
 * instance per channel while some task waits on it, attached to its key, so a reader task and a
 * writer task can wait on the same socket at once; the channel leaves the selector when the last
 * wait ends, as asyncio removes its reader. Loop thread only.
 */
final class Readiness {
    private final IoLoop io;
    private final SelectionKey key;
    private final Handle handle;
    private Future<Void> reader;
    private Future<Void> writer;

    private Readiness(EventLoop loop, IoLoop io, SelectableChannel ch) throws IOException {
        this.io = io;
        this.handle = IoLoop.handle(loop, this::onReady);
        this.key = io.register(ch, 0, handle);
    }

    /** Each registered channel's waiter, by key; weak, so closed channels' waiters are collected. */
    private static final Map<SelectionKey, Readiness> BY_KEY = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * Checks that a task of {@code loop} may wait on {@code ch}: non-blocking, open, and not used
     * by a transport or server. Called before the first operation, so a blocking channel never
     * reaches the loop thread; registers nothing (see {@link #release}).
     */
    static void check(EventLoop loop, SelectableChannel ch) throws IOException {
        if (ch.isBlocking()) {
            throw new IllegalArgumentException("the channel must be non-blocking: call configureBlocking(false) first: " + ch);
        }
        if (!ch.isOpen()) throw new ClosedChannelException();
        SelectionKey k = ch.keyFor(IoLoop.of(loop).selector);
        if (k != null && k.isValid() && BY_KEY.get(k) == null) {
            IoLoop.of(loop).refuseWatched(ch);
            throw new IllegalStateException("the channel is already used by a transport or server of this loop: " + ch);
        }
    }

    /** The channel's waiter, registering the channel if nobody waits on it yet. */
    private static Readiness of(EventLoop loop, SelectableChannel ch) throws IOException {
        check(loop, ch);
        IoLoop io = IoLoop.of(loop);
        SelectionKey k = ch.keyFor(io.selector);
        if (k != null) {
            if (k.isValid()) return BY_KEY.get(k);
            io.flushCancelledKeys(); // released earlier in this iteration: let the selector drop it
        }
        Readiness r = new Readiness(loop, io, ch);
        BY_KEY.put(r.key, r);
        return r;
    }

    /** Suspends the calling task until {@code ch} is readable (or acceptable). Suspending. */
    static void awaitReadable(EventLoop loop, SelectableChannel ch) throws IOException {
        of(loop, ch).awaitReadable(loop);
    }

    /** Suspends the calling task until {@code ch} is writable (or connected). Suspending. */
    static void awaitWritable(EventLoop loop, SelectableChannel ch) throws IOException {
        of(loop, ch).awaitWritable(loop);
    }

    private void awaitReadable(EventLoop loop) throws IOException {
        if (pending(reader)) throw new IllegalStateException("another task is already reading from " + key.channel());
        reader = loop.createFuture();
        awaitOn(reader);
    }

    private void awaitWritable(EventLoop loop) throws IOException {
        if (pending(writer)) throw new IllegalStateException("another task is already writing to " + key.channel());
        writer = loop.createFuture();
        awaitOn(writer);
    }

    private void awaitOn(Future<Void> f) throws IOException {
        if (!key.isValid()) {
            if (f == reader) reader = null;
            if (f == writer) writer = null;
            throw new ClosedChannelException();
        }
        updateInterest();
        try {
            f.await();
        } finally {
            if (f == reader) reader = null;
            if (f == writer) writer = null;
            if (reader == null && writer == null) release();
            else updateInterest();
        }
    }

    /**
     * A wait holds its slot only while its future is pending: a cancelled (or already woken)
     * waiter frees it at once, as asyncio's done-callback removes the reader before the cancelled
     * task runs again, so another task may start the same operation in the meantime.
     */
    private static boolean pending(Future<Void> f) {
        return f != null && !f.done();
    }

    /**
     * Deregisters the channel once nobody waits, as asyncio removes its reader or writer after
     * each wait: a registered channel's close is deferred by the JDK until the selector lets it
     * go, so a listening socket closed right after {@code sockAccept} would otherwise go on
     * completing handshakes (then resetting them) until the loop's next select.
     */
    private void release() {
        BY_KEY.remove(key);
        key.cancel();
        io.flushCancelledKeys();
    }

    private void updateInterest() {
        int valid = key.channel().validOps();
        int ops = 0;
        if (pending(reader)) ops |= valid & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        if (pending(writer)) {
            boolean connecting = key.channel() instanceof java.nio.channels.SocketChannel sc && sc.isConnectionPending();
            ops |= connecting ? SelectionKey.OP_CONNECT : valid & SelectionKey.OP_WRITE;
        }
        IoLoop.interest(key, ops);
    }

    private void onReady() {
        if (!key.isValid()) return;
        int ops = key.readyOps();
        if ((ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0 && reader != null && !reader.done()) {
            reader.setResult(null);
        }
        if ((ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0 && writer != null && !writer.done()) {
            writer.setResult(null);
        }
    }
}
