package io.jasyncio;

/**
 * The JMX view of jasyncio's tasks, registered as {@code io.jasyncio:type=Tasks} in the platform
 * MBean server when the first {@link EventLoop} is created (off with
 * {@code -Djasyncio.jmx=false}). It lets an operator print the task tree of a running process
 * without changing its code: connect JConsole, VisualVM or a JMX command-line client and invoke
 * {@link #dumpTasks()}. (For a quick look without JMX, {@code jcmd <pid> Thread.dump_to_file
 * -format=json out.json} lists every task too: tasks are virtual threads named after them.)
 *
 * <pre>{@code
 * MBeanServer server = ManagementFactory.getPlatformMBeanServer();
 * TasksMXBean tasks = JMX.newMXBeanProxy(server, new ObjectName(TasksMXBean.OBJECT_NAME), TasksMXBean.class);
 * System.out.println(tasks.dumpTasks());
 * }</pre>
 *
 * <p>Every method is safe from any thread (see {@link TaskDump#of} for how a busy loop is read).
 */
public interface TasksMXBean {
    /** The name under which the bean is registered. */
    String OBJECT_NAME = "io.jasyncio:type=Tasks";

    /** The names of the threads running an event loop now. */
    String[] getRunningLoops();

    /** How many tasks are pending in all running loops. */
    int getPendingTaskCount();

    /** The task tree ({@link TaskDump}) of every running loop. */
    String dumpTasks();
}
