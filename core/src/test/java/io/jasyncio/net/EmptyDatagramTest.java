package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An empty datagram is a datagram: {@code send} returns 0 for it, which for a non-empty one would
 * mean "the send buffer is full, wait". {@link Sockets#sockSendto} must return 0 at once (as
 * CPython's {@code sock_sendto} does) and the peer must receive one empty datagram.
 */
@Timeout(20)
class EmptyDatagramTest {

    @Test
    void sendtoOfAnEmptyDatagramReturnsZeroAtOnceAndThePeerReceivesIt() {
        Asyncio.run(() -> {
            DatagramChannel a = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            DatagramChannel b = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            a.configureBlocking(false);
            b.configureBlocking(false);
            SocketAddress to = b.getLocalAddress();
            // In a task under waitFor: a sendto that took 0 for "full" would wait and resend
            // forever (the socket stays writable), and fail here instead of hanging the test.
            int sent = Asyncio.waitFor(Asyncio.createTask(() -> Sockets.sockSendto(a, ByteBuffer.allocate(0), to)),
                    Duration.ofSeconds(10));
            assertEquals(0, sent);
            ByteBuffer buf = ByteBuffer.allocate(16);
            SocketAddress from = Asyncio.waitFor(Asyncio.createTask(() -> Sockets.sockRecvfrom(b, buf)),
                    Duration.ofSeconds(10));
            assertEquals(a.getLocalAddress(), from);
            assertEquals(0, buf.position(), "an empty datagram carries no bytes");
            // Exactly one datagram was sent: nothing else is waiting behind it.
            buf.clear();
            assertNull(b.receive(buf));
            a.close();
            b.close();
        });
    }
}
