package io.jasyncio.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;

/**
 * Process-wide cleanliness after a test: no child process of this JVM, no pipe thread of the
 * library. A thread that has posted its last event may still be returning, so each one found is
 * joined (bounded), not merely observed; children are awaited through their exit futures.
 */
final class Leftovers {
    private Leftovers() {
    }

    static void assertNone() throws Exception {
        for (ProcessHandle child : ProcessHandle.current().children().toList()) {
            // The JDK's own helpers (none expected) would be listed here too.
            child.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertEquals(List.of(), ProcessHandle.current().children().map(ProcessHandle::info).toList(),
                "child processes left behind");
        for (Thread t : pipeThreads()) {
            t.join(10_000);
            assertFalse(t.isAlive(), "pipe thread left running: " + t);
        }
    }

    static List<Thread> pipeThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("jasyncio-pipe-")).toList();
    }
}
