package io.jasyncio;

import io.jasyncio.internal.WatchedKeys;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.IdentityHashMap;
import java.util.Objects;

/**
 * asyncio's {@code add_reader}/{@code add_writer} for one loop: at most one reader and one writer
 * callback per channel, each a {@link Handle} run in the context current when it was added, with
 * its errors going to the loop's exception handler. Adding again replaces (the old handle is
 * cancelled); removing returns whether one was registered.
 *
 * <h2>Implementation notes</h2>
 * A watched channel has one selection key whose attachment is a dispatching handle: the loop
 * queues it when the key is ready, and it invokes the reader and/or the writer handle. Removing
 * the last callback cancels the key and deregisters it at once ({@code selectNow}), so the
 * channel can be closed or handed to a transport immediately. The keys are listed in
 * {@link WatchedKeys} so the I/O layer refuses to register the same channel (a channel has one
 * key per selector), and this class refuses channels the I/O layer registered. Loop thread only.
 */
final class FdCallbacks {
    private final EventLoop loop;
    private final IdentityHashMap<SelectableChannel, Watch> watches = new IdentityHashMap<>();

    /** One watched channel: its key and callbacks; {@code reader}/{@code writer} null when absent. */
    private static final class Watch {
        SelectionKey key;
        Handle reader;
        Handle writer;
    }

    FdCallbacks(EventLoop loop) {
        this.loop = loop;
    }

    void add(SelectableChannel channel, Runnable callback, boolean read) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(callback, "callback");
        String what = read ? "addReader()" : "addWriter()";
        loop.owner.checkThread(what);
        loop.owner.checkOpen();
        int op = read ? readOp(channel) : writeOp(channel);
        Watch w = watches.get(channel);
        if (w == null) w = watch(channel);
        Handle h = new Handle(loop, callback, loop.current.contextMap());
        Handle old;
        if (read) {
            old = w.reader;
            w.reader = h;
        } else {
            old = w.writer;
            w.writer = h;
        }
        if (old != null) old.cancel();
        updateInterest(w, op);
    }

    boolean remove(SelectableChannel channel, boolean read) {
        Objects.requireNonNull(channel, "channel");
        loop.owner.checkThread(read ? "removeReader()" : "removeWriter()");
        Watch w = watches.get(channel);
        if (w == null) return false;
        Handle h = read ? w.reader : w.writer;
        if (h == null) return false;
        h.cancel();
        if (read) w.reader = null;
        else w.writer = null;
        if (w.reader == null && w.writer == null) {
            unwatch(channel, w);
        } else {
            updateInterest(w, 0);
        }
        return true;
    }

    private static int readOp(SelectableChannel ch) {
        int valid = ch.validOps();
        int op = valid & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        if (op == 0) throw new IllegalArgumentException("the channel cannot be read from (valid operations: " + valid + "): " + ch);
        return op;
    }

    private static int writeOp(SelectableChannel ch) {
        int valid = ch.validOps();
        if ((valid & SelectionKey.OP_WRITE) == 0) {
            throw new IllegalArgumentException("the channel cannot be written to (valid operations: " + valid + "): " + ch);
        }
        return SelectionKey.OP_WRITE;
    }

    private Watch watch(SelectableChannel channel) {
        if (channel.isBlocking()) {
            throw new IllegalArgumentException("the channel must be non-blocking: call configureBlocking(false) first: " + channel);
        }
        if (!channel.isOpen()) throw new IllegalArgumentException("the channel is closed", new ClosedChannelException());
        Selector selector = loop.scheduler.selector();
        SelectionKey existing = channel.keyFor(selector);
        if (existing != null && existing.isValid()) {
            throw new IllegalStateException("the channel is already used by a transport, server or Sockets wait of this "
                    + "event loop: a channel has one registration per loop; close that first: " + channel);
        }
        if (existing != null) flushCancelled(selector);
        Watch w = new Watch();
        Handle dispatch = new Handle(loop, () -> dispatch(w), null);
        try {
            w.key = channel.register(selector, 0, dispatch);
        } catch (ClosedChannelException e) {
            throw new IllegalArgumentException("the channel is closed", e);
        }
        WatchedKeys.add(w.key);
        watches.put(channel, w);
        return w;
    }

    private void unwatch(SelectableChannel channel, Watch w) {
        watches.remove(channel);
        WatchedKeys.remove(w.key);
        w.key.cancel();
        flushCancelled(loop.scheduler.selector());
    }

    /** Deregisters cancelled keys now, so the channel can be closed or registered again at once. */
    private static void flushCancelled(Selector selector) {
        try {
            selector.selectNow(k -> { });
        } catch (IOException | ClosedSelectorException e) {
            // the loop's next select reports a broken selector
        }
    }

    private static void updateInterest(Watch w, int ignored) {
        SelectionKey k = w.key;
        if (!k.isValid()) return;
        SelectableChannel ch = k.channel();
        int ops = 0;
        if (w.reader != null) ops |= readOp(ch);
        if (w.writer != null) ops |= SelectionKey.OP_WRITE;
        if (k.interestOps() != ops) k.interestOps(ops);
    }

    /** Runs when the key is selected: the reader, then the writer, each as its own callback. */
    private void dispatch(Watch w) {
        SelectionKey k = w.key;
        if (!k.isValid()) {
            // The channel was closed without removing its callbacks: forget it.
            if (watches.get(k.channel()) == w) {
                watches.remove(k.channel());
                WatchedKeys.remove(k);
            }
            return;
        }
        int ops = k.readyOps();
        Handle r = w.reader;
        if (r != null && (ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) r.invoke();
        Handle wr = w.writer;
        if (wr != null && (ops & SelectionKey.OP_WRITE) != 0 && k.isValid()) wr.invoke();
    }
}
