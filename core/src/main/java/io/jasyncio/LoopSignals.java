package io.jasyncio;

import io.jasyncio.internal.LoopAccess;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The process's POSIX signal handlers that event loops installed: the logic behind
 * {@link EventLoop#addSignalHandler} and {@link EventLoop#removeSignalHandler}, and the SIGINT
 * hook of {@link Runner}.
 *
 * <p>The JDK's only mechanism is {@code sun.misc.Signal} (module {@code jdk.unsupported}): one
 * handler per signal for the whole process, run on the JDK's "Signal Dispatcher" thread. So a
 * signal belongs to at most one loop at a time (a second loop asking for it gets an error rather
 * than silently stealing it), and the handler we install only hands the callback to its loop with
 * {@code callSoonThreadsafe}, asyncio's {@code _add_callback_signalsafe}.
 *
 * <p>Asyncio restores {@code SIG_DFL} when a handler is removed; we restore the handler that was
 * in place before the loop took the signal, which for SIGINT, SIGTERM and SIGHUP is the JVM's own
 * (run the shutdown hooks, exit with 128 + the signal number) and otherwise the previous
 * disposition. That is what "default" means in a JVM, and it keeps a handler installed by other
 * code before ours working again afterwards.
 */
final class LoopSignals {
    /** Signals the OS never lets a process catch. */
    private static final java.util.Set<String> UNCATCHABLE = java.util.Set.of("KILL", "STOP");

    /** Who owns a signal now, and what to put back when it lets go. Guarded by the class lock. */
    private record Owner(EventLoop loop, Signal signal, SignalHandler installed, SignalHandler previous) {}

    private static final Map<String, Owner> OWNERS = new HashMap<>();
    /** Loops that registered the close hook that removes their handlers. Guarded by the class lock. */
    private static final java.util.Set<EventLoop> HOOKED =
            java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

    private LoopSignals() {}

    /**
     * The JDK name of {@code signal} ("INT" for "SIGINT" or "INT"), after checking that it names a
     * signal this process can catch.
     */
    static String checkName(String signal) {
        if (signal == null) throw new NullPointerException("signal");
        String upper = signal.toUpperCase(java.util.Locale.ROOT);
        String name = upper.startsWith("SIG") ? upper.substring(3) : upper;
        if (UNCATCHABLE.contains(name)) {
            throw new IllegalArgumentException("SIG" + name + " cannot be caught or handled by any process "
                    + "(the kernel acts on it directly); handle SIGTERM or SIGINT to shut down cleanly");
        }
        try {
            new Signal(name);
        } catch (IllegalArgumentException unknown) {
            throw new IllegalArgumentException("unknown signal '" + signal
                    + "': use a POSIX signal name such as \"SIGTERM\", \"SIGINT\", \"SIGHUP\", \"SIGUSR1\" "
                    + "(the SIG prefix is optional)", unknown);
        }
        return name;
    }

    /** sun.misc.Signal shows a handler the JVM installed in native code as jdk.internal.misc.Signal$NativeHandler. */
    private static boolean isJvmNative(SignalHandler h) {
        return h != null && h != SignalHandler.SIG_DFL && h != SignalHandler.SIG_IGN
                && h.toString().startsWith("jdk.internal.misc.Signal$NativeHandler");
    }

    /** Whether an open loop (or a runner's Ctrl-C hook) holds {@code name} now. */
    static synchronized boolean isTaken(String name) {
        Owner owner = OWNERS.get(name);
        return owner != null && !owner.loop.isClosed();
    }

    /** {@link EventLoop#addSignalHandler}: runs {@code callback} on {@code loop} at each delivery. */
    static void add(EventLoop loop, String signal, Runnable callback) {
        if (callback == null) throw new NullPointerException("callback");
        loop.owner.checkThread("addSignalHandler()");
        loop.owner.checkOpen();
        String name = checkName(signal);
        Context context = Context.copyCurrent();
        install(loop, name, sig -> deliver(loop, callback, context));
    }

    /** Signal Dispatcher thread: queue the callback on its loop, unless the loop closed meanwhile. */
    private static void deliver(EventLoop loop, Runnable callback, Context context) {
        try {
            loop.callSoonThreadsafe(callback, context);
        } catch (IllegalStateException closed) {
            // Delivered while the loop closed, before its close hook gave the signal back: the
            // loop can no longer run anything, as asyncio drops a signal for a closed loop.
        }
    }

    /**
     * Makes {@code handler} the process's handler for {@code name} on behalf of {@code loop},
     * replacing the loop's earlier one. Returns the handler it replaced that was not ours (what
     * {@link #remove} restores).
     */
    static synchronized SignalHandler install(EventLoop loop, String name, SignalHandler handler) {
        Owner owner = OWNERS.get(name);
        if (owner != null && owner.loop != loop && !owner.loop.isClosed()) {
            throw new IllegalStateException("SIG" + name + " is already handled by another event loop (" + owner.loop
                    + "): remove it there with removeSignalHandler(\"SIG" + name + "\") first; a signal has one "
                    + "handler per process");
        }
        Signal sig = new Signal(name);
        SignalHandler replaced;
        try {
            replaced = Signal.handle(sig, handler);
        } catch (IllegalArgumentException reserved) {
            throw new IllegalArgumentException("SIG" + name + " is reserved by the JVM and cannot be handled by an "
                    + "event loop (" + reserved.getMessage() + "); SIGQUIT, for example, prints the thread dump", reserved);
        }
        if (owner == null && isJvmNative(replaced)) {
            // The JVM itself handles it in native code (SIGUSR2: HotSpot's thread suspend/resume
            // signal; SIGPIPE: ignored so that writes fail with EPIPE): taking it over could break
            // the JVM, and sun.misc.Signal does not refuse. Put it back and refuse.
            Signal.handle(sig, replaced);
            throw new IllegalArgumentException("SIG" + name + " is used by the JVM itself (it has a native handler "
                    + "for it) and cannot be handled by an event loop; use another signal, such as SIGUSR1 or SIGHUP");
        }
        SignalHandler previous = owner != null ? owner.previous : replaced;
        OWNERS.put(name, new Owner(loop, sig, handler, previous));
        if (HOOKED.add(loop)) {
            LoopAccess.get().addCloseHook(loop, () -> removeAll(loop));
        }
        return previous;
    }

    /**
     * {@link EventLoop#removeSignalHandler}: whether {@code loop} had a handler for the signal; if
     * so the signal gets back the handler it had before the loop took it.
     */
    static boolean remove(EventLoop loop, String signal) {
        loop.owner.checkThread("removeSignalHandler()");
        return removeIfInstalled(loop, checkName(signal), null);
    }

    /**
     * Restores the signal's earlier handler if {@code loop} owns it and, when {@code handler} is
     * not null, the handler installed is still that one.
     */
    static synchronized boolean removeIfInstalled(EventLoop loop, String name, SignalHandler handler) {
        Owner owner = OWNERS.get(name);
        if (owner == null || owner.loop != loop) return false;
        if (handler != null && owner.installed != handler) return false;
        OWNERS.remove(name);
        Signal.handle(owner.signal, owner.previous);
        return true;
    }

    /** The close hook: gives every signal {@code loop} holds back to its earlier handler. */
    static synchronized void removeAll(EventLoop loop) {
        HOOKED.remove(loop);
        for (Iterator<Owner> it = OWNERS.values().iterator(); it.hasNext(); ) {
            Owner owner = it.next();
            if (owner.loop != loop) continue;
            it.remove();
            Signal.handle(owner.signal, owner.previous);
        }
    }
}
