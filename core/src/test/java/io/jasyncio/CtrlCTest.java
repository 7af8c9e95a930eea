package io.jasyncio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C as asyncio 3.11's Runner handles it, with real SIGINTs sent to child JVMs; and the
 * interrupt of the thread that runs Asyncio.run, which must not be lost.
 */
@Timeout(120)
class CtrlCTest {

    private static SignalHandler currentHandler(String name) {
        Signal sig = new Signal(name);
        SignalHandler now = Signal.handle(sig, s -> {});
        Signal.handle(sig, now);
        return now;
    }

    /** Waits for the child's "ready" line, sends it one SIGINT and returns the rest of its output. */
    private static String ctrlCWhenReady(ChildJvm child) throws Exception {
        child.awaitLine("ready");
        SignalHandlerTest.kill("INT", child.pid());
        return child.readRest();
    }

    @Test
    void firstCtrlCCancelsTheMainTaskRunsItsCleanupAndExitsWith130() throws Exception {
        try (ChildJvm child = ChildJvm.start(ServeUntilCtrlC.class)) {
            String out = ctrlCWhenReady(child);
            assertEquals(130, child.exitStatus(), out);
            assertTrue(out.contains("child task finally ran"), out);
            assertTrue(out.contains("task group finished: CancelledError"), out);
            assertTrue(out.contains("main finally ran"), out);
            assertTrue(out.contains("Exception in thread \"main\" io.jasyncio.KeyboardInterrupt: interrupted by SIGINT"), out);
            assertTrue(out.indexOf("child task finally ran") < out.indexOf("main finally ran"), out);
        }
    }

    @Test
    void runThrowsKeyboardInterruptCausedByTheMainTasksCancellation() throws Exception {
        try (ChildJvm child = ChildJvm.start(ServeUntilCtrlC.class, "catch")) {
            String out = ctrlCWhenReady(child);
            assertEquals(0, child.exitStatus(), out);
            assertTrue(out.contains("caught KeyboardInterrupt caused by io.jasyncio.CancelledError"), out);
            assertTrue(out.contains("SIGINT handler after run: java.lang.Terminator$"), out);
        }
    }

    @Test
    void secondCtrlCStopsAtOnceWhileTheCleanupIsStuck() throws Exception {
        try (ChildJvm child = ChildJvm.start(StuckCleanup.class)) {
            child.awaitLine("ready");
            SignalHandlerTest.kill("INT", child.pid());
            child.awaitLine("cleaning up forever");
            SignalHandlerTest.kill("INT", child.pid());
            String out = child.readRest();
            assertEquals(130, child.exitStatus(), out);
            assertTrue(out.contains("shutdown hook ran"), out);
            assertFalse(out.contains("cleanup finished"), out);
        }
    }

    @Test
    void aSigintHandlerSetByTheProgramIsLeftAlone() throws Exception {
        try (ChildJvm child = ChildJvm.start(OwnSigintHandler.class)) {
            String out = ctrlCWhenReady(child);
            assertEquals(0, child.exitStatus(), out);
            assertTrue(out.contains("own handler ran"), out);
            assertTrue(out.contains("main finished normally"), out);
        }
    }

    @Test
    void onTheMainThreadRunTakesSigintOnlyWhileItRuns() {
        assumeTrue(Thread.currentThread().getName().equals("main"), "needs the launcher's main thread");
        SignalHandler before = currentHandler("INT");
        assumeTrue(before.toString().startsWith("java.lang.Terminator$"), "SIGINT must have the JVM's handler");
        String during = Asyncio.run(() -> currentHandler("INT").getClass().getName());
        assertEquals(RunnerSigint.class.getName(), during);
        assertTrue(currentHandler("INT").toString().startsWith("java.lang.Terminator$"));
    }

    @Test
    void onAnotherThreadRunLeavesSigintAlone() throws Exception {
        CompletableFuture<String> during = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("not-main").start(() -> {
            try {
                during.complete(Asyncio.run(() -> currentHandler("INT").toString()));
            } catch (Throwable e) {
                during.completeExceptionally(e);
            }
        });
        t.join();
        assertFalse(during.get().contains("RunnerSigint"), during.get());
    }

    /**
     * The JDK clears a carrier's interrupt status whenever a task's virtual thread mounts or
     * unmounts on it, so a main task that keeps the loop busy used to hide the interrupt forever.
     */
    @Test
    void interruptingTheRunThreadCancelsABusyMainTask() throws Exception {
        interruptBusyMainTask(Thread.ofPlatform().name("busy-runner"), () -> {});
    }

    /**
     * Channel I/O done by a callback on the loop thread installs the channel's own interrupt hook
     * on that thread and clears it afterwards; the loop must put its watch back.
     */
    @Test
    void interruptingTheRunThreadStillWorksAfterACallbackDidChannelIoOnTheLoopThread(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("f"), "x");
        interruptBusyMainTask(Thread.ofPlatform().name("busy-runner"), () -> {
            Future<Long> size = Asyncio.getRunningLoop().createFuture();
            Asyncio.getRunningLoop().callSoon(() -> {
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
                    size.setResult(ch.size());
                } catch (java.io.IOException e) {
                    size.setException(e);
                }
            });
            assertEquals(1L, size.await());
        });
    }

    /**
     * Runs {@code Asyncio.run} on a thread made by {@code caller} with a main task that never
     * parks for long (a {@code sleep(0)} loop after {@code prelude}), interrupts that thread and
     * checks the main task was cancelled and the interrupt status kept.
     */
    private static void interruptBusyMainTask(Thread.Builder caller, AsyncRunnable prelude) throws Exception {
        CountDownLatch spinning = new CountDownLatch(1);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
        long[] steps = {0};
        var giveUp = new java.util.concurrent.atomic.AtomicBoolean();
        Thread runner = caller.start(() -> {
            try {
                Asyncio.run(() -> {
                    prelude.run();
                    spinning.countDown();
                    while (!giveUp.get()) {
                        Asyncio.sleep(Duration.ZERO);
                        steps[0]++;
                    }
                });
            } catch (Throwable e) {
                outcome.set(e);
            }
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        assertTrue(spinning.await(30, TimeUnit.SECONDS));
        runner.interrupt();
        if (!runner.join(Duration.ofSeconds(30))) {
            giveUp.set(true);
            runner.join();
            throw new AssertionError("the interrupt was lost: the busy main task ran on (" + steps[0] + " steps)");
        }
        assertInstanceOf(CancelledError.class, outcome.get());
        assertEquals("interrupted", outcome.get().getMessage());
        assertTrue(interruptedAfter.get(), "the thread stays interrupted after run, as documented");
    }

    /** Asyncio.run from a virtual thread runs the loop on a platform thread; the interrupt goes there. */
    @Test
    void interruptingAVirtualThreadInRunCancelsTheMainTask() throws Exception {
        interruptBusyMainTask(Thread.ofVirtual(), () -> {});
    }

    // ---- child JVM mains ----

    /** A server-like main: a task group with a child, both waiting forever; prints what clean-up ran. */
    static final class ServeUntilCtrlC {
        public static void main(String[] args) {
            boolean catchIt = args.length > 0 && args[0].equals("catch");
            try {
                Asyncio.run(() -> {
                    try {
                        TaskGroup.run(tg -> {
                            tg.createTask(() -> {
                                try {
                                    Asyncio.sleep(Duration.ofHours(1));
                                } finally {
                                    System.out.println("child task finally ran");
                                }
                            });
                            System.out.println("ready");
                            System.out.flush();
                            Asyncio.sleep(Duration.ofHours(1));
                        });
                    } catch (CancelledError e) {
                        System.out.println("task group finished: CancelledError");
                        throw e;
                    } finally {
                        System.out.println("main finally ran");
                    }
                });
            } catch (KeyboardInterrupt e) {
                if (!catchIt) throw e;
                System.out.println("caught KeyboardInterrupt caused by " + e.getCause().getClass().getName());
                System.out.println("SIGINT handler after run: " + currentHandler("INT"));
            }
        }
    }

    /** A main task whose clean-up never ends: only the second Ctrl-C gets the process out. */
    static final class StuckCleanup {
        public static void main(String[] args) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("shutdown hook ran")));
            Asyncio.run(() -> {
                try {
                    System.out.println("ready");
                    System.out.flush();
                    Asyncio.sleep(Duration.ofHours(1));
                } finally {
                    System.out.println("cleaning up forever");
                    System.out.flush();
                    Asyncio.sleep(Duration.ofHours(1));
                    System.out.println("cleanup finished");
                }
            });
        }
    }

    /** Sets its own SIGINT handler first: Asyncio.run must not take SIGINT over. */
    static final class OwnSigintHandler {
        public static void main(String[] args) {
            CountDownLatch handled = new CountDownLatch(1);
            Signal.handle(new Signal("INT"), s -> {
                System.out.println("own handler ran");
                handled.countDown();
            });
            Asyncio.run(() -> {
                System.out.println("ready");
                System.out.flush();
                // Waits for the handler in a JDK call, which parks only this task.
                handled.await();
            });
            System.out.println("main finished normally");
        }
    }
}
