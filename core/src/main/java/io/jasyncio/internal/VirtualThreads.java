package io.jasyncio.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Access to the two JDK internals the core mechanism stands on (DESIGN.md §1):
 * <ul>
 *   <li>{@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)}, which builds a virtual
 *       thread whose scheduler is our event loop instead of the JDK's ForkJoinPool;</li>
 *   <li>{@code Thread.currentCarrierThread()}, which tells, from inside a task's virtual thread,
 *       which loop thread carries it. Only the slow paths use it (finding the running loop on a
 *       cache miss, names in messages): the loop's own checks compare {@code currentThread()}
 *       with the loop thread and the thread of the task it runs now (EventLoop#onLoop).</li>
 * </ul>
 * Both need {@code --add-opens java.base/java.lang=ALL-UNNAMED}. Without it the lookup fails once,
 * here, and every attempt to create a loop reports {@link #MISSING_FLAG_MESSAGE}.
 */
public final class VirtualThreads {

    /** What to do when the flag is missing; names the flag and how to set it everywhere. */
    public static final String MISSING_FLAG_MESSAGE = """
            jasyncio needs the JVM option --add-opens java.base/java.lang=ALL-UNNAMED \
            (its tasks are virtual threads scheduled by the event loop, built through a JDK-internal \
            constructor). Set it for:
              java:           java --add-opens java.base/java.lang=ALL-UNNAMED -cp ... Main
              java -jar:      add the manifest attribute 'Add-Opens: java.base/java.lang' to the jar
              module path:    --add-opens java.base/java.lang=io.jasyncio
              Maven Surefire: <argLine>--add-opens java.base/java.lang=ALL-UNNAMED</argLine>
              Maven exec:     exec:exec with that option in <arguments>, or \
            MAVEN_OPTS="--add-opens java.base/java.lang=ALL-UNNAMED" for exec:java
              Gradle:         tasks.withType(JavaExec).configureEach { jvmArgs '--add-opens', \
            'java.base/java.lang=ALL-UNNAMED' } (and the same for Test)
              any JVM:        JDK_JAVA_OPTIONS="--add-opens java.base/java.lang=ALL-UNNAMED\"""";

    private static final MethodHandle NEW_BUILDER;
    private static final MethodHandle CURRENT_CARRIER;
    private static final Throwable FAILURE;

    static {
        MethodHandle builder = null;
        MethodHandle carrier = null;
        Throwable failure = null;
        try {
            Class<?> builderClass = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            builder = MethodHandles.privateLookupIn(builderClass, MethodHandles.lookup())
                    .findConstructor(builderClass, MethodType.methodType(void.class, Executor.class))
                    .asType(MethodType.methodType(Thread.Builder.OfVirtual.class, Executor.class));
            carrier = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                    .findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // InaccessibleObjectException (missing flag) or a JDK without this constructor.
            failure = e;
        }
        NEW_BUILDER = builder;
        CURRENT_CARRIER = carrier;
        FAILURE = failure;
        startJdkPollersOutsideAnyLoop();
    }

    /**
     * A virtual thread created by another virtual thread inherits its scheduler. The JDK starts
     * its I/O poller threads (virtual threads, in JDK 25's default poller mode) lazily, from the
     * first virtual thread that blocks on a socket; if that is one of our tasks, the pollers
     * would belong to that task's loop and stop with it. Starting them here, from a platform
     * thread, gives them the JDK's own scheduler.
     */
    private static void startJdkPollersOutsideAnyLoop() {
        // Not a lambda: its body would live in this class, whose initialization we are in.
        Thread starter = Thread.ofPlatform().name("jasyncio-poller-init").start(new PollerStarter());
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class PollerStarter implements Runnable {
        @Override
        public void run() {
            try {
                Class.forName("sun.nio.ch.Poller", true, null);
            } catch (ClassNotFoundException | LinkageError e) {
                // Another JDK layout: nothing to prepare; foreign continuations are still handled.
            }
        }
    }

    /**
     * Where continuations of virtual threads that code inside a task creates itself (and that
     * therefore inherit the task's scheduler) run: a pool of platform carriers like the JDK's
     * default scheduler, so such threads run in parallel as their authors expect, and outlive
     * the loop.
     */
    public static Executor foreignThreadScheduler() {
        return ForeignThreads.POOL;
    }

    private static final class ForeignThreads {
        static final ForkJoinPool POOL = new ForkJoinPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                pool -> {
                    ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                    t.setName("jasyncio-vthread-carrier-" + t.getPoolIndex());
                    t.setDaemon(true);
                    return t;
                }, null, true);
    }

    private VirtualThreads() {}

    /**
     * Fails with a clear message when the mechanism is unavailable; called when a loop is created
     * so that the problem shows at once and not at the first task.
     */
    public static void ensureAvailable() {
        if (FAILURE != null) {
            throw new IllegalStateException(MISSING_FLAG_MESSAGE, FAILURE);
        }
    }

    /**
     * A new, unstarted virtual thread that runs {@code body} and is scheduled by {@code scheduler};
     * {@code name} null leaves it unnamed (its name is the JDK's shared {@code ""}).
     */
    public static Thread newThread(Executor scheduler, String name, Runnable body) {
        ensureAvailable();
        try {
            Thread.Builder.OfVirtual builder = (Thread.Builder.OfVirtual) NEW_BUILDER.invokeExact(scheduler);
            return (name != null ? builder.name(name) : builder).unstarted(body);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot create a virtual thread", e);
        }
    }

    /**
     * The platform thread that carries the current thread: the loop thread when called from a task
     * running on a loop, the thread itself when called from a platform thread.
     */
    public static Thread currentCarrier() {
        if (CURRENT_CARRIER == null) {
            return Thread.currentThread();
        }
        try {
            return (Thread) CURRENT_CARRIER.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
