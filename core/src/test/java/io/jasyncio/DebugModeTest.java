package io.jasyncio;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DebugModeTest {
    private static final RunOptions DEBUG = RunOptions.defaults().debug(true).slowCallbackDuration(Duration.ofMillis(40));

    @Test
    void aSlowCallbackIsReportedWithTheStackWhereItWasSlow() {
        LogCapture logs = LogCapture.start();
        try {
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Future<Void> done = loop.createFuture();
                loop.callSoon(() -> {
                    hogTheLoop(Duration.ofMillis(250));
                    done.setResult(null);
                });
                done.await();
            }, DEBUG);
        } finally {
            logs.stop();
        }
        String report = find(logs, "Executing Handle");
        assertTrue(report.contains("took"), report);
        assertTrue(report.contains("s into the step, the callback was at:"), report);
        assertTrue(report.contains("hogTheLoop"), report);
    }

    @Test
    void aSlowTaskStepIsReportedWithTheTaskStack() {
        LogCapture logs = LogCapture.start();
        try {
            Asyncio.run(() -> {
                Asyncio.createTask(() -> crunchNumbers(Duration.ofMillis(250)), "cruncher").await();
            }, DEBUG);
        } finally {
            logs.stop();
        }
        String report = find(logs, "Executing Step[Task[cruncher");
        assertTrue(report.contains("s into the step, the task was at:"), report);
        assertTrue(report.contains("crunchNumbers"), report);
        assertTrue(report.contains("task created at"), report);
    }

    @Test
    void fastStepsAreNotReported() {
        LogCapture logs = LogCapture.start();
        try {
            // A threshold no step of this test nears even at load 20 (the first step loads classes):
            // what is checked is that steps under the threshold are not reported, whatever it is.
            Asyncio.run(() -> {
                for (int i = 0; i < 100; i++) Asyncio.sleep(0);
            }, DEBUG.slowCallbackDuration(Duration.ofSeconds(10)));
        } finally {
            logs.stop();
        }
        assertFalse(logs.messages().stream().anyMatch(m -> m.startsWith("Executing")), logs.messages().toString());
    }

    @Test
    void debugModeRecordsWhereEachTaskWasCreated() {
        String shown = Asyncio.run(() -> Asyncio.createTask(() -> null, "child").toString(), DEBUG);
        assertTrue(shown.contains("created at io.jasyncio.DebugModeTest.lambda$debugModeRecordsWhereEachTaskWasCreated"), shown);
        String plain = Asyncio.run(() -> Asyncio.createTask(() -> null, "child").toString(), RunOptions.defaults());
        assertFalse(plain.contains("created at"), plain);
    }

    @Test
    void creationThroughGatherPointsAtTheCallerNotTheLibrary() {
        String shown = Asyncio.run(() -> {
            Future<List<String>> g = Asyncio.gather(() -> Asyncio.currentTask().toString());
            return g.await().getFirst();
        }, DEBUG);
        assertTrue(shown.contains("created at io.jasyncio.DebugModeTest.lambda$creationThroughGatherPointsAtTheCallerNotTheLibrary"), shown);
    }

    @Test
    void anUnretrievedExceptionReportShowsWhereTheTaskWasCreated() {
        List<ErrorContext> reports = new ArrayList<>();
        try (EventLoop loop = new EventLoop()) {
            loop.setDebug(true);
            loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
            loop.runUntilComplete(() -> {
                startForgottenTask();
                Asyncio.sleep(0);
                Asyncio.sleep(0);
                return null;
            });
            for (int i = 0; i < 100 && reports.isEmpty(); i++) {
                System.gc();
                loop.runUntilComplete(() -> Asyncio.sleep(0.02));
            }
        }
        String message = reports.getFirst().message();
        assertTrue(message.startsWith("Task exception was never retrieved"), message);
        assertTrue(message.contains("task created at"), message);
        assertTrue(message.contains("startForgottenTask"), message);
    }

    @Test
    void aDestroyedPendingTaskReportShowsWhereItWasCreated() {
        LogCapture logs = LogCapture.start();
        try {
            EventLoop loop = new EventLoop();
            loop.setDebug(true);
            loop.runUntilComplete(() -> {
                startAbandonedTask();
                Asyncio.sleep(0);
            });
            loop.close();
        } finally {
            logs.stop();
        }
        String report = find(logs, "Task was destroyed but it is pending");
        assertTrue(report.contains("startAbandonedTask"), report);
    }

    @Test
    void runOptionsTurnDebugModeOn() {
        assertTrue(Asyncio.run(() -> Asyncio.getRunningLoop().getDebug(), RunOptions.defaults().debug(true)));
        assertTrue(Asyncio.run(() -> Asyncio.getRunningLoop().getSlowCallbackDuration(), DEBUG).equals(Duration.ofMillis(40)));
    }

    private static void startForgottenTask() {
        Asyncio.createTask(() -> {
            throw new IllegalStateException("nobody looks");
        }, "forgotten");
    }

    private static void startAbandonedTask() {
        Asyncio.createTask(() -> Asyncio.sleep(Duration.ofHours(1)), "abandoned");
    }

    /** The first log starting with {@code prefix}, other than the reports of a step still running. */
    private static String find(LogCapture logs, String prefix) {
        return logs.messages().stream().filter(m -> m.startsWith(prefix) && !m.contains(" is still running after ")).findFirst()
                .orElseThrow(() -> new AssertionError("no log starting with " + prefix + " in " + logs.messages()));
    }

    /**
     * Keeps the loop busy for {@code d}, and longer until debug mode's watchdog has sampled this
     * step (at most 10 s): at load 16 on 2 cores its thread may not get a CPU for hundreds of
     * milliseconds, and what is tested is the report of a sample, not the watchdog's latency.
     */
    private static void hogTheLoop(Duration d) {
        EventLoop loop = Asyncio.getRunningLoop();
        long start = System.nanoTime();
        while (System.nanoTime() - start < d.toNanos() || !sampledOrGaveUp(loop, start)) Thread.onSpinWait();
    }

    /** {@link #hogTheLoop} as a task's computation. */
    private static Object crunchNumbers(Duration d) {
        EventLoop loop = Asyncio.getRunningLoop();
        long start = System.nanoTime();
        long x = 0;
        while (System.nanoTime() - start < d.toNanos() || !sampledOrGaveUp(loop, start)) x += System.nanoTime() % 7;
        return x;
    }

    private static boolean sampledOrGaveUp(EventLoop loop, long start) {
        return loop.scheduler.slowStepSampled() || System.nanoTime() - start > Duration.ofSeconds(10).toNanos();
    }
}
