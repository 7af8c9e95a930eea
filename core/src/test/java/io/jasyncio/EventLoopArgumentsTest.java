package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The facade's checks, each at the call that makes it: null arguments refused by name, another
 * thread refused while the loop runs, a closed loop refusing work; and the explicit contexts and
 * return values the scheduling methods promise.
 */
@Timeout(30)
class EventLoopArgumentsTest {

    private static void npe(String name, Runnable call) {
        assertEquals(name, assertThrows(NullPointerException.class, call::run).getMessage());
    }

    @Test
    void nullCallbacksCoroutinesAndFunctionsAreRefusedByName() {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            npe("callback", () -> loop.callSoon(null));
            npe("callback", () -> loop.callSoonThreadsafe(null));
            npe("callback", () -> loop.callLater(Duration.ZERO, null));
            npe("callback", () -> loop.callAt(0, null));
            npe("coro", () -> loop.createTask((Coroutine<String>) null));
            npe("body", () -> loop.runUntilComplete((AsyncRunnable) null));
            npe("fn", () -> loop.runInExecutor(null, null));
            List<String> asked = new ArrayList<>();
            loop.setTaskFactory(new TaskFactory() {
                @Override
                public <T> Task<T> createTask(EventLoop l, Coroutine<T> coro, String name, Context context) {
                    asked.add(String.valueOf(coro));
                    return l.createTask(coro, name, context, false);
                }
            });
            npe("coro", () -> loop.createTask((Coroutine<String>) null));
            assertEquals(List.of(), asked, "a null coroutine is refused before the factory is asked");
            assertEquals(0, loop.allTasks().size(), "nothing was created");
        }
    }

    @Test
    void callAtRefusesNaN() {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            assertThrows(IllegalArgumentException.class, () -> loop.callAt(Double.NaN, () -> {}));
        }
    }

    @Test
    void theTaskFactoryIsUsedAndReturnedAndMayNotReturnNull() {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            List<String> made = new ArrayList<>();
            TaskFactory counting = new TaskFactory() {
                @Override
                public <T> Task<T> createTask(EventLoop l, Coroutine<T> coro, String name, Context context) {
                    made.add(name);
                    return l.createTask(coro, name, context, false);
                }
            };
            loop.setTaskFactory(counting);
            assertSame(counting, loop.getTaskFactory());
            assertEquals("x", loop.runUntilComplete(loop.createTask(() -> "x", "via factory")));
            assertEquals(List.of("via factory"), made);
            TaskFactory broken = new TaskFactory() {
                @Override
                public <T> Task<T> createTask(EventLoop l, Coroutine<T> coro, String name, Context context) {
                    return null;
                }
            };
            loop.setTaskFactory(broken);
            NullPointerException e = assertThrows(NullPointerException.class, () -> loop.createTask(() -> "x"));
            assertTrue(e.getMessage().startsWith("the task factory returned null"), e.getMessage());
        }
    }

    @Test
    void aClosedLoopRefusesTasksThroughAFactoryAndExecutorWork() {
        EventLoop loop = new EventLoop(new VirtualClock());
        List<String> made = new ArrayList<>();
        loop.setTaskFactory(new TaskFactory() {
            @Override
            public <T> Task<T> createTask(EventLoop l, Coroutine<T> coro, String name, Context context) {
                made.add("asked");
                return l.createTask(coro, name, context, false);
            }
        });
        loop.close();
        assertThrows(IllegalStateException.class, () -> loop.createTask(() -> 1));
        assertEquals(List.of(), made, "the factory is not even asked");
        var executor = Executors.newSingleThreadExecutor();
        try {
            List<String> ran = new ArrayList<>();
            assertThrows(IllegalStateException.class, () -> loop.runInExecutor(executor, () -> ran.add("ran")));
            executor.submit(() -> {}).get();
            assertEquals(List.of(), ran, "the function was not submitted");
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void loopOnlyCallsAreRefusedFromAnotherThreadWhileTheLoopRuns() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            // The error names the method the caller called, not one it happens to reach.
            java.util.Map<String, Supplier<Object>> calls = java.util.Map.of(
                    "allTasks()", loop::allTasks,
                    "shutdownDefaultExecutor()", () -> loop.shutdownDefaultExecutor(Duration.ofSeconds(1)),
                    "wrapFuture()", () -> loop.wrapFuture(new CompletableFuture<>()));
            for (var call : calls.entrySet()) {
                IllegalStateException e = Asyncio.toThread(() -> assertThrows(IllegalStateException.class, call.getValue()::get));
                assertTrue(e.getMessage().startsWith(call.getKey() + " was called from thread"), e.getMessage());
            }
        });
    }

    @Test
    void callbacksRunInTheContextTheyAreGiven() {
        ContextVar<String> who = new ContextVar<>("who", "default");
        List<String> seen = new ArrayList<>();
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            Context given = new Context();
            given.run(() -> who.set("given"));
            loop.callSoon(() -> seen.add("soon " + who.get()), given);
            loop.callLater(Duration.ofSeconds(1), () -> seen.add("later " + who.get()), given);
            loop.callAt(loop.time() + 2, () -> {
                seen.add("at " + who.get());
                loop.stop();
            }, given);
            loop.runForever();
        }
        assertEquals(List.of("soon given", "later given", "at given"), seen);
    }

    @Test
    void runUntilCompleteInsideTheRunningLoopFailsWithoutStoppingIt() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Integer> done = loop.createFuture();
            done.setResult(1);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(done));
            assertEquals("This event loop is already running", e.getMessage());
            for (int i = 0; i < 3; i++) Asyncio.sleep(Duration.ZERO); // iterations go on
            log.add("still running");
        });
        assertEquals(List.of("still running"), log);
    }

    @Test
    void removeWriterSaysWhetherAWriterWasRegistered() throws Exception {
        java.nio.channels.Pipe pipe = java.nio.channels.Pipe.open();
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            pipe.sink().configureBlocking(false);
            assertFalse(loop.removeWriter(pipe.sink()));
            loop.addWriter(pipe.sink(), () -> {});
            assertTrue(loop.removeWriter(pipe.sink()));
            assertFalse(loop.removeWriter(pipe.sink()));
        } finally {
            pipe.sink().close();
            pipe.source().close();
        }
    }
}
