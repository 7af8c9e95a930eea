package io.jasyncio;

import java.security.CodeSource;
import java.util.Objects;

/**
 * Debug-mode bookkeeping for tasks: where each was created (asyncio's {@code source_traceback}),
 * and how stacks are printed in reports (unretrieved exceptions, "Task was destroyed but it is
 * pending", slow steps, {@link TaskDump}).
 *
 * <p>The creation stack is taken with a {@link StackWalker} when the task is created in a loop in
 * debug mode — a few microseconds, which is why it is off otherwise — and starts at the first frame
 * outside jasyncio, so a task created through {@code Asyncio.gather} or a {@code TaskGroup} points
 * at the user code that called them.
 */
final class TaskDebug {
    private static final int MAX_CREATION_FRAMES = 32;
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final Module LIBRARY_MODULE = EventLoop.class.getModule();
    private static final CodeSource LIBRARY_SOURCE = EventLoop.class.getProtectionDomain().getCodeSource();

    private TaskDebug() {}

    /** The caller's stack, from the first frame outside jasyncio. */
    static StackTraceElement[] creationStack() {
        return WALKER.walk(frames -> frames
                .dropWhile(f -> isLibrary(f.getDeclaringClass()))
                .limit(MAX_CREATION_FRAMES)
                .map(StackWalker.StackFrame::toStackTraceElement)
                .toArray(StackTraceElement[]::new));
    }

    /** Whether {@code c} is part of jasyncio itself (not a user class, even in package io.jasyncio). */
    static boolean isLibrary(Class<?> c) {
        if (LIBRARY_MODULE.isNamed()) return c.getModule() == LIBRARY_MODULE;
        if (LIBRARY_SOURCE != null) {
            return c.getModule() == LIBRARY_MODULE && Objects.equals(c.getProtectionDomain().getCodeSource(), LIBRARY_SOURCE);
        }
        return c.getName().startsWith("io.jasyncio.");
    }

    /** " created at Foo.bar(Foo.java:12)" for a task whose creation was recorded, else "". */
    static String createdAtSuffix(Task<?> t) {
        StackTraceElement[] s = t.creationStack;
        return s == null || s.length == 0 ? "" : " created at " + s[0];
    }

    /** The task's description followed by its creation stack, when recorded: for reports. */
    static String describe(Task<?> t) {
        StackTraceElement[] s = t.creationStack;
        if (s == null) return t.toString();
        StringBuilder sb = new StringBuilder(t.toString()).append("\n  task created at (most recent call first):");
        appendStack(sb, "    ", s, s.length);
        return sb.toString();
    }

    /** Appends up to {@code max} frames, one "at" line each, with a count of those left out. */
    static void appendStack(StringBuilder sb, String indent, StackTraceElement[] stack, int max) {
        int n = Math.min(max, stack.length);
        for (int i = 0; i < n; i++) sb.append('\n').append(indent).append("at ").append(stack[i]);
        if (stack.length > n) sb.append('\n').append(indent).append("... ").append(stack.length - n).append(" more");
    }

    /**
     * The stack of a task's virtual thread without the frames that only say "parked" (VirtualThread,
     * LockSupport, Continuation) or "being dumped" on top, so that the first line is the JDK call
     * it blocks in (CountDownLatch.await, Thread.sleep...), or the jasyncio suspension point.
     */
    static StackTraceElement[] taskStack(Task<?> t) {
        Thread thread = t.threadIfMade();
        if (thread == null) return new StackTraceElement[0]; // not started (or done): no stack
        StackTraceElement[] s = thread.getStackTrace();
        int i = 0;
        while (i < s.length && isNoise(s[i])) i++;
        return i == 0 || i == s.length ? s : java.util.Arrays.copyOfRange(s, i, s.length);
    }

    private static boolean isNoise(StackTraceElement e) {
        String c = e.getClassName();
        return c.equals("java.lang.VirtualThread") || c.equals("java.util.concurrent.locks.LockSupport")
                || c.startsWith("java.lang.System$")
                || c.startsWith("jdk.internal.") || c.equals("java.lang.Thread") && e.getMethodName().equals("getStackTrace")
                || c.equals(TaskDebug.class.getName()) || c.equals(TaskDump.class.getName());
    }
}
