package io.jasyncio;

import io.jasyncio.internal.Inbox;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * A loop's close-time clean-up, in {@link EventLoop#close()}'s order: the close hooks that the
 * I/O, process and signal layers register (newest first, while the loop's objects are still
 * usable), then the callbacks other threads sent too late, the channels nobody closed, and the
 * selector. Releasing beats leaking: a descriptor left open is closed and named in a WARNING
 * (asyncio's ResourceWarning). Loop thread only, or any single thread while the loop is idle.
 */
final class LoopClose {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");

    /** Registered hooks, oldest first; null until the first. */
    private ArrayList<Runnable> hooks;
    /** Set when close() starts: a hook that calls close() again, or adds a hook, is refused. */
    private boolean started;

    void addHook(Runnable hook) {
        if (hook == null) throw new NullPointerException("hook");
        if (started) throw new IllegalStateException("Event loop is closed");
        if (hooks == null) hooks = new ArrayList<>();
        hooks.add(hook);
    }

    /** Starts closing; false if close() already started (close is idempotent). */
    boolean begin() {
        if (started) return false;
        started = true;
        return true;
    }

    /** Runs the hooks newest first; what one throws goes to the loop's exception handler. */
    void runHooks(EventLoop loop) {
        ArrayList<Runnable> list = hooks;
        hooks = null;
        if (list == null) return;
        for (int i = list.size() - 1; i >= 0; i--) {
            Runnable hook = list.get(i);
            try {
                hook.run();
            } catch (Throwable t) {
                if (t instanceof VirtualMachineError vme) throw vme;
                loop.callExceptionHandler(ErrorContext.of("Exception in close hook " + Callbacks.describe(hook), t));
            }
        }
    }

    /** Drops late cross-thread callbacks, closes the channels left registered, then the selector. */
    static void release(Inbox<Handle> inbox) {
        ArrayDeque<Handle> late = new ArrayDeque<>();
        inbox.drainTo(late);
        for (Handle h : late) {
            if (!h.cancelled()) LOG.log(System.Logger.Level.WARNING, "callback dropped because the loop closed: {0}", h);
        }
        // Channels still registered belong to transports, servers or sock* calls nobody closed:
        // close them rather than leak their descriptors, and say so.
        Selector selector = inbox.selector();
        for (SelectionKey key : selector.keys()) {
            SelectableChannel channel = key.channel();
            if (!channel.isOpen()) continue;
            LOG.log(System.Logger.Level.WARNING, "closing {0} left open when the event loop closed ({1})", channel, key.attachment());
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "closing a channel failed", e);
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the selector failed", e);
        }
    }
}
