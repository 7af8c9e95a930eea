package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rule 1 of docs/adr/0001-checked-exceptions.md for the low-level API: Net and Sockets throw the
 * exception java.nio would throw, unwrapped, catchable by its own type inside any task.
 */
@Timeout(30)
class NetExceptionsTest {

    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void sockConnectToAClosedPortThrowsConnectExceptionUnwrapped() throws Exception {
        int port = closedPort();
        Asyncio.run(() -> {
            try (SocketChannel ch = SocketChannel.open()) {
                ch.configureBlocking(false);
                assertThrows(ConnectException.class, () -> Sockets.sockConnect(ch, new InetSocketAddress("127.0.0.1", port)));
            }
        });
    }

    @Test
    void createServerBindExceptionIsCaughtByItsTypeInAnotherTask() {
        String result = Asyncio.run(() -> {
            try (Server first = Net.createServer(Recorder::new, "127.0.0.1", 0)) {
                Task<String> t = Asyncio.createTask(() -> {
                    try (Server second = Net.createServer(Recorder::new, "127.0.0.1", first.port())) {
                        return "bound twice: " + second;
                    } catch (BindException e) {
                        return "BindException";
                    }
                });
                return t.await();
            }
        });
        assertEquals("BindException", result);
    }

    @Test
    void createConnectionRefusedIsAConnectExceptionWithHappyEyeballsToo() throws Exception {
        int port = closedPort();
        Asyncio.run(() -> {
            ConnectException e = assertThrows(ConnectException.class, () -> Net.createConnection(Recorder::new, "127.0.0.1", port,
                    ConnectOptions.defaults().withHappyEyeballs()));
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty(), String.valueOf(e));
        });
    }
}
