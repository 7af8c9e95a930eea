package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static io.jasyncio.net.UdpTest.loopback;
import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.LogCapture;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A UDP endpoint's write queue, as asyncio's {@code _SelectorDatagramTransport} keeps it
 * ({@code sendto}, {@code _sendto_ready}). A datagram is queued only when the socket would block,
 * which a send on Linux loopback never does; so a {@link Gate} stands in front of the transport's
 * one send call (its {@code sender} seam) and answers "would block" when told to, as asyncio's
 * tests do with a mock socket. Every datagram that does go out is sent by the real channel to a
 * real endpoint on 127.0.0.1, which records what arrives.
 */
@Timeout(20)
class UdpWriteQueueTest {

    /**
     * Stands in front of a transport's send: each call takes the next step of {@link #plan}
     * ('b': would block, 's': send), then, once the plan is used up, blocks while {@link #hold}
     * and sends otherwise. Records what went out, into {@code events}.
     */
    static final class Gate implements UdpTransport.Sender {
        private final UdpTransport.Sender real;
        private final List<String> events;
        private String plan = "";
        boolean hold;
        int blocked;

        Gate(UdpTransport t, List<String> events) {
            this.real = t.sender;
            this.events = events;
            t.sender = this;
        }

        Gate plan(String steps) {
            plan = steps;
            return this;
        }

        @Override
        public void send(ByteBuffer data, SocketAddress address) throws IOException {
            boolean block = plan.isEmpty() ? hold : plan.charAt(0) == 'b';
            if (!plan.isEmpty()) plan = plan.substring(1);
            if (block) {
                blocked++;
                return;
            }
            String text = StandardCharsets.US_ASCII.decode(data.duplicate()).toString();
            real.send(data, address);
            events.add("sent " + text);
        }
    }

    /** Records flow control and the loss, with the write buffer's size at each, into {@code events}. */
    static class Flow extends UdpTest.Datagrams {
        final List<String> events = new ArrayList<>();
        /** What the protocol does, besides recording, when a datagram arrives, an error comes, writing resumes. */
        Runnable onReceive = () -> {}, onError = () -> {}, onResume = () -> {};

        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress from) {
            super.datagramReceived(data, from);
            onReceive.run();
        }

        @Override
        public void errorReceived(IOException exc) {
            super.errorReceived(exc);
            onError.run();
        }

        @Override
        public void pauseWriting() {
            events.add("pause " + transport.getWriteBufferSize());
        }

        @Override
        public void resumeWriting() {
            events.add("resume " + transport.getWriteBufferSize());
            onResume.run();
        }

        @Override
        public void connectionLost(Throwable exc) {
            events.add("lost " + exc);
            super.connectionLost(exc);
        }
    }

    /**
     * Runs {@code body} as the main task of a new loop, then checks that nothing reached the
     * loop's exception handler (a readiness handle that throws is reported there, not failed).
     */
    static void run(io.jasyncio.AsyncRunnable body) {
        List<io.jasyncio.ErrorContext> reported = new ArrayList<>();
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((loop, ctx) -> reported.add(ctx));
            body.run();
        });
        assertEquals(List.of(), reported);
    }

    static DatagramEndpoint<UdpTest.Datagrams> receiver() throws IOException {
        return Net.createDatagramEndpoint(UdpTest.Datagrams::new, loopback(0), null);
    }

    static SocketAddress address(DatagramEndpoint<?> e) {
        return (SocketAddress) e.transport().getExtraInfo("sockname");
    }

    static DatagramEndpoint<Flow> sender() throws IOException {
        return Net.createDatagramEndpoint(Flow::new, loopback(0), null);
    }

    static UdpTransport udp(DatagramEndpoint<?> e) {
        return (UdpTransport) e.transport();
    }

    @Test
    void datagramsQueuedWhileTheSocketWouldBlockGoOutWholeAndInOrderOnWritability() {
        run(() -> {
            DatagramEndpoint<UdpTest.Datagrams> rx = receiver();
            DatagramEndpoint<UdpTest.Datagrams> rx2 = receiver();
            DatagramEndpoint<Flow> tx = sender();
            UdpTransport t = udp(tx);
            // sent at once; then blocked: the next send, and the first try when writable
            Gate gate = new Gate(t, tx.protocol().events).plan("sbb");
            t.sendto(ascii("at once"), address(rx));
            assertEquals(OP_READ, t.key.interestOps(), "a datagram the socket took is not queued");

            ByteBuffer first = ascii("first");
            t.sendto(first, address(rx));
            first.clear().put(ascii("XXXXX")); // the queue holds its own copy
            assertEquals(5, t.getWriteBufferSize());
            assertEquals(OP_READ | OP_WRITE, t.key.interestOps(), "writability is watched while a datagram waits");
            String big = "x".repeat(1000);
            t.sendto(ascii(big), address(rx2));
            t.sendto(ascii(""), address(rx)); // an empty datagram is a datagram, sent once
            t.sendto(ascii("last"), address(rx));
            assertEquals(5 + 1000 + 0 + 4, t.getWriteBufferSize(), "the queued bytes");
            assertEquals(1, gate.blocked, "a datagram behind a queue is not tried before it");

            rx.protocol().awaitEvents(4);
            rx2.protocol().awaitEvents(1);
            assertEquals(List.of("at once", "first", "", "last"), rx.protocol().received);
            assertEquals(List.of(big), rx2.protocol().received, "never split");
            assertEquals(List.of("sent at once", "sent first", "sent " + big, "sent ", "sent last"), tx.protocol().events);
            assertEquals(2, gate.blocked);
            assertEquals(0, t.getWriteBufferSize());
            assertEquals(OP_READ, t.key.interestOps(), "writability is no longer watched once the queue is empty");
            assertFalse(t.isClosing());
            assertFalse(tx.protocol().lost.done(), "flushing the queue does not close the endpoint");
            for (var e : List.of(rx, rx2, tx)) e.transport().close();
        });
    }

    @Test
    void writingPausesAboveTheHighWaterMarkAndResumesAtTheLowOnce() {
        run(() -> {
            DatagramEndpoint<UdpTest.Datagrams> rx = receiver();
            DatagramEndpoint<Flow> tx = sender();
            UdpTransport t = udp(tx);
            t.setWriteBufferLimits(90, 30);
            // blocked at once; then on each writable turn one datagram goes and the next would block
            new Gate(t, new ArrayList<>()).plan("b" + "sb".repeat(4));
            List<String> events = tx.protocol().events;
            for (int i = 1; i <= 5; i++) {
                t.sendto(ascii(("d" + i).repeat(15)), address(rx)); // 30 bytes each
                if (i == 3) assertEquals(List.of(), events, "90 bytes queued is not above the high-water mark of 90");
            }
            assertEquals(List.of("pause 120"), events, "paused once, when the queue passed the mark");
            rx.protocol().awaitEvents(5);
            assertEquals(List.of("pause 120", "resume 30"), events, "resumed once, when the queue drained to the low mark");
            assertEquals(5, rx.protocol().received.size());
            for (int i = 1; i <= 5; i++) assertEquals(("d" + i).repeat(15), rx.protocol().received.get(i - 1));
            rx.transport().close();
            t.close();
        });
    }

    @Test
    void closeWithADatagramQueuedWaitsForTheFlushThenLosesTheConnectionCleanly() {
        run(() -> {
            DatagramEndpoint<UdpTest.Datagrams> rx = receiver();
            DatagramEndpoint<Flow> tx = Net.createDatagramEndpoint(Flow::new, null,
                    (java.net.InetSocketAddress) address(rx)); // connected: the queue writes to the peer
            UdpTransport t = udp(tx);
            new Gate(t, tx.protocol().events).plan("bbb"); // still blocked on the first writable turns after close()
            t.sendto(ascii("bye"));
            t.close();
            assertTrue(t.isClosing());
            assertEquals(OP_WRITE, t.key.interestOps(), "closing: no more reading, still writing");
            assertThrows(IllegalStateException.class, () -> t.sendto(ascii("more")));
            assertNull(tx.protocol().lost.await());
            assertEquals(List.of("sent bye", "lost null"), tx.protocol().events, "the flush, then the loss");
            assertTrue(t.toString().startsWith("UdpTransport[closed"), t.toString());
            assertFalse(((DatagramChannel) t.getExtraInfo("socket")).isOpen());
            rx.protocol().awaitEvents(1);
            assertEquals(List.of("bye"), rx.protocol().received);
            rx.transport().close();
        });
    }

    @Test
    void abortDropsTheQueue() {
        run(() -> {
            DatagramEndpoint<UdpTest.Datagrams> rx = receiver();
            DatagramEndpoint<Flow> tx = sender();
            UdpTransport t = udp(tx);
            Gate gate = new Gate(t, tx.protocol().events);
            gate.hold = true;
            t.sendto(ascii("dropped 1"), address(rx));
            t.sendto(ascii("dropped 2"), address(rx));
            t.abort();
            gate.hold = false;
            assertEquals(0, t.getWriteBufferSize());
            assertEquals(0, t.key.interestOps(), "neither reading nor writing once aborted");
            assertNull(tx.protocol().lost.await());
            assertEquals(List.of("lost null"), tx.protocol().events, "nothing sent");
            try (DatagramChannel marker = DatagramChannel.open()) {
                marker.send(ascii("marker"), address(rx));
            }
            rx.protocol().awaitEvents(1);
            assertEquals(List.of("marker"), rx.protocol().received);
            rx.transport().close();
        });
    }

    @Test
    void anErrorOnAQueuedSendGoesToErrorReceivedAndTheRestStillGoOut() {
        run(() -> {
            DatagramEndpoint<UdpTest.Datagrams> rx = receiver();
            DatagramEndpoint<Flow> tx = sender();
            UdpTransport t = udp(tx);
            new Gate(t, tx.protocol().events).plan("bb");
            t.sendto(ascii("one"), address(rx));
            t.sendto(ascii("nowhere"), loopback(0)); // the JDK refuses port 0: a real SocketException
            t.sendto(ascii("two"), address(rx));
            assertEquals(13, t.getWriteBufferSize());
            rx.protocol().awaitEvents(2);
            assertEquals(List.of("one", "two"), rx.protocol().received);
            assertEquals(1, tx.protocol().errors.size());
            assertInstanceOf(SocketException.class, tx.protocol().errors.get(0));
            assertEquals(List.of("sent one", "sent two"), tx.protocol().events);
            assertEquals(0, t.getWriteBufferSize(), "the failed datagram left the queue too");
            assertEquals(OP_READ, t.key.interestOps());
            assertFalse(t.isClosing(), "an error of one datagram does not close the endpoint");
            rx.transport().close();
            t.close();
            assertNull(tx.protocol().lost.await());
        });
    }

    /**
     * asyncio's {@code _force_close} stops watching writability at once, so a protocol paused when
     * its endpoint is aborted is never resumed: not when the abort comes from a datagram received
     * in the same readiness event as the writability, nor from the error of a queued send.
     */
    @Test
    void aProtocolAbortedWhileWritingIsPausedIsNotResumedAfterwards() {
        for (String from : List.of("datagramReceived", "errorReceived")) {
            run(() -> {
                DatagramEndpoint<UdpTest.Datagrams> rx = receiver();
                DatagramEndpoint<Flow> tx = sender();
                UdpTransport t = udp(tx);
                t.setWriteBufferLimits(0, 0);
                Flow p = tx.protocol();
                if (from.equals("datagramReceived")) {
                    p.onReceive = t::abort;
                    Gate gate = new Gate(t, p.events);
                    gate.hold = true; // the queue waits, writability is watched
                    t.sendto(ascii("held"), address(rx));
                    try (DatagramChannel peer = DatagramChannel.open()) {
                        peer.send(ascii("abort now"), address(tx)); // readable and writable in one event
                    }
                } else {
                    p.onError = t::abort;
                    new Gate(t, p.events).plan("b");
                    t.sendto(ascii("nowhere"), loopback(0)); // fails when the queue is flushed
                    t.sendto(ascii("after"), address(rx));
                }
                String first = from.equals("datagramReceived") ? "held" : "nowhere";
                assertEquals(List.of("pause " + first.length()), p.events, "paused by the first queued datagram");
                assertNull(p.lost.await(), from);
                for (int i = 0; i < 3; i++) Asyncio.sleep(0);
                assertEquals(2, p.events.size(), from + ": " + p.events);
                assertEquals("lost null", p.events.get(1), from + ": nothing sent, no resume: " + p.events);
                rx.transport().close();
            });
        }
    }

    @Test
    void aProtocolThatClosesItsEndpointWhenResumedLosesTheConnectionOnce() {
        run(() -> {
            DatagramEndpoint<UdpTest.Datagrams> rx = receiver();
            DatagramEndpoint<Flow> tx = sender();
            UdpTransport t = udp(tx);
            t.setWriteBufferLimits(0, 0);
            Flow p = tx.protocol();
            p.onResume = t::close; // with the queue just emptied
            new Gate(t, p.events).plan("b");
            t.sendto(ascii("x"), address(rx));
            assertNull(p.lost.await());
            for (int i = 0; i < 3; i++) Asyncio.sleep(0);
            assertEquals(List.of("pause 1", "sent x", "resume 0", "lost null"), p.events);
            rx.transport().close();
        });
    }

    @Test
    void aSendAfterTheEndpointWasLostWithoutCloseIsDroppedWithAWarning() {
        LogCapture logs = LogCapture.start();
        try {
            Asyncio.run(() -> {
                Asyncio.getRunningLoop().setExceptionHandler((loop, ctx) -> {}); // the failure below is expected
                DatagramEndpoint<UdpTest.Datagrams> rx = receiver();
                DatagramEndpoint<Flow> tx = sender();
                UdpTransport t = udp(tx);
                IllegalStateException boom = new IllegalStateException("boom");
                tx.protocol().onReceive = () -> {
                    throw boom;
                };
                new Gate(t, tx.protocol().events);
                rx.transport().sendto(ascii("fail"), address(tx));
                assertSame(boom, tx.protocol().lost.await());
                t.sendto(ascii("too late"), address(rx));
                assertEquals(List.of("lost " + boom), tx.protocol().events, "nothing sent");
                assertEquals(1, logs.messages().stream()
                        .filter(m -> m.startsWith("socket.sendto() after the endpoint was lost: datagram dropped")).count(),
                        logs.messages().toString());
                rx.transport().close();
            });
        } finally {
            logs.stop();
        }
    }
}
