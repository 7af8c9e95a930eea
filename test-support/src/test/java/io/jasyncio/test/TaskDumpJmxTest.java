package io.jasyncio.test;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.TasksMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The task tree over JMX, and tasks in the JDK's own thread dump (what jcmd prints). */
class TaskDumpJmxTest {

    @AsyncTest
    void aHungTaskIsVisibleThroughTheTasksMBean() throws Exception {
        Task<Void> hung = Asyncio.createTask(TaskDumpJmxTest::waitForever, "hung-for-jmx");
        Asyncio.sleep(0);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(TasksMXBean.OBJECT_NAME);
        // The first loop registers the bean on a background thread: polled until it is there
        // (the class's @Timeout bounds it), not for a fixed number of tries.
        while (!server.isRegistered(name)) Asyncio.sleep(0.01);
        TasksMXBean bean = JMX.newMXBeanProxy(server, name, TasksMXBean.class);
        // Called from another thread, as a JMX client's request is: the dump is taken on the
        // loop, which is free because this task is suspended in toThread.
        String dump = Asyncio.toThread(bean::dumpTasks);
        assertTrue(dump.contains("── hung-for-jmx [suspended] awaiting Future[pending]"), dump);
        assertTrue(dump.contains("waitForever"), dump);
        String loopThread = Thread.currentThread().getName();
        List<String> loops = List.of(Asyncio.toThread(bean::getRunningLoops));
        assertTrue(!loops.isEmpty(), loops.toString());
        assertTrue(Asyncio.toThread(bean::getPendingTaskCount) >= 2, loopThread);
        hung.cancel();
    }

    @AsyncTest
    void tasksAppearInTheJdkThreadDumpBecauseTheyAreVirtualThreads(EventLoop loop) throws Exception {
        // HotSpotDiagnosticMXBean.dumpThreads is what `jcmd <pid> Thread.dump_to_file -format=json` runs.
        Path file = Files.createTempDirectory("jasyncio-dump").resolve("threads.json");
        Task<Void> t = Asyncio.createTask(TaskDumpJmxTest::waitForever, "needle-in-thread-dump");
        Asyncio.sleep(0);
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        t.cancel();
        String json = Files.readString(file);
        assertTrue(json.contains("\"name\": \"needle-in-thread-dump\""), json.length() > 4000 ? json.substring(0, 4000) : json);
        assertTrue(json.contains("waitForever"), "the task's stack is in the dump");
    }

    private static void waitForever() {
        Future<Void> never = Asyncio.getRunningLoop().createFuture();
        never.await();
    }
}
