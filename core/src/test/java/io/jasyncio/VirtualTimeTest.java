package io.jasyncio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class VirtualTimeTest {
    private static final RunOptions VIRTUAL = RunOptions.defaults().virtualTime(true);

    @Test
    void anHourOfSleepsFinishesInMilliseconds() {
        long t0 = System.nanoTime();
        double end = Asyncio.run(() -> {
            for (int i = 0; i < 60; i++) Asyncio.sleep(Duration.ofMinutes(1));
            return Asyncio.getRunningLoop().time();
        }, VIRTUAL);
        long realMillis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(3600.0, end, 1e-6);
        assertTrue(realMillis < 2000, "took " + realMillis + " ms of real time");
    }

    @Test
    void timersFireInTheOrderAndAtTheTimesRealTimeWouldGive() {
        List<String> log = Asyncio.run(() -> {
            List<String> seen = new ArrayList<>();
            EventLoop loop = Asyncio.getRunningLoop();
            List<Task<Void>> tasks = new ArrayList<>();
            int[][] plan = {{3, 0}, {1, 0}, {2, 0}, {1, 1}};
            for (int[] p : plan) {
                String name = "s" + p[0] + (p[1] == 1 ? "b" : "");
                tasks.add(Asyncio.createTask(() -> {
                    Asyncio.sleep(Duration.ofHours(p[0]));
                    seen.add(name + "@" + (long) loop.time());
                }, name));
            }
            loop.callLater(Duration.ofMinutes(90), () -> seen.add("callback@" + (long) loop.time()));
            Asyncio.gather(tasks).await();
            return seen;
        }, VIRTUAL);
        assertEquals(List.of("s1@3600", "s1b@3600", "callback@5400", "s2@7200", "s3@10800"), log);
    }

    @Test
    void timeStandsStillWhileWorkIsReady() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            double start = loop.time();
            for (int i = 0; i < 1000; i++) Asyncio.sleep(0);
            busyFor(Duration.ofMillis(20));
            assertEquals(start, loop.time());
        }, VIRTUAL);
    }

    @Test
    void aTimeoutExpiresAtItsVirtualDeadline() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            assertThrows(TimeoutError.class, () -> Asyncio.timeout(Duration.ofMinutes(5), () -> Asyncio.sleep(Duration.ofHours(1))));
            assertEquals(300.0, loop.time(), 1e-6);
        }, VIRTUAL);
    }

    @Test
    void timeDoesNotJumpWhileATaskIsBlockedInAJdkCall() {
        long t0 = System.nanoTime();
        List<String> log = Asyncio.run(() -> {
            List<String> seen = new ArrayList<>();
            EventLoop loop = Asyncio.getRunningLoop();
            Task<Void> blocking = Asyncio.createTask(() -> {
                Thread.sleep(150); // real time: the loop must wait for it, not jump past it
                seen.add("blocking@" + loop.time());
            }, "blocking");
            Task<Void> sleeper = Asyncio.createTask(() -> {
                Asyncio.sleep(Duration.ofSeconds(10));
                seen.add("sleeper@" + loop.time());
            }, "sleeper");
            Asyncio.gather(blocking, sleeper).await();
            return seen;
        }, VIRTUAL);
        assertEquals(List.of("blocking@0.0", "sleeper@10.0"), log);
        assertTrue(System.nanoTime() - t0 >= 150_000_000L);
    }

    @Test
    void timeDoesNotJumpWhileExecutorWorkIsPending() {
        List<String> log = Asyncio.run(() -> {
            List<String> seen = new ArrayList<>();
            EventLoop loop = Asyncio.getRunningLoop();
            Task<Void> sleeper = Asyncio.createTask(() -> {
                Asyncio.sleep(Duration.ofSeconds(1));
                seen.add("sleeper@" + loop.time());
            }, "sleeper");
            String r = Asyncio.toThread(() -> {
                Thread.sleep(100);
                return "worker";
            });
            seen.add(r + "@" + loop.time());
            sleeper.await();
            return seen;
        }, VIRTUAL);
        assertEquals(List.of("worker@0.0", "sleeper@1.0"), log);
    }

    @Test
    void aStalledBlockingCallLetsTimeJumpAfterTheStallLimitWithAWarning() {
        LogCapture logs = LogCapture.start();
        VirtualClock clock = new VirtualClock().setStallLimit(Duration.ofMillis(100));
        try (EventLoop loop = new EventLoop(clock)) {
            double got = loop.runUntilComplete(() -> {
                CompletableFuture<Double> later = new CompletableFuture<>();
                loop.callLater(Duration.ofHours(1), () -> later.complete(loop.time()));
                // A blocking wait on something only a later timer completes: waiting forever in
                // real time would deadlock, so the loop jumps once the stall limit has passed.
                Task<Double> stuck = Asyncio.createTask(() -> later.get(), "stuck-in-get");
                return stuck.await();
            });
            assertEquals(3600.0, got, 1e-6);
        } finally {
            logs.stop();
        }
        assertTrue(logs.messages().stream().anyMatch(m -> m.startsWith("virtual time jumps") && m.contains("stuck-in-get")),
                logs.messages().toString());
    }

    @Test
    void advanceMovesTimeForwardAndDueTimersRun() {
        VirtualClock clock = new VirtualClock();
        try (EventLoop loop = new EventLoop(clock)) {
            List<Double> fired = new ArrayList<>();
            loop.callLater(Duration.ofSeconds(5), () -> fired.add(loop.time()));
            loop.callSoon(() -> clock.advance(Duration.ofSeconds(7)));
            loop.callSoon(() -> loop.callSoon(loop::stop));
            loop.runForever();
            assertEquals(List.of(7.0), fired);
            assertEquals(7.0, clock.time());
            assertEquals(Duration.ofSeconds(7), clock.elapsed());
            assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofSeconds(-1)));
        }
    }

    @Test
    void aClockDrivesOnlyOneLoop() {
        VirtualClock clock = new VirtualClock();
        try (EventLoop loop = new EventLoop(clock)) {
            assertEquals(clock, loop.getVirtualClock());
            assertThrows(IllegalArgumentException.class, () -> new EventLoop(clock));
        }
    }

    @Test
    void realTimeLoopsHaveNoVirtualClock() {
        try (EventLoop loop = new EventLoop()) {
            assertEquals(null, loop.getVirtualClock());
        }
    }

    @Test
    void aRunnerWithVirtualTimeKeepsItsClockAcrossRuns() {
        try (Runner runner = new Runner(VIRTUAL)) {
            runner.run(() -> Asyncio.sleep(Duration.ofDays(1)));
            double t = runner.run(() -> {
                Asyncio.sleep(Duration.ofDays(1));
                return Asyncio.getRunningLoop().time();
            });
            assertEquals(2 * 86400.0, t, 1e-6);
        }
    }

    private static void busyFor(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) Thread.onSpinWait();
    }
}
