package io.jasyncio.net;

import static io.jasyncio.net.Recorder.port;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jasyncio.Asyncio;
import io.jasyncio.RunOptions;
import io.jasyncio.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Virtual time with real sockets on 127.0.0.1: timers pending elsewhere must not jump past I/O. */
@Timeout(20)
class VirtualTimeTcpTest {

    @Test
    void loopbackEchoesFinishBeforeAnyVirtualTimePasses() {
        double[] timeAfterEchoes = new double[1];
        List<String> echoes = Asyncio.run(() -> {
            Server server = Net.createServer(Recorder::echo, "127.0.0.1", 0, ServerOptions.defaults().withBacklog(1024));
            int port = port(server);
            // A timer an hour away: the loop is tempted to jump whenever it looks idle.
            Task<Void> sleeper = Asyncio.createTask(() -> Asyncio.sleep(Duration.ofHours(1)));
            List<Task<String>> clients = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String msg = "client-" + i;
                clients.add(Asyncio.createTask(() -> Asyncio.timeout(Duration.ofSeconds(5),
                        () -> Recorder.echoRoundTrip(port, msg))));
            }
            List<String> got = Asyncio.gather(clients).await();
            timeAfterEchoes[0] = Asyncio.getRunningLoop().time();
            sleeper.cancel();
            server.close();
            server.waitClosed();
            return got;
        }, RunOptions.defaults().virtualTime(true));
        for (int i = 0; i < 200; i++) assertEquals("client-" + i, echoes.get(i));
        assertEquals(0.0, timeAfterEchoes[0]);
    }
}
