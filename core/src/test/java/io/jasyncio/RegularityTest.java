package io.jasyncio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One rule per concern (issue 14, item 4): times, thread rules, cancellation messages, debug switch. */
@org.junit.jupiter.api.Timeout(60)
class RegularityTest {

    // ---- Timeout: double loop seconds, never a boxed Double ----

    @Test
    void timeoutWhenIsAnOptionalDoubleAndRemoveDeadlineEmptiesIt() {
        Asyncio.run(() -> {
            Timeout none = Asyncio.timeout(null);
            assertTrue(none.when().isEmpty());
            String r = none.call(() -> {
                none.reschedule(Asyncio.getRunningLoop().time() + 60);
                assertTrue(none.when().isPresent());
                none.removeDeadline();
                assertTrue(none.when().isEmpty());
                none.reschedule(Double.POSITIVE_INFINITY);
                assertTrue(none.when().isEmpty(), "+infinity is no deadline");
                Asyncio.sleep(Duration.ofMillis(5));
                return "ran to the end";
            });
            assertEquals("ran to the end", r);
            assertFalse(none.expired());
        });
    }

    @Test
    void timeoutRejectsNaNWithAMessageThatSaysWhatToGive() {
        Asyncio.run(() -> {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Asyncio.timeoutAt(Double.NaN))
                    .getMessage().startsWith("when is NaN"));
            Timeout t = Asyncio.timeout(Duration.ofSeconds(10));
            t.call(() -> {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.reschedule(Double.NaN));
                assertTrue(e.getMessage().contains("loop.time() + delay"), e.getMessage());
                return null;
            });
            assertEquals("Cannot change state of finished Timeout",
                    assertThrows(IllegalStateException.class, t::removeDeadline).getMessage());
        });
    }

    @Test
    void rescheduleToAPastLoopTimeStillTimesOut() {
        Asyncio.run(() -> {
            Timeout t = Asyncio.timeout(null);
            assertThrows(TimeoutError.class, () -> t.call(() -> {
                t.reschedule(Asyncio.getRunningLoop().time() - 1);
                return Asyncio.sleep(Duration.ofSeconds(20), "late");
            }));
            assertTrue(t.expired());
        });
    }

    @Test
    void sleepInSecondsRejectsNaNAndYieldsForZeroOrLess() {
        Asyncio.run(() -> {
            assertEquals("delay is NaN", assertThrows(IllegalArgumentException.class, () -> Asyncio.sleep(Double.NaN)).getMessage());
            List<String> order = new ArrayList<>();
            Asyncio.getRunningLoop().callSoon(() -> order.add("callback"));
            Asyncio.sleep(-1.0);
            order.add("after sleep");
            assertEquals(List.of("callback", "after sleep"), order);
        });
    }

    // ---- one thread rule for Handle and TimerHandle ----

    @Test
    void handleAndTimerHandleCancelFailTheSameWayFromAnotherThread() throws Exception {
        List<String> messages = new ArrayList<>();
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Handle soon = loop.callSoon(() -> {});
            TimerHandle later = loop.callLater(Duration.ofSeconds(30), () -> {});
            for (Handle h : List.of(soon, later)) {
                CompletableFuture<Throwable> fromOther = new CompletableFuture<>();
                Thread.ofPlatform().start(() -> {
                    Throwable failure = null;
                    try {
                        h.cancel();
                    } catch (Throwable e) {
                        failure = e;
                    }
                    boolean cancelledByTheWrongCall = h.cancelled();
                    Throwable seen = failure;
                    // The way the message names works.
                    loop.callSoonThreadsafe(() -> {
                        h.cancel();
                        fromOther.complete(cancelledByTheWrongCall ? new AssertionError("cancelled from another thread") : seen);
                    });
                });
                Throwable e = Asyncio.wrapFuture(fromOther).await();
                assertTrue(e instanceof IllegalStateException, String.valueOf(e));
                messages.add(e.getMessage());
                assertTrue(h.cancelled());
            }
        });
        for (String m : messages) assertTrue(m.contains("callSoonThreadsafe"), m);
        assertTrue(messages.get(0).startsWith("Handle.cancel()"), messages.get(0));
        assertTrue(messages.get(1).startsWith("TimerHandle.cancel()"), messages.get(1));
    }

    @Test
    void handlesMayBeCancelledBeforeTheLoopRuns() {
        EventLoop loop = new EventLoop();
        try {
            List<String> ran = new ArrayList<>();
            Handle h = loop.callSoon(() -> ran.add("soon"));
            TimerHandle t = loop.callLater(Duration.ZERO, () -> ran.add("timer"));
            h.cancel();
            t.cancel();
            loop.runUntilComplete(loop.createTask(() -> Asyncio.sleep(Duration.ofMillis(5))));
            assertEquals(List.of(), ran);
        } finally {
            loop.close();
        }
    }

    // ---- cancel(boolean) is cancel() ----

    @Test
    @SuppressWarnings("deprecation")
    void cancelWithTheInterruptFlagFalseStillCancelsLikeCancel() {
        Asyncio.run(() -> {
            Task<String> t = Asyncio.createTask(() -> Asyncio.sleep(Duration.ofSeconds(20), "late"));
            Asyncio.sleep(0);
            assertTrue(t.cancel(false), "the flag is ignored: false cancels too");
            assertThrows(CancelledError.class, t::await);
            assertTrue(t.isCancelled());
        });
    }

    // ---- a second cancel(msg) keeps the first message (CPython 3.13) ----

    @Test
    void aSecondCancelOfATaskWaitingOnAFutureKeepsTheFirstMessage() {
        Asyncio.run(() -> {
            Task<String> t = Asyncio.createTask(() -> Asyncio.sleep(Duration.ofSeconds(20), "late"));
            Asyncio.sleep(0); // t waits in sleep's future
            assertTrue(t.cancel("first"));
            assertTrue(t.cancel("second"));
            assertEquals(2, t.cancelling());
            CancelledError e = assertThrows(CancelledError.class, t::await);
            assertEquals("first", e.getMessage());
        });
    }

    @Test
    void aSecondCancelOfATaskNotYetWaitingKeepsTheLaterMessageAsAsyncioDoes() {
        // asyncio: no _fut_waiter, so each cancel() overwrites _cancel_message.
        Asyncio.run(() -> {
            Task<String> t = Asyncio.createTask(() -> Asyncio.sleep(Duration.ofSeconds(20), "late"));
            assertTrue(t.cancel("first"));
            assertTrue(t.cancel("second"));
            assertEquals("second", assertThrows(CancelledError.class, t::await).getMessage());
        });
    }

    @Test
    void aSecondCancelOfAFutureKeepsTheFirstMessage() {
        Asyncio.run(() -> {
            Future<String> f = Asyncio.getRunningLoop().createFuture();
            assertTrue(f.cancel("first"));
            assertFalse(f.cancel("second"));
            assertEquals("first", assertThrows(CancelledError.class, f::result).getMessage());
        });
    }

    @Test
    void aCancelAfterTheAwaitedFutureCompletedStillCancelsTheTaskWithItsMessage() {
        // The future is done but the task has not resumed yet: asyncio's _must_cancel path.
        Asyncio.run(() -> {
            Future<String> f = Asyncio.getRunningLoop().createFuture();
            Task<String> t = Asyncio.createTask(f::await);
            Asyncio.sleep(0);
            f.setResult("value");
            assertTrue(t.cancel("after"));
            assertEquals("after", assertThrows(CancelledError.class, t::await).getMessage());
        });
    }

    // ---- JASYNCIO_DEBUG ----

    @Test
    void jasyncioDebugValuesThatMeanNoLeaveDebugOff() {
        for (String off : new String[] {null, "", " ", "0", "false", "FALSE", "no", "Off"}) {
            assertFalse(DebugDefault.isOn(off), String.valueOf(off));
        }
        for (String on : new String[] {"1", "true", "yes", "on", "debug"}) {
            assertTrue(DebugDefault.isOn(on), on);
        }
    }

    @Test
    void jasyncioDebugZeroInTheEnvironmentDoesNotEnableDebugInANewJvm() throws Exception {
        assertEquals("false", probeDebug("0"));
        assertEquals("true", probeDebug("1"));
    }

    /** Starts a JVM with JASYNCIO_DEBUG set and returns what a new loop says getDebug() is. */
    private static String probeDebug(String value) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder pb = new ProcessBuilder(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), DebugProbe.class.getName());
        pb.environment().put("JASYNCIO_DEBUG", value);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertTrue(p.waitFor(50, TimeUnit.SECONDS), "probe JVM did not end");
            assertEquals(0, p.exitValue(), out);
            return out.lines().reduce((a, b) -> b).orElse("");
        } finally {
            p.destroyForcibly();
        }
    }

    /** The probe's main: prints whether a fresh loop starts in debug mode. */
    static final class DebugProbe {
        public static void main(String[] args) {
            EventLoop loop = new EventLoop();
            try {
                System.out.println(loop.getDebug());
            } finally {
                loop.close();
            }
        }
    }
}
