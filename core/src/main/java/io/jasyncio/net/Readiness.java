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
 * instance per channel, attached to its key, so a reader task and a writer task can wait on the
 * same socket at once. Loop thread only.
 */
final class Readiness {
    private final SelectionKey key;
    private final Handle handle;
    private Future<Void> reader;
    private Future<Void> writer;

    private Readiness(EventLoop loop, IoLoop io, SelectableChannel ch) throws IOException {
        this.handle = IoLoop.handle(loop, this::onReady);
        this.key = io.register(ch, 0, handle);
    }

    /** Each registered channel's waiter, by key; weak, so closed channels' waiters are collected. */
    private static final Map<SelectionKey, Readiness> BY_KEY = Collections.synchronizedMap(new WeakHashMap<>());

    /** The channel's waiter, registering it on first use. */
    static Readiness of(EventLoop loop, SelectableChannel ch) throws IOException {
        if (ch.isBlocking()) {
            throw new IllegalArgumentException("the channel must be non-blocking: call configureBlocking(false) first: " + ch);
        }
        if (!ch.isOpen()) throw new ClosedChannelException();
        IoLoop io = IoLoop.of(loop);
        SelectionKey k = ch.keyFor(io.selector);
        if (k != null && k.isValid()) {
            Readiness r = BY_KEY.get(k);
            if (r != null) return r;
            io.refuseWatched(ch);
            throw new IllegalStateException("the channel is already used by a transport or server of this loop: " + ch);
        }
        Readiness r = new Readiness(loop, io, ch);
        BY_KEY.put(r.key, r);
        return r;
    }

    /** Suspends the calling task until the channel is readable (or acceptable). Suspending. */
    void awaitReadable(EventLoop loop) throws IOException {
        if (reader != null) throw new IllegalStateException("another task is already reading from " + key.channel());
        reader = loop.createFuture();
        awaitOn(reader);
    }

    /** Suspends the calling task until the channel is writable (or connected). Suspending. */
    void awaitWritable(EventLoop loop) throws IOException {
        if (writer != null) throw new IllegalStateException("another task is already writing to " + key.channel());
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
            updateInterest();
        }
    }

    private void updateInterest() {
        int valid = key.channel().validOps();
        int ops = 0;
        if (reader != null) ops |= valid & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        if (writer != null) {
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
