package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Net.createServer(factory, sock, options)} owns {@code sock} "from this call on": when
 * serving on it fails, the socket is closed with the failure rather than left open and listening
 * with nobody to close it (only a closed or unbound socket is left as it was, see its javadoc).
 */
@Timeout(20)
class AdoptedServerSocketFailureTest {

    @Test
    void aListeningSocketTheApplicationWatchesIsRefusedAndClosed() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            ServerSocketChannel sock = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0), 50);
            sock.configureBlocking(false);
            loop.addReader(sock, () -> { });
            // Serving registers the socket with the selector, which would take over the
            // application's registration: refused (IoLoop.refuseWatched).
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Net.createServer(Recorder::echo, sock, ServerOptions.defaults()));
            assertTrue(e.getMessage().contains("addReader"), e.getMessage());
            assertFalse(sock.isOpen(), "the adopted socket is closed when serving on it fails");
            loop.removeReader(sock);
        });
    }
}
