package io.jasyncio;

import java.util.Set;

/**
 * Debug mode's hint for a slow step caught inside file I/O: the JDK blocks the carrier thread,
 * not just the task, during file I/O, and the loop thread is every task's carrier, so such a call
 * stalls the whole loop; the fix is {@code io.jasyncio.file}. (Process pipes block the same way:
 * their hint belongs with the process API.)
 */
final class FileIoHint {
    /** JDK classes whose frames on top of a sampled stack mean "blocked in file I/O". */
    private static final Set<String> FILE_IO = Set.of(
            "sun.nio.ch.FileChannelImpl", "sun.nio.ch.FileDispatcherImpl", "sun.nio.ch.UnixFileDispatcherImpl",
            "java.io.FileInputStream", "java.io.FileOutputStream", "java.io.RandomAccessFile",
            "sun.nio.fs.UnixNativeDispatcher", "sun.nio.fs.UnixFileSystem", "sun.nio.fs.UnixFileSystemProvider",
            "sun.nio.fs.UnixCopyFile", "java.nio.file.Files");

    private FileIoHint() {}

    /**
     * A sentence naming the file I/O call among the JDK frames on top of {@code stack} (above the
     * first frame of other code), or null if the step was not inside one.
     */
    static String of(StackTraceElement[] stack) {
        for (StackTraceElement f : stack) {
            String c = f.getClassName();
            if (FILE_IO.contains(c)) {
                return "the step was blocked in file I/O (" + c + "." + f.getMethodName() + "): the JDK blocks the loop "
                        + "thread during file I/O, stalling every task; use io.jasyncio.file (AsyncFile, AsyncFiles) instead";
            }
            if (!(c.startsWith("java.") || c.startsWith("sun.") || c.startsWith("jdk."))) return null;
        }
        return null;
    }
}
