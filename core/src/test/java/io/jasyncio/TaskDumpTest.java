package io.jasyncio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TaskDumpTest {

    @Test
    void aHungTaskIsVisibleInTheDumpWithItsStack() {
        String dump = Asyncio.run(() -> {
            Task<Void> hung = Asyncio.createTask(TaskDumpTest::waitForever, "hung");
            Task<String> parent = Asyncio.createTask(() -> {
                hung.await();
                return "never";
            }, "parent");
            Asyncio.sleep(0);
            Asyncio.sleep(0);
            String d = Asyncio.dumpTasks();
            parent.cancel();
            hung.cancel();
            return d;
        });
        assertTrue(dump.contains("3 pending tasks"), dump);
        assertTrue(dump.matches("(?s).*── parent \\[suspended] awaiting task hung.*"), dump);
        assertTrue(dump.matches("(?s).*── hung \\[suspended] awaiting Future\\[pending].*waitForever.*"), dump);
        assertTrue(dump.matches("(?s).*── Task-\\d+ \\[running].*"), dump);
        // the tree: hung is printed under parent, one level deeper
        assertTrue(dump.indexOf("── parent") < dump.indexOf("── hung"), dump);
        int parentCol = column(dump, "── parent");
        int hungCol = column(dump, "── hung");
        assertEquals(parentCol + 4, hungCol, dump);
    }

    @Test
    void gatheredTasksAppearUnderTheTaskThatAwaitsTheGather() {
        TaskDump dump = Asyncio.run(() -> {
            Task<Void> a = Asyncio.createTask(TaskDumpTest::waitForever, "a");
            Task<Void> b = Asyncio.createTask(TaskDumpTest::waitForever, "b");
            Task<Object> waiter = Asyncio.createTask(() -> Asyncio.gather(a, b).await(), "waiter");
            Asyncio.sleep(0);
            Asyncio.sleep(0);
            TaskDump d = TaskDump.of(Asyncio.getRunningLoop());
            waiter.cancel();
            return d;
        });
        TaskDump.TaskInfo waiter = dump.tasks().stream().filter(t -> t.name().equals("waiter")).findFirst().orElseThrow();
        assertEquals("gather of 2", waiter.awaiting());
        assertEquals(2, waiter.children().size());
        assertEquals("a", dump.tasks().get(waiter.children().get(0)).name());
        assertEquals("b", dump.tasks().get(waiter.children().get(1)).name());
    }

    @Test
    void aTaskBlockedInAJdkCallIsShownAsBlocked() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        String dump = Asyncio.run(() -> {
            Task<Void> blocked = Asyncio.createTask(() -> {
                release.await();
            }, "in-latch");
            Asyncio.sleep(0);
            String d = Asyncio.dumpTasks();
            release.countDown();
            blocked.await();
            return d;
        });
        assertTrue(dump.matches("(?s).*── in-latch \\[blocked in a JDK call: WAITING].*CountDownLatch.await.*"), dump);
    }

    @Test
    void theDumpCanBeTakenFromAnotherThread() throws Exception {
        CompletableFuture<EventLoop> started = new CompletableFuture<>();
        CompletableFuture<Void> stop = new CompletableFuture<>();
        Thread runner = Thread.ofPlatform().name("dump-test-loop").start(() -> Asyncio.run(() -> {
            Asyncio.createTask(TaskDumpTest::waitForever, "visible-from-afar");
            started.complete(Asyncio.getRunningLoop());
            Asyncio.wrapFuture(stop).await();
        }));
        try {
            EventLoop loop = started.get(5, TimeUnit.SECONDS);
            String dump = TaskDump.of(loop).toString();
            assertTrue(dump.contains("event loop on thread 'dump-test-loop'"), dump);
            assertTrue(dump.contains("visible-from-afar [suspended]"), dump);
            assertTrue(TaskDump.allRunningLoops().stream().anyMatch(d -> d.loopName().equals("dump-test-loop")));
        } finally {
            stop.complete(null);
            runner.join(5000);
        }
    }

    @Test
    void aLoopThreadHoggedByACallbackIsDumpedWithoutItsCooperation() throws Exception {
        CompletableFuture<EventLoop> hogging = new CompletableFuture<>();
        CountDownLatch release = new CountDownLatch(1);
        Thread runner = Thread.ofPlatform().name("hogged-loop").start(() -> Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Task<Void> waiting = Asyncio.createTask(TaskDumpTest::waitForever, "waits-behind-the-hog");
            Asyncio.sleep(0);
            loop.callSoon(() -> {
                hogging.complete(loop);
                hogTheLoop(release);
            });
            Asyncio.sleep(0);
            waiting.cancel();
        }));
        long saved = TaskDump.cooperationWaitMillis;
        TaskDump.cooperationWaitMillis = 100;
        try {
            String dump = TaskDump.of(hogging.get(5, TimeUnit.SECONDS)).toString();
            assertTrue(dump.contains("did not respond within 100 ms"), dump);
            assertTrue(dump.contains("hogTheLoop"), dump); // the loop thread's stack shows the culprit
            assertTrue(dump.contains("waits-behind-the-hog [suspended]"), dump);
        } finally {
            TaskDump.cooperationWaitMillis = saved;
            release.countDown();
            runner.join(5000);
        }
    }

    private static void hogTheLoop(CountDownLatch release) {
        try {
            release.await(); // blocks the loop thread itself: nothing else can run
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // The JMX bean and the JDK thread dump (jcmd Thread.dump_to_file) are tested in the
    // test-support module (TaskDumpJmxTest): this module's tests compile inside io.jasyncio,
    // which reads only java.base.

    private static void waitForever() {
        Future<Void> never = Asyncio.getRunningLoop().createFuture();
        never.await();
    }

    private static int column(String text, String needle) {
        int i = text.indexOf(needle);
        return i - text.lastIndexOf('\n', i) - 1;
    }
}
