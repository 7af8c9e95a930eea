package io.jasyncio.process;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.internal.PipeAccess;
import io.jasyncio.net.WriteTransport;
import io.jasyncio.process.SubprocessProtocolTest.Recording;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The low-level protocol over the fallback pipes (the JDK's process streams, each served by a
 * thread), where nothing above the transport closes a pipe for us.
 */
@Timeout(60)
class ThreadPipesProtocolTest {

    @BeforeEach
    void threadPipes() {
        ProcPipes.disabled = true;
    }

    @AfterEach
    void noChildOrPipeThreadIsLeft() throws Exception {
        ProcPipes.disabled = false;
        Leftovers.assertNone();
    }

    /**
     * A child that exits while its stdin pipe is open (and empty) ends that pipe, as asyncio's
     * write pipe ends when its reader goes away: pipeConnectionLost(0, null), then the transport
     * finishes, with nothing closed by the parent. A thread-served stdin hears of the exit from
     * its writer thread, which reports it to the loop.
     */
    @Test
    void aChildThatExitsEndsItsOpenStdinPipeAndTheTransportFinishes() {
        Asyncio.run(() -> {
            SubprocessConnection<Recording> c = Subprocesses.subprocessExec(Recording::new, List.of("true"),
                    SubprocessOptions.defaults().stdin(Stdio.PIPE));
            WriteTransport stdin = (WriteTransport) c.transport().getPipeTransport(0);
            assertNotNull(PipeAccess.get().thread(stdin), "a thread serves stdin");
            Asyncio.waitFor(c.protocol().done, Duration.ofSeconds(20));
            assertEquals(List.of("connectionMade", "processExited 0", "pipeConnectionLost(0, null)", "connectionLost(null)"),
                    c.protocol().events);
            assertTrue(stdin.isClosing());
            c.transport().close();
        });
    }
}
