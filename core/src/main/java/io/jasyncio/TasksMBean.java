package io.jasyncio;

import java.util.List;

/**
 * The {@link TasksMXBean} implementation, registered once per process. Registration runs on a
 * background daemon thread so that the first loop does not wait for the platform MBean server to
 * start (tens of milliseconds of class loading).
 */
final class TasksMBean implements TasksMXBean {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    private static volatile boolean requested;

    private TasksMBean() {}

    /** Registers the bean in the background, once, unless {@code -Djasyncio.jmx=false}. */
    static void registerOnce() {
        if (requested) return;
        synchronized (TasksMBean.class) {
            if (requested) return;
            requested = true;
        }
        if ("false".equalsIgnoreCase(System.getProperty("jasyncio.jmx"))) return;
        Thread.ofPlatform().daemon().name("jasyncio-jmx-register").start(TasksMBean::register);
    }

    /**
     * Registers through reflection: the module does not read java.management (it requires only
     * java.base), and core reflection needs no readability. Without java.management in the
     * runtime image there is simply no bean.
     */
    private static void register() {
        try {
            Class<?> objectName = Class.forName("javax.management.ObjectName");
            Class<?> serverType = Class.forName("javax.management.MBeanServer");
            Object name = objectName.getConstructor(String.class).newInstance(OBJECT_NAME);
            Object server = Class.forName("java.lang.management.ManagementFactory").getMethod("getPlatformMBeanServer").invoke(null);
            if (!(Boolean) serverType.getMethod("isRegistered", objectName).invoke(server, name)) {
                serverType.getMethod("registerMBean", Object.class, objectName).invoke(server, new TasksMBean(), name);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // Another copy of the library registered it first, or no java.management: not fatal.
            LOG.log(System.Logger.Level.DEBUG, "cannot register the " + OBJECT_NAME + " MBean", e);
        }
    }

    @Override
    public String[] getRunningLoops() {
        return RunningLoops.all().stream().map(l -> l.owner.thread())
                .map(t -> t == null ? "not running" : t.getName()).toArray(String[]::new);
    }

    @Override
    public int getPendingTaskCount() {
        int n = 0;
        for (TaskDump d : TaskDump.allRunningLoops()) n += d.tasks().size();
        return n;
    }

    @Override
    public String dumpTasks() {
        List<TaskDump> dumps = TaskDump.allRunningLoops();
        if (dumps.isEmpty()) return "no event loop is running";
        StringBuilder sb = new StringBuilder();
        for (TaskDump d : dumps) {
            if (!sb.isEmpty()) sb.append("\n\n");
            sb.append(d);
        }
        return sb.toString();
    }
}
