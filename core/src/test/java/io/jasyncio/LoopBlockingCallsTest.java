package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * How debug mode names a loop-blocking JDK call in a sampled stack: the top frames down to the
 * first one outside the JDK are searched, nothing below them. (LoopBlockingTest checks the real
 * calls; these stacks are made up so that every rule is seen on its own.)
 */
class LoopBlockingCallsTest {

    private static StackTraceElement frame(String className, String method) {
        return new StackTraceElement(className, method, null, -1);
    }

    private static final StackTraceElement APP = frame("com.example.App", "handle");

    @Test
    void aBlockingCallAtTheTopIsNamedWithItsFrameAndWhatToUseInstead() {
        String d = LoopBlockingCalls.describe(new StackTraceElement[] {
            frame("java.io.FileInputStream", "readBytes"), frame("java.io.FileInputStream", "read"), APP});
        assertEquals("file or pipe read (java.io.FileInputStream: files, FIFOs and a Process's stdout/stderr) at "
                + "java.io.FileInputStream.readBytes: it blocks the event loop's thread, not just this task; "
                + "use io.jasyncio.file for files and io.jasyncio.process for subprocess pipes", d);
    }

    @Test
    void eachKindIsRecognizedByItsClassPrefix() {
        assertTrue(describeTop("sun.nio.ch.FileDispatcherImpl").startsWith("file I/O (java.nio.channels.FileChannel"));
        assertTrue(describeTop("java.net.Inet4AddressImpl").startsWith("a DNS lookup"));
        assertTrue(describeTop("java.lang.ProcessImpl").startsWith("starting a process"));
        assertTrue(describeTop("sun.nio.fs.UnixNativeDispatcher").startsWith("a file-system call"));
    }

    private static String describeTop(String className) {
        return LoopBlockingCalls.describe(new StackTraceElement[] {frame(className, "call"), APP});
    }

    @Test
    void jdkFramesOfEveryPackageFamilyAboveTheCallAreLookedThrough() {
        for (String jdk : new String[] {"java.util.Foo", "javax.crypto.Foo", "sun.security.Foo", "jdk.internal.Foo", "com.sun.net.Foo"}) {
            String d = LoopBlockingCalls.describe(new StackTraceElement[] {
                frame(jdk, "wrapper"), frame("java.io.RandomAccessFile", "read0"), APP});
            assertNotNull(d, jdk);
            assertTrue(d.startsWith("file I/O (java.io.RandomAccessFile) at java.io.RandomAccessFile.read0"), d);
        }
    }

    @Test
    void aBlockingCallBelowTheCallersOwnCodeIsNotTheOneThatBlocks() {
        assertNull(LoopBlockingCalls.describe(new StackTraceElement[] {
            frame("com.example.Spin", "loop"), frame("java.io.FileInputStream", "read"), APP}));
        assertNull(LoopBlockingCalls.describe(new StackTraceElement[] {
            frame("java.lang.Thread", "sleep"), frame("java.util.concurrent.locks.LockSupport", "park"), APP}));
    }

    @Test
    void anAllJdkStackWithoutABlockingCallAndNoStackAtAllNameNothing() {
        assertNull(LoopBlockingCalls.describe(new StackTraceElement[] {frame("java.lang.Thread", "sleep")}));
        assertNull(LoopBlockingCalls.describe(new StackTraceElement[0]));
        assertNull(LoopBlockingCalls.describe(null));
    }
}
