package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import java.net.BindException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class UnixTest {

    @Test
    void unixSocketEchoHalfCloseAndCleanup(@TempDir Path dir) {
        Path path = dir.resolve("echo.sock");
        Asyncio.run(() -> {
            Server server = Net.createUnixServer(Recorder::echo, path);
            assertTrue(Files.exists(path));
            assertEquals(UnixDomainSocketAddress.of(path), server.sockets().get(0).getLocalAddress());
            Connection<Recorder> c = Net.createUnixConnection(Recorder::new, path);
            c.transport().write(ascii("over unix"));
            c.protocol().awaitReceived(9);
            assertEquals("over unix", c.protocol().text());
            assertEquals(UnixDomainSocketAddress.of(path), c.transport().getExtraInfo("peername"));
            c.transport().writeEof();
            c.protocol().eof.await(); // the echo protocol closes on EOF
            assertNull(c.protocol().lost.await());
            server.close();
            server.waitClosed();
            assertFalse(Files.exists(path), "closing the server removes its socket file");
        });
    }

    @Test
    void aSocketFileThatCannotBeRemovedAtCloseIsReportedAndTheServerStillCloses(@TempDir Path dir) {
        Path path = dir.resolve("gone.sock");
        io.jasyncio.LogCapture logs = io.jasyncio.LogCapture.start();
        try {
            Asyncio.run(() -> {
                Server server = Net.createUnixServer(Recorder::echo, path);
                // Something else took the name: a directory that is not empty cannot be deleted.
                Files.delete(path);
                Files.createDirectory(path);
                Files.writeString(path.resolve("keep"), "x");
                server.close();
                server.waitClosed();
                assertFalse(server.isServing());
            });
        } finally {
            logs.stop();
        }
        assertTrue(logs.messages().stream().anyMatch(m -> m.startsWith("could not remove the Unix socket file " + path)),
                logs.messages().toString());
        assertTrue(Files.exists(path.resolve("keep")), "only a socket file is ours to remove");
    }

    @Test
    void aStaleSocketFileIsReplacedButARegularFileIsNot(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("stale.sock");
        // Leave a socket file behind, as a crashed server would.
        try (var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(path));
        }
        assertTrue(Files.exists(path));
        Path regular = Files.writeString(dir.resolve("data.txt"), "keep me");
        Asyncio.run(() -> {
            Server server = Net.createUnixServer(Recorder::echo, path);
            Connection<Recorder> c = Net.createUnixConnection(Recorder::new, path);
            c.transport().write(ascii("ok"));
            c.protocol().awaitReceived(2);
            c.transport().close();
            server.close();
            assertThrows(BindException.class, () -> Net.createUnixServer(Recorder::echo, regular));
        });
        assertEquals("keep me", Files.readString(regular));
    }
}
