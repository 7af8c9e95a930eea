package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EventLoopTest {

    @Test
    void callSoonRunsCallbacksFirstInFirstOut() {
        try (EventLoop loop = new EventLoop()) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int n = i;
                loop.callSoon(() -> order.add(n));
            }
            loop.callSoon(loop::stop);
            loop.runForever();
            assertEquals(List.of(0, 1, 2, 3, 4), order);
        }
    }

    @Test
    void callbacksScheduledDuringAnIterationRunInTheNext() {
        try (EventLoop loop = new EventLoop()) {
            List<String> order = new ArrayList<>();
            loop.callSoon(() -> {
                order.add("a");
                loop.callSoon(() -> order.add("c"));
            });
            loop.callSoon(() -> order.add("b"));
            // stop() from the first round: the loop finishes this iteration only, so "c" waits.
            loop.callSoon(loop::stop);
            loop.runForever();
            assertEquals(List.of("a", "b"), order);
            loop.callSoon(loop::stop);
            loop.runForever();
            assertEquals(List.of("a", "b", "c"), order);
        }
    }

    @Test
    void timersFireByDeadlineThenInSchedulingOrder() {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            List<String> order = new ArrayList<>();
            double at = loop.time() + 0.02;
            loop.callAt(at, () -> order.add("t1"));
            loop.callLater(Duration.ofMillis(5), () -> order.add("early"));
            loop.callAt(at, () -> order.add("t2"));
            loop.callAt(at, () -> order.add("t3"));
            loop.callAt(at + 0.01, loop::stop);
            loop.runForever();
            assertEquals(List.of("early", "t1", "t2", "t3"), order);
        }
    }

    @Test
    void manyTimersWithEqualDeadlinesKeepFifoOrder() {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            List<Integer> order = new ArrayList<>();
            double at = loop.time() + 0.01;
            for (int i = 0; i < 1000; i++) {
                int n = i;
                loop.callAt(at, () -> order.add(n));
            }
            loop.callAt(at, loop::stop);
            loop.runForever();
            for (int i = 0; i < 1000; i++) assertEquals(i, order.get(i));
        }
    }

    @Test
    void negativeDelayRunsLikeZeroDelay() {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            List<String> order = new ArrayList<>();
            loop.callLater(Duration.ofSeconds(-5), () -> order.add("negative"));
            loop.callLater(Duration.ofSeconds(-1), () -> order.add("negative seconds"));
            loop.callSoon(() -> order.add("soon"));
            loop.callLater(Duration.ofMillis(1), loop::stop);
            loop.runForever();
            assertEquals(List.of("soon", "negative", "negative seconds"), order);
        }
    }

    @Test
    void timerHandleReportsWhenAndCancelKeepsItFromRunning() {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            List<String> order = new ArrayList<>();
            double before = loop.time();
            TimerHandle h = loop.callLater(Duration.ofMillis(10), () -> order.add("cancelled timer"));
            assertTrue(h.when() >= before + 0.0099 && h.when() < before + 1, "when=" + h.when());
            Handle soon = loop.callSoon(() -> order.add("cancelled soon"));
            h.cancel();
            soon.cancel();
            assertTrue(h.cancelled());
            assertTrue(soon.cancelled());
            loop.callLater(Duration.ofMillis(20), loop::stop);
            loop.runForever();
            assertEquals(List.of(), order);
        }
    }

    @Test
    void cancellingMostTimersCompactsTheQueueAndKeepsTheRest() {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            List<Integer> fired = new ArrayList<>();
            List<TimerHandle> handles = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int n = i;
                handles.add(loop.callLater(Duration.ofMillis(1 + i % 7), () -> fired.add(n)));
            }
            for (int i = 0; i < 1000; i++) if (i % 10 != 0) handles.get(i).cancel();
            loop.callLater(Duration.ofMillis(30), loop::stop);
            loop.runForever();
            assertEquals(100, fired.size());
            assertTrue(fired.stream().allMatch(n -> n % 10 == 0));
        }
    }

    @Test
    void exceptionInCallbackReachesHandlerAndLoopContinues() {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            List<ErrorContext> errors = new ArrayList<>();
            loop.setExceptionHandler((l, ctx) -> errors.add(ctx));
            List<String> order = new ArrayList<>();
            RuntimeException boom = new RuntimeException("boom");
            Handle bad = loop.callSoon(() -> {
                throw boom;
            });
            loop.callSoon(() -> order.add("after"));
            loop.callLater(Duration.ofMillis(1), () -> order.add("timer"));
            loop.callLater(Duration.ofMillis(2), loop::stop);
            loop.runForever();
            assertEquals(List.of("after", "timer"), order);
            assertEquals(1, errors.size());
            assertSame(boom, errors.get(0).exception());
            assertSame(bad, errors.get(0).handle());
            assertTrue(errors.get(0).message().startsWith("Exception in callback"));
        }
    }

    @Test
    void failingExceptionHandlerDoesNotStopTheLoop() {
        try (EventLoop loop = new EventLoop()) {
            loop.setExceptionHandler((l, ctx) -> {
                throw new IllegalStateException("handler broken");
            });
            List<String> order = new ArrayList<>();
            loop.callSoon(() -> {
                throw new RuntimeException("x");
            });
            loop.callSoon(() -> order.add("still running"));
            loop.callSoon(loop::stop);
            loop.runForever();
            assertEquals(List.of("still running"), order);
        }
    }

    @Test
    void eightThreadsOfCallSoonThreadsafeEachRunExactlyOnce() throws Exception {
        int threads = 8;
        int perThread = 100_000;
        try (EventLoop loop = new EventLoop()) {
            int[][] counts = new int[threads][perThread];
            long[] total = {0};
            Thread loopThread = Thread.ofPlatform().start(loop::runForever);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                producers.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new RuntimeException(e);
                    }
                    for (int i = 0; i < perThread; i++) {
                        int n = i;
                        loop.callSoonThreadsafe(() -> {
                            counts[id][n]++;
                            total[0]++;
                        });
                    }
                }));
            }
            go.countDown();
            for (Thread p : producers) p.join();
            CountDownLatch done = new CountDownLatch(1);
            loop.callSoonThreadsafe(() -> {
                loop.stop();
                done.countDown();
            });
            assertTrue(done.await(20, TimeUnit.SECONDS));
            loopThread.join(10_000);
            assertFalse(loopThread.isAlive());
            assertEquals((long) threads * perThread, total[0]);
            for (int[] row : counts) for (int c : row) assertEquals(1, c);
        }
    }

    @Test
    void sleepingLoopWakesPromptlyForACrossThreadCall() throws Exception {
        try (EventLoop loop = new EventLoop()) {
            loop.callLater(Duration.ofSeconds(20), loop::stop); // the loop sleeps in select
            Thread loopThread = Thread.ofPlatform().start(loop::runForever);
            while (!loop.isRunning()) Thread.onSpinWait();
            // An event, not a sleep: the loop thread is seen inside the selector's select, three
            // looks 10 ms apart (a non-blocking selectNow is over in microseconds).
            for (int seen = 0; seen < 3; ) {
                boolean inSelect = java.util.Arrays.stream(loopThread.getStackTrace())
                        .anyMatch(f -> f.getMethodName().equals("doSelect"));
                seen = inSelect ? seen + 1 : 0;
                Thread.sleep(10);
            }
            long[] ran = new long[1];
            long sent = System.nanoTime();
            CountDownLatch done = new CountDownLatch(1);
            loop.callSoonThreadsafe(() -> {
                ran[0] = System.nanoTime();
                loop.stop();
                done.countDown();
            });
            assertTrue(done.await(5, TimeUnit.SECONDS));
            // Without the wake-up the loop would sleep 20 s; 10 s leaves room for a loaded machine.
            assertTrue(ran[0] - sent < TimeUnit.SECONDS.toNanos(10), "woke after " + (ran[0] - sent) / 1e6 + " ms");
            loopThread.join();
        }
    }

    @Test
    void stopBeforeRunForeverRunsOneIteration() {
        try (EventLoop loop = new EventLoop()) {
            List<String> order = new ArrayList<>();
            loop.callSoon(() -> order.add("ready"));
            loop.stop();
            loop.runForever();
            assertEquals(List.of("ready"), order);
            assertFalse(loop.isRunning());
        }
    }

    @Test
    void runUntilCompleteReturnsTheResult() {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            Future<String> f = loop.createFuture();
            loop.callLater(Duration.ofMillis(5), () -> f.setResult("done"));
            assertEquals("done", loop.runUntilComplete(f));
            assertEquals(7, loop.runUntilComplete(() -> 7));
        }
    }

    @Test
    void runUntilCompleteFailsWhenTheLoopStopsFirst() {
        try (EventLoop loop = new EventLoop()) {
            Future<String> f = loop.createFuture();
            loop.callSoon(loop::stop);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(f));
            assertEquals("Event loop stopped before Future completed.", e.getMessage());
        }
    }

    @Test
    void runUntilCompleteRejectsAFutureOfAnotherLoop() {
        try (EventLoop a = new EventLoop(); EventLoop b = new EventLoop()) {
            Future<Object> f = b.createFuture();
            assertThrows(IllegalArgumentException.class, () -> a.runUntilComplete(f));
        }
    }

    @Test
    void closingARunningLoopFails() {
        try (EventLoop loop = new EventLoop()) {
            AtomicReference<Throwable> error = new AtomicReference<>();
            loop.callSoon(() -> {
                try {
                    loop.close();
                } catch (Throwable t) {
                    error.set(t);
                }
                loop.stop();
            });
            loop.runForever();
            assertInstanceOf(IllegalStateException.class, error.get());
            assertEquals("Cannot close a running event loop", error.get().getMessage());
            assertFalse(loop.isClosed());
        }
    }

    @Test
    void runningALoopInsideARunningLoopFails() {
        try (EventLoop outer = new EventLoop(); EventLoop inner = new EventLoop()) {
            List<String> messages = new ArrayList<>();
            outer.callSoon(() -> {
                try {
                    outer.runForever();
                } catch (IllegalStateException e) {
                    messages.add(e.getMessage());
                }
                try {
                    inner.runForever();
                } catch (IllegalStateException e) {
                    messages.add(e.getMessage());
                }
                outer.stop();
            });
            outer.runForever();
            assertEquals(List.of("This event loop is already running",
                    "Cannot run the event loop while another loop is running in this thread"), messages);
        }
    }

    @Test
    void aClosedLoopRejectsWorkAndCloseIsIdempotent() {
        EventLoop loop = new EventLoop();
        loop.close();
        loop.close();
        assertTrue(loop.isClosed());
        assertEquals("Event loop is closed", assertThrows(IllegalStateException.class, () -> loop.callSoon(() -> {})).getMessage());
        assertThrows(IllegalStateException.class, () -> loop.callSoonThreadsafe(() -> {}));
        assertThrows(IllegalStateException.class, () -> loop.callLater(Duration.ofSeconds(1), () -> {}));
        assertThrows(IllegalStateException.class, loop::runForever);
        assertThrows(IllegalStateException.class, () -> loop.createTask(() -> 1));
    }

    @Test
    void callsFromAnotherThreadWhileRunningFailClearly() throws Exception {
        try (EventLoop loop = new EventLoop()) {
            CountDownLatch running = new CountDownLatch(1);
            loop.callSoon(running::countDown);
            Thread t = Thread.ofPlatform().start(loop::runForever);
            assertTrue(running.await(5, TimeUnit.SECONDS));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.callSoon(() -> {}));
            assertTrue(e.getMessage().contains("callSoonThreadsafe"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> loop.callLater(Duration.ZERO, () -> {}));
            assertThrows(IllegalStateException.class, () -> loop.createTask(() -> 1));
            assertThrows(IllegalStateException.class, loop::stop);
            loop.callSoonThreadsafe(loop::stop);
            t.join();
        }
    }

    @Test
    void runForeverOnAVirtualThreadFailsClearly() throws Exception {
        try (EventLoop loop = new EventLoop()) {
            AtomicReference<Throwable> error = new AtomicReference<>();
            Thread.ofVirtual().start(() -> {
                try {
                    loop.runForever();
                } catch (Throwable t) {
                    error.set(t);
                }
            }).join();
            assertInstanceOf(IllegalStateException.class, error.get());
            assertTrue(error.get().getMessage().contains("platform thread"), error.get().getMessage());
        }
    }

    @Test
    void timeIsMonotonicSeconds() throws Exception {
        try (EventLoop loop = new EventLoop()) {
            double t0 = loop.time();
            Thread.sleep(20);
            double t1 = loop.time();
            assertTrue(t1 - t0 >= 0.019 && t1 - t0 < 5, "elapsed " + (t1 - t0));
        }
    }

    @Test
    void getRunningLoopFailsClearlyWithoutALoop() {
        IllegalStateException e = assertThrows(IllegalStateException.class, Asyncio::getRunningLoop);
        assertTrue(e.getMessage().startsWith("no running event loop"), e.getMessage());
        assertThrows(IllegalStateException.class, Asyncio::currentTask);
    }

    @Test
    void getRunningLoopInCallbacksAndTasks() {
        try (EventLoop loop = new EventLoop()) {
            List<Object> seen = new ArrayList<>();
            loop.callSoon(() -> {
                seen.add(Asyncio.getRunningLoop());
                seen.add(String.valueOf(Asyncio.currentTask()));
            });
            Task<EventLoop> t = loop.createTask(Asyncio::getRunningLoop);
            assertSame(loop, loop.runUntilComplete(t));
            assertEquals(List.of(loop, "null"), seen);
        }
    }

    @Test
    void debugModeLogsSlowCallbacks() {
        var records = LogCapture.start();
        try (EventLoop loop = new EventLoop()) {
            loop.setDebug(true);
            loop.setSlowCallbackDuration(Duration.ofMillis(20));
            loop.callSoon(() -> {
                try {
                    Thread.sleep(40);
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            loop.callSoon(loop::stop);
            loop.runForever();
        } finally {
            records.stop();
        }
        assertTrue(records.messages().stream().anyMatch(m -> m.startsWith("Executing Handle") && m.contains("took")),
                records.messages().toString());
    }

    @Test
    void slowCallbackDurationRejectsNegative() {
        try (EventLoop loop = new EventLoop()) {
            assertThrows(IllegalArgumentException.class, () -> loop.setSlowCallbackDuration(Duration.ofMillis(-1)));
        }
    }

    @Test
    void callAtAFarPastTimeRunsAtOnceAndAFarFutureOneNever() {
        // asyncio's call_at(when) for any when not after time() runs in the next iteration, even
        // -inf; +inf never runs. Neither may overflow the loop's nanosecond deadlines.
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            List<String> order = new ArrayList<>();
            loop.callAt(Double.POSITIVE_INFINITY, () -> order.add("+inf"));
            loop.callAt(1e12, () -> order.add("in 30000 years"));
            loop.callAt(-1e10, () -> order.add("-1e10"));
            loop.callAt(Double.NEGATIVE_INFINITY, () -> order.add("-inf"));
            loop.callSoon(() -> order.add("soon"));
            loop.callLater(Duration.ofMillis(50), loop::stop);
            loop.runForever();
            assertEquals(List.of("soon", "-1e10", "-inf"), order);
        }
    }

    @Test
    void aTaskFinishingBetweenOthersLeavesThemInAllTasks() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Void> release = loop.createFuture();
            Task<Void> older = Asyncio.createTask(() -> release.await());
            Task<Void> middle = Asyncio.createTask(() -> {});
            Task<Void> newer = Asyncio.createTask(() -> release.await());
            middle.await();
            java.util.Set<Task<?>> all = loop.allTasks();
            assertTrue(all.contains(older) && all.contains(newer), String.valueOf(all));
            assertFalse(all.contains(middle));
            release.setResult(null);
            older.await();
            newer.await();
        });
    }

    @Test
    void aNamedTaskDoesNotUseUpANumberOfTheDefaultNames() {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            Task<Integer> first = loop.createTask(() -> 1);
            Task<Integer> named = loop.createTask(() -> 2, "named");
            Task<Integer> next = loop.createTask(() -> 3);
            int n = Integer.parseInt(first.getName().substring("Task-".length()));
            assertEquals("Task-" + (n + 1), next.getName());
            assertEquals("named", named.getName());
            for (Task<Integer> t : java.util.List.of(first, named, next)) loop.runUntilComplete(t);
        }
    }
}
