package io.jasyncio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

class JfrEventsTest {

    @Test
    void taskLifecycleAndSlowStepsAreRecorded() throws Exception {
        assertTrue(JfrEvents.AVAILABLE);
        Path file = Files.createTempDirectory("jasyncio-jfr").resolve("rec.jfr");
        try (Recording r = new Recording()) {
            r.enable("io.jasyncio.TaskCreated");
            r.enable("io.jasyncio.TaskCompleted");
            r.enable("io.jasyncio.SlowStep").withThreshold(Duration.ofMillis(30));
            r.start();
            Asyncio.run(() -> {
                Task<Void> ok = Asyncio.createTask(() -> spin(Duration.ofMillis(80)), "jfr-slow");
                Task<Void> bad = Asyncio.createTask(() -> {
                    throw new IllegalStateException("boom");
                }, "jfr-failing");
                Task<Void> cancelled = Asyncio.createTask(() -> Asyncio.sleep(Duration.ofHours(1)), "jfr-cancelled");
                assertNull(ok.threadIfMade(), "recording must not make a queued task's thread early");
                ok.await();
                Asyncio.gatherReturnExceptions(bad).await();
                cancelled.cancel();
                Asyncio.gatherReturnExceptions(cancelled).await();
            });
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertTrue(has(events, "io.jasyncio.TaskCreated", "task", "jfr-slow"), names(events));
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("io.jasyncio.TaskCompleted")
                && e.getString("task").equals("jfr-failing") && e.getString("outcome").equals("failed")), names(events));
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("io.jasyncio.TaskCompleted")
                && e.getString("task").equals("jfr-cancelled") && e.getString("outcome").equals("cancelled")), names(events));
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("io.jasyncio.TaskCompleted")
                && e.getString("task").equals("jfr-slow") && e.getString("outcome").equals("finished")
                && e.getThread("taskThread") != null), names(events));
        List<RecordedEvent> slow = events.stream().filter(e -> e.getEventType().getName().equals("io.jasyncio.SlowStep")).toList();
        assertEquals(1, slow.size(), names(events));
        assertEquals("jfr-slow", slow.getFirst().getString("task"));
        assertTrue(slow.getFirst().getDuration().toMillis() >= 80);
    }

    @Test
    void loopIterationsAreRecordedWhenEnabled() throws Exception {
        Path file = Files.createTempDirectory("jasyncio-jfr").resolve("rec.jfr");
        try (Recording r = new Recording()) {
            r.enable("io.jasyncio.LoopIteration");
            r.start();
            Asyncio.run(() -> {
                for (int i = 0; i < 10; i++) Asyncio.sleep(0);
            });
            r.stop();
            r.dump(file);
        }
        long n = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("io.jasyncio.LoopIteration")).count();
        assertTrue(n >= 10, "iterations: " + n);
    }

    @jdk.jfr.Name("test.InTask")
    static final class InTask extends jdk.jfr.Event {}

    @Test
    void anEventATaskCommitsDoesNotCostTheLoopItsNextEvent() throws Exception {
        Path file = Files.createTempDirectory("jasyncio-jfr").resolve("rec.jfr");
        try (Recording r = new Recording()) {
            r.enable("io.jasyncio.TaskCreated");
            r.enable("io.jasyncio.TaskCompleted");
            r.enable("test.InTask");
            r.start();
            Asyncio.run(() -> {
                Asyncio.sleep(0);
                new InTask().commit(); // committed by the task's virtual thread, carried by the loop
                List<Task<Void>> children = new java.util.ArrayList<>();
                for (int i = 0; i < 5; i++) children.add(Asyncio.createTask(() -> Asyncio.sleep(0), "child-" + i));
                for (Task<Void> t : children) t.await();
            });
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        for (int i = 0; i < 5; i++) {
            assertTrue(has(events, "io.jasyncio.TaskCreated", "task", "child-" + i), names(events));
            assertTrue(has(events, "io.jasyncio.TaskCompleted", "task", "child-" + i), names(events));
        }
    }

    private static boolean has(List<RecordedEvent> events, String type, String field, String value) {
        return events.stream().anyMatch(e -> e.getEventType().getName().equals(type) && value.equals(e.getString(field)));
    }

    private static String names(List<RecordedEvent> events) {
        return events.stream().map(e -> e.getEventType().getName() + e.getFields().stream()
                .map(f -> f.getName() + "=" + e.getValue(f.getName())).toList()).toList().toString();
    }

    private static void spin(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) Thread.onSpinWait();
    }
}
