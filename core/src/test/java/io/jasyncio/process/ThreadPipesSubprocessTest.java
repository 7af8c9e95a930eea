package io.jasyncio.process;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.internal.PipeAccess;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every {@link SubprocessTest} again with the fallback used where selectable pipes are not
 * available: the JDK's blocking process streams, each served by a thread.
 */
class ThreadPipesSubprocessTest extends SubprocessTest {
    @Override
    boolean threadPipes() {
        return true;
    }

    @Test
    void theFallbackReallyUsesThreadsAndTheyEndWithThePipes() throws Exception {
        Thread[] threads = new Thread[3];
        Asyncio.run(() -> {
            Subprocess p = Subprocesses.createSubprocessExec(SubprocessOptions.pipes(), "cat");
            for (int fd = 0; fd < 3; fd++) threads[fd] = PipeAccess.get().thread(p.transport().getPipeTransport(fd));
            for (Thread t : threads) assertNotNull(t, "a thread serves each pipe");
            assertEquals(0, p.communicate(new byte[1000]).stderr().length);
        });
        for (Thread t : threads) {
            t.join(10_000);
            assertFalse(t.isAlive(), t + " ended with its pipe");
        }
    }

    @Test
    void closingTheLoopKillsTheChildAndEndsThePipeThreads() throws Exception {
        long[] pid = new long[1];
        Asyncio.run(() -> {
            pid[0] = Subprocesses.createSubprocessExec(SubprocessOptions.pipes(), "sleep", "60").pid();
        });
        assertTrue(ProcessHandle.of(pid[0]).map(h -> !h.isAlive()).orElse(true));
        assertEquals(List.of(), Leftovers.pipeThreads().stream().filter(Thread::isAlive).toList());
    }
}
