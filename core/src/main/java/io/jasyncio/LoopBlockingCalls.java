package io.jasyncio;

/**
 * Recognizes, in a stack sampled from a slow step, a JDK call that blocks the whole event loop
 * and not just the task, for debug mode's slow-step report (see {@link SlowStepMonitor}).
 *
 * <p>A task's blocking JDK call parks only the task when the JDK can unmount its virtual thread:
 * sleep, sockets, {@code java.util.concurrent} locks, monitors (JDK 24+), {@code Process.waitFor}.
 * File I/O, pipes and DNS lookups are native calls the JDK cannot unmount from; with the JDK's own
 * scheduler it compensates with an extra carrier ({@code jdk.internal.misc.Blocker}), but our loop
 * is the only carrier of its tasks, so the loop thread itself blocks. The README lists both kinds,
 * each checked by a test (LoopBlockingTest).
 */
final class LoopBlockingCalls {
    private LoopBlockingCalls() {}

    /** One kind of loop-blocking call: frames whose class name starts with a prefix. */
    private record Kind(String classPrefix, String what, String instead) {}

    private static final Kind[] KINDS = {
        new Kind("java.io.FileInputStream", "file or pipe read (java.io.FileInputStream: files, FIFOs and a Process's "
                + "stdout/stderr)", "use io.jasyncio.file for files and io.jasyncio.process for subprocess pipes"),
        new Kind("java.io.FileOutputStream", "file or pipe write (java.io.FileOutputStream: files, FIFOs and a "
                + "Process's stdin)", "use io.jasyncio.file for files and io.jasyncio.process for subprocess pipes"),
        new Kind("java.io.RandomAccessFile", "file I/O (java.io.RandomAccessFile)", "use io.jasyncio.file"),
        new Kind("sun.nio.ch.FileChannelImpl", "file I/O (java.nio.channels.FileChannel, also behind "
                + "java.nio.file.Files)", "use io.jasyncio.file"),
        new Kind("sun.nio.ch.FileDispatcherImpl", "file I/O (java.nio.channels.FileChannel, also behind "
                + "java.nio.file.Files)", "use io.jasyncio.file"),
        new Kind("sun.nio.fs.UnixNativeDispatcher", "a file-system call (java.nio.file.Files: open, stat, "
                + "list, delete...)", "use io.jasyncio.file"),
        new Kind("java.net.InetAddress", "a DNS lookup (java.net.InetAddress)",
                "use io.jasyncio.net.Net.getaddrinfo, or pass the host name to Streams.openConnection/Net.createConnection"),
        new Kind("java.net.Inet6AddressImpl", "a DNS lookup (java.net.InetAddress)",
                "use io.jasyncio.net.Net.getaddrinfo"),
        new Kind("java.net.Inet4AddressImpl", "a DNS lookup (java.net.InetAddress)",
                "use io.jasyncio.net.Net.getaddrinfo"),
        new Kind("java.lang.ProcessImpl", "starting a process (java.lang.ProcessBuilder.start)",
                "use io.jasyncio.process"),
    };

    /**
     * What the JDK call at the top of {@code stack} is and what to use instead, or null if the top
     * of the stack (the frames down to the first one outside the JDK) holds none of them.
     */
    static String describe(StackTraceElement[] stack) {
        if (stack == null) return null;
        for (StackTraceElement frame : stack) {
            String c = frame.getClassName();
            for (Kind k : KINDS) {
                if (c.startsWith(k.classPrefix)) {
                    return k.what + " at " + frame.getClassName() + "." + frame.getMethodName()
                            + ": it blocks the event loop's thread, not just this task; " + k.instead;
                }
            }
            // Below the JDK's frames is the caller's code: whatever blocks is above it.
            if (!isJdk(c)) return null;
        }
        return null;
    }

    private static boolean isJdk(String className) {
        return className.startsWith("java.") || className.startsWith("javax.") || className.startsWith("sun.")
                || className.startsWith("jdk.") || className.startsWith("com.sun.");
    }
}
