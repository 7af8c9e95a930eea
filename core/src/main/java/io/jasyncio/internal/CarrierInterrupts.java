package io.jasyncio.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Proxy;
import java.nio.channels.Selector;

/**
 * Notices every interrupt of a loop thread, including those the JDK erases.
 *
 * <p>The loop thread is the carrier of its tasks' virtual threads, and the JDK keeps a carrier's
 * interrupt status in step with the virtual thread it mounts: mounting a task that is not
 * interrupted clears the carrier's status, and unmounting clears it again
 * ({@code java.lang.VirtualThread.mount/unmount}). An interrupt that arrives while a task step
 * runs, or between a check and the next step, is therefore lost; a main task that keeps the loop
 * busy ({@code sleep(0)} in a loop) could never be interrupted, and a test framework's timeout
 * interrupt vanished the same way.
 *
 * <p>{@code Thread.interrupt()} also tells the thread's "NIO blocker" ({@code sun.nio.ch
 * .Interruptible}), the hook through which an interrupt wakes a thread blocked in a channel or
 * selector. This class installs its own blocker on the loop thread (the carrier's blocker field is
 * separate from its tasks' and survives their mounts), which records the interrupt and wakes the
 * selector. A selector replaces the blocker with its own during a blocking {@code select}, and so
 * does channel I/O that a callback does on the loop thread, and both clear it afterwards (an
 * interrupt meanwhile keeps the status set, which the loop reads before any task mounts), so the
 * loop checks once per iteration that the watch is still installed (a plain field read) and
 * re-arms it if not.
 *
 * <p>Needs {@code --add-opens java.base/java.lang=ALL-UNNAMED}, which jasyncio requires anyway;
 * without it (or on a JDK without this hook) {@link #forLoop} returns null and interrupts are
 * only seen when they survive, as before.
 */
public final class CarrierInterrupts {
    private static final Class<?> INTERRUPTIBLE;
    private static final MethodHandle BLOCKED_ON;
    /** Thread.nioBlocker: read to tell whether the watch is still installed. */
    private static final java.lang.invoke.VarHandle NIO_BLOCKER;

    static {
        Class<?> type = null;
        MethodHandle blockedOn = null;
        java.lang.invoke.VarHandle field = null;
        try {
            type = Class.forName("sun.nio.ch.Interruptible");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            blockedOn = lookup.findVirtual(Thread.class, "blockedOn", MethodType.methodType(void.class, type))
                    .asType(MethodType.methodType(void.class, Thread.class, Object.class));
            field = lookup.findVarHandle(Thread.class, "nioBlocker", type);
        } catch (ReflectiveOperationException | RuntimeException e) {
            type = null;
            blockedOn = null;
            field = null;
        }
        INTERRUPTIBLE = type;
        BLOCKED_ON = blockedOn;
        NIO_BLOCKER = field;
    }

    private final Selector selector;
    /** The blocker installed on the loop thread: a proxy of sun.nio.ch.Interruptible. */
    private final Object blocker;
    /** Set by the interrupting thread, taken by the loop thread. */
    private volatile boolean pending;

    private CarrierInterrupts(Selector selector) {
        this.selector = selector;
        this.blocker = Proxy.newProxyInstance(CarrierInterrupts.class.getClassLoader(), new Class<?>[] {INTERRUPTIBLE},
                (proxy, method, args) -> switch (method.getName()) {
                    case "interrupt" -> {
                        // Called by Thread.interrupt() under the thread's interrupt lock: must not block.
                        pending = true;
                        selector.wakeup();
                        yield null;
                    }
                    case "postInterrupt" -> null;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "jasyncio loop-thread interrupt watch";
                    default -> throw new UnsupportedOperationException(method.toString());
                });
    }

    /** A watch that wakes {@code selector}, or null when the JDK hook is unavailable. */
    public static CarrierInterrupts forLoop(Selector selector) {
        if (BLOCKED_ON == null) return null;
        try {
            return new CarrierInterrupts(selector);
        } catch (RuntimeException | Error proxyFailed) {
            return null;
        }
    }

    /** Loop thread, outside any task: (re)install the watch on the current thread. */
    public void arm() {
        set(blocker);
    }

    /**
     * Loop thread, outside any task, once per iteration: re-install the watch if something
     * replaced it — a blocking select, or channel I/O done by a callback on the loop thread, which
     * install their own blocker and clear it when done. A plain field read when nothing did.
     */
    public void ensureArmed() {
        if (NIO_BLOCKER.get(Thread.currentThread()) != blocker) set(blocker);
    }

    /** Loop thread, when the loop stops running in it: remove the watch. */
    public void disarm() {
        set(null);
    }

    private static void set(Object b) {
        try {
            BLOCKED_ON.invokeExact(Thread.currentThread(), b);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot install the loop thread's interrupt watch", e);
        }
    }

    /** Whether the thread was interrupted since the last call; clears the record. */
    public boolean take() {
        if (!pending) return false;
        pending = false;
        return true;
    }
}
