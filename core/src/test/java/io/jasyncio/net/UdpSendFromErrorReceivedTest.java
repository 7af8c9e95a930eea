package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static io.jasyncio.net.UdpTest.loopback;
import static io.jasyncio.net.UdpWriteQueueTest.address;
import static io.jasyncio.net.UdpWriteQueueTest.receiver;
import static io.jasyncio.net.UdpWriteQueueTest.sender;
import static io.jasyncio.net.UdpWriteQueueTest.udp;
import static org.junit.jupiter.api.Assertions.*;

import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When the last queued datagram fails, the queue is empty as the protocol hears the error; a
 * datagram sent from {@code errorReceived} then goes out at once, as in asyncio (its
 * {@code sendto} tests the deque for emptiness, {@code _sendto_ready} calls
 * {@code error_received} right after popping the failed datagram). It is not queued behind an
 * empty queue to wait for the next writability event. {@link UdpWriteQueueTest.Gate} makes the
 * first send "would block", so that the failing datagram is queued at all.
 */
@Timeout(20)
class UdpSendFromErrorReceivedTest {

    @Test
    void aDatagramSentFromErrorReceivedOfTheLastQueuedOneGoesOutAtOnce() {
        UdpWriteQueueTest.run(() -> {
            DatagramEndpoint<UdpTest.Datagrams> rx = receiver();
            DatagramEndpoint<UdpWriteQueueTest.Flow> tx = sender();
            UdpTransport t = udp(tx);
            UdpWriteQueueTest.Flow p = tx.protocol();
            List<Long> sizesAfterSend = new ArrayList<>();
            p.onError = () -> {
                t.sendto(ascii("after"), address(rx));
                sizesAfterSend.add(t.getWriteBufferSize());
            };
            new UdpWriteQueueTest.Gate(t, p.events).plan("b");
            t.sendto(ascii("nowhere"), loopback(0)); // queued; fails when flushed (the JDK refuses port 0)
            assertEquals(7L, t.getWriteBufferSize());
            rx.protocol().awaitEvents(1);
            assertEquals(1, p.errors.size());
            assertInstanceOf(SocketException.class, p.errors.get(0));
            assertEquals(List.of(0L), sizesAfterSend, "sent inside errorReceived, nothing left queued");
            assertEquals(List.of("sent after"), p.events);
            assertEquals(List.of("after"), rx.protocol().received);
            assertEquals(0L, t.getWriteBufferSize());
            rx.transport().close();
            t.close();
            assertNull(p.lost.await());
        });
    }
}
