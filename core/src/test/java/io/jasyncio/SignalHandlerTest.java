package io.jasyncio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Real signals sent to this JVM with {@code kill}. Only SIGUSR1 and SIGWINCH are sent here: both
 * are free in the JVM, and SIGWINCH's default is to be ignored, so a test that failed to install
 * its handler cannot kill the test JVM with it. SIGTERM goes to a child JVM.
 */
@Timeout(60)
class SignalHandlerTest {

    static void kill(String signal, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "kill did not finish");
        assertEquals(0, p.exitValue(), "kill -s " + signal + " " + pid + ": " + out);
    }

    private static void killSelf(String signal) throws Exception {
        kill(signal, ProcessHandle.current().pid());
    }

    /** What the JDK has installed for {@code name} now (put back at once). */
    static SignalHandler currentHandler(String name) {
        Signal sig = new Signal(name);
        SignalHandler probe = s -> {};
        SignalHandler now = Signal.handle(sig, probe);
        Signal.handle(sig, now);
        return now;
    }

    @Test
    void callbackRunsOnTheLoopThreadWhenTheSignalArrives() throws Exception {
        try (EventLoop loop = new EventLoop()) {
            Future<Thread> ran = loop.createFuture();
            loop.addSignalHandler("SIGUSR1", () -> ran.setResult(Thread.currentThread()));
            killSelf("USR1");
            Thread loopThread = Thread.currentThread();
            assertSame(loopThread, loop.runUntilComplete(ran));
        }
    }

    @Test
    void everyDeliveryRunsTheCallbackAndTheNameMayOmitSig() throws Exception {
        try (EventLoop loop = new EventLoop()) {
            int[] runs = {0};
            Future<Void> second = loop.createFuture();
            loop.addSignalHandler("winch", () -> {
                if (++runs[0] == 2) second.setResult(null);
            });
            killSelf("WINCH");
            loop.runUntilComplete(loop.createTask(() -> {
                while (runs[0] < 1) Asyncio.sleep(Duration.ofMillis(5));
                return null;
            }));
            killSelf("WINCH");
            loop.runUntilComplete(second);
            assertEquals(2, runs[0]);
        }
    }

    @Test
    void callbackRunsInTheContextCurrentWhenItWasAdded() throws Exception {
        ContextVar<String> who = new ContextVar<>("who");
        try (EventLoop loop = new EventLoop()) {
            Future<String> seen = loop.createFuture();
            loop.runUntilComplete(loop.createTask(() -> {
                who.set("adder");
                Asyncio.getRunningLoop().addSignalHandler("USR1", () -> seen.setResult(who.get(null)));
                return null;
            }));
            killSelf("USR1");
            assertEquals("adder", loop.runUntilComplete(seen));
        }
    }

    @Test
    void aThrowingCallbackGoesToTheExceptionHandlerAndTheLoopKeepsRunning() throws Exception {
        try (EventLoop loop = new EventLoop()) {
            List<ErrorContext> errors = new ArrayList<>();
            Future<Void> reported = loop.createFuture();
            loop.setExceptionHandler((l, ctx) -> {
                errors.add(ctx);
                if (!reported.done()) reported.setResult(null);
            });
            loop.addSignalHandler("USR1", () -> {
                throw new IllegalStateException("handler failed");
            });
            killSelf("USR1");
            loop.runUntilComplete(reported);
            assertEquals("handler failed", errors.get(0).exception().getMessage());
            // The loop still runs callbacks and still delivers the next signal.
            Future<Void> later = loop.createFuture();
            loop.addSignalHandler("USR1", () -> later.setResult(null));
            killSelf("USR1");
            loop.runUntilComplete(later);
            assertEquals(1, errors.size());
        }
    }

    @Test
    void addingAgainReplacesTheLoopsEarlierHandler() throws Exception {
        try (EventLoop loop = new EventLoop()) {
            List<String> calls = new ArrayList<>();
            Future<Void> done = loop.createFuture();
            loop.addSignalHandler("USR1", () -> calls.add("first"));
            loop.addSignalHandler("SIGUSR1", () -> {
                calls.add("second");
                done.setResult(null);
            });
            killSelf("USR1");
            loop.runUntilComplete(done);
            assertEquals(List.of("second"), calls);
        }
    }

    @Test
    void removeReportsWhetherAHandlerWasSetAndRestoresThePreviousOne() throws Exception {
        SignalHandler before = currentHandler("WINCH");
        try (EventLoop loop = new EventLoop()) {
            assertFalse(loop.removeSignalHandler("SIGWINCH"));
            loop.addSignalHandler("SIGWINCH", () -> {});
            assertTrue(currentHandler("WINCH") != before);
            assertTrue(loop.removeSignalHandler("WINCH"));
            assertEquals(before, currentHandler("WINCH"));
            assertFalse(loop.removeSignalHandler("WINCH"));
        }
    }

    @Test
    void closingTheLoopRemovesItsHandlersAndRestoresThePreviousOnes() {
        SignalHandler winch = currentHandler("WINCH");
        SignalHandler usr1 = currentHandler("USR1");
        EventLoop loop = new EventLoop();
        loop.addSignalHandler("WINCH", () -> {});
        loop.addSignalHandler("USR1", () -> {});
        loop.close();
        assertEquals(winch, currentHandler("WINCH"));
        assertEquals(usr1, currentHandler("USR1"));
    }

    @Test
    void aSignalHeldByAnotherOpenLoopIsRefusedUntilThatLoopLetsGo() throws Exception {
        try (EventLoop first = new EventLoop(); EventLoop second = new EventLoop()) {
            first.addSignalHandler("USR1", () -> {});
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> second.addSignalHandler("USR1", () -> {}));
            assertTrue(e.getMessage().contains("SIGUSR1 is already handled by another event loop"), e.getMessage());
            assertFalse(second.removeSignalHandler("USR1"));
            first.close();
            Future<Void> got = second.createFuture();
            second.addSignalHandler("USR1", () -> got.setResult(null));
            killSelf("USR1");
            second.runUntilComplete(got);
        }
    }

    @Test
    void unknownUncatchableAndJvmReservedSignalsAreRefusedPrecisely() {
        try (EventLoop loop = new EventLoop()) {
            Runnable cb = () -> {};
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> loop.addSignalHandler("SIGFOO", cb));
            assertTrue(unknown.getMessage().startsWith("unknown signal 'SIGFOO': use a POSIX signal name"), unknown.getMessage());
            assertThrows(IllegalArgumentException.class, () -> loop.removeSignalHandler("NOPE"));
            for (String s : List.of("SIGKILL", "STOP")) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.addSignalHandler(s, cb));
                assertTrue(e.getMessage().contains("cannot be caught or handled by any process"), e.getMessage());
            }
            IllegalArgumentException quit = assertThrows(IllegalArgumentException.class,
                    () -> loop.addSignalHandler("SIGQUIT", cb));
            assertTrue(quit.getMessage().startsWith("SIGQUIT is reserved by the JVM"), quit.getMessage());
            IllegalArgumentException jvmOwn = assertThrows(IllegalArgumentException.class,
                    () -> loop.addSignalHandler("USR2", cb));
            assertTrue(jvmOwn.getMessage().startsWith("SIGUSR2 is used by the JVM itself"), jvmOwn.getMessage());
            assertTrue(currentHandler("USR2").toString().startsWith("jdk.internal.misc.Signal$NativeHandler"),
                    "the JVM's native handler must be back");
            assertThrows(NullPointerException.class, () -> loop.addSignalHandler(null, cb));
            assertThrows(NullPointerException.class, () -> loop.addSignalHandler("USR1", null));
            assertFalse(loop.removeSignalHandler("USR1"), "a refused add must not leave a handler behind");
        }
    }

    @Test
    void otherThreadsAndClosedLoopsAreRefused() throws Exception {
        EventLoop loop = new EventLoop();
        CompletableFuture<Throwable> fromOther = new CompletableFuture<>();
        loop.runUntilComplete(loop.createTask(() -> {
            Thread t = new Thread(() -> {
                try {
                    loop.addSignalHandler("USR1", () -> {});
                    fromOther.complete(null);
                } catch (Throwable e) {
                    fromOther.complete(e);
                }
            });
            t.start();
            t.join();
            return null;
        }));
        Throwable e = fromOther.get();
        assertTrue(e instanceof IllegalStateException && e.getMessage().contains("callSoonThreadsafe"), String.valueOf(e));
        loop.close();
        assertThrows(IllegalStateException.class, () -> loop.addSignalHandler("USR1", () -> {}));
    }

    @Test
    void aChildJvmHandlesSigtermOnItsLoopAndShutsDownCleanly() throws Exception {
        try (ChildJvm child = ChildJvm.start(SigtermChild.class)) {
            child.awaitLine("ready");
            kill("TERM", child.pid());
            String out = child.readRest();
            assertEquals(0, child.exitStatus(), out);
            assertTrue(out.contains("SIGTERM handled on the loop"), out);
            assertTrue(out.contains("finally ran"), out);
        }
    }

    /** Serves until SIGTERM, then stops its main task cleanly and exits with 0. */
    static final class SigtermChild {
        public static void main(String[] args) {
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                io.jasyncio.sync.Event stop = new io.jasyncio.sync.Event();
                loop.addSignalHandler("SIGTERM", () -> {
                    System.out.println("SIGTERM handled on the loop");
                    stop.set();
                });
                try {
                    System.out.println("ready");
                    System.out.flush();
                    stop.await();
                } finally {
                    System.out.println("finally ran");
                }
            });
        }
    }
}
