package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.LogCapture;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pipe served by a thread of its own ({@link Pipes#connectReadPipe(java.util.function.Supplier,
 * java.io.InputStream)}) that the program never closed: the loop's close releases it, so its
 * thread ends, and says so ({@link IoLoop}'s close hook), as it does for channels left registered.
 */
@Timeout(20)
class ThreadPipeAtLoopCloseTest {

    @Test
    void aThreadServedPipeLeftOpenIsClosedWithAWarningNamingItWhenTheLoopCloses() throws Exception {
        Pipe pipe = Pipe.open();
        String[] described = new String[1];
        LogCapture logs = LogCapture.start();
        try {
            Asyncio.run(() -> {
                var in = Pipes.connectReadPipe(() -> new ReadPipeProtocol() { }, Channels.newInputStream(pipe.source()));
                described[0] = in.transport().toString();
                // never closed
            });
        } finally {
            logs.stop();
            pipe.sink().close();
        }
        assertFalse(pipe.source().isOpen(), "the loop's close closed the pipe's stream");
        List<String> warned = logs.messages().stream().filter(m -> m.contains("left open when the event loop closed")).toList();
        assertEquals(List.of("closing " + described[0] + " left open when the event loop closed"), warned);
    }
}
