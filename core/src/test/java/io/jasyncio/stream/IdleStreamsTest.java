package io.jasyncio.stream;

import static io.jasyncio.stream.StreamTesting.port;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Idle server connections hold no read buffer, and waking them all at once loses nothing. */
@Timeout(60)
class IdleStreamsTest {
    private static final int CONNECTIONS = 500;

    @Test
    void idleConnectionsHoldNoReadBufferAndAllSendingAtOnceLosesNothing() {
        Asyncio.run(() -> {
            List<StreamReader> serverReaders = new ArrayList<>();
            int[] echoedOnce = {0};
            Server server = Streams.startServer((reader, writer) -> {
                serverReaders.add(reader);
                byte[] data;
                while ((data = reader.read(Streams.DEFAULT_LIMIT)).length > 0) {
                    writer.write(data);
                    writer.drain();
                    echoedOnce[0]++;
                }
                writer.close();
            }, "127.0.0.1", 0, ServerOptions.defaults().withBacklog(CONNECTIONS));
            List<StreamPair> clients = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                StreamPair c = Streams.openConnection("127.0.0.1", port(server));
                clients.add(c);
                // One exchange each first, so every server reader has had data and gone idle after it.
                c.writer().write(new byte[] {(byte) i});
                assertEquals((byte) i, c.reader().readExactly(1)[0]);
            }
            while (echoedOnce[0] < CONNECTIONS) Asyncio.sleep(Duration.ofMillis(5));
            assertEquals(CONNECTIONS, serverReaders.size());
            for (StreamReader r : serverReaders) assertEquals(0, r.capacity(), "an idle reader kept an array: " + r);

            // All at once: every client sends 4 KiB in one go, then reads its own echo back.
            List<Task<byte[]>> echoes = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                StreamPair c = clients.get(i);
                byte[] msg = new byte[4096];
                java.util.Arrays.fill(msg, (byte) i);
                c.writer().write(msg);
                echoes.add(Asyncio.createTask(() -> c.reader().readExactly(msg.length)));
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                byte[] expected = new byte[4096];
                java.util.Arrays.fill(expected, (byte) i);
                assertArrayEquals(expected, echoes.get(i).await(), "connection " + i);
            }
            while (echoedOnce[0] < 2 * CONNECTIONS) Asyncio.sleep(Duration.ofMillis(5));
            for (StreamReader r : serverReaders) assertEquals(0, r.capacity(), "a drained reader kept an array: " + r);
            for (StreamPair c : clients) c.writer().close();
            for (StreamPair c : clients) c.writer().waitClosed();
            server.close();
            server.waitClosed();
        });
    }
}
