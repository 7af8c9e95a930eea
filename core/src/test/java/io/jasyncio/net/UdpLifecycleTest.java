package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static io.jasyncio.net.UdpTest.loopback;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.ErrorContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A UDP endpoint's life: closing (once, whatever is called after), its socket released, a
 * protocol callback that throws, sends after the loss, and the endpoint's arguments.
 */
@Timeout(20)
class UdpLifecycleTest {

    /** Counts connectionLost calls on top of what {@link UdpTest.Datagrams} records. */
    static class Counting extends UdpTest.Datagrams {
        int lostCalls;

        @Override
        public void connectionLost(Throwable exc) {
            lostCalls++;
            if (!lost.done()) super.connectionLost(exc);
        }
    }

    @Test
    void closeTwiceOrCloseThenAbortLosesTheConnectionOnceAndClosesTheSocket() {
        Asyncio.run(() -> {
            for (boolean thenAbort : new boolean[] {false, true}) {
                DatagramEndpoint<Counting> e = Net.createDatagramEndpoint(Counting::new, loopback(0), null);
                DatagramTransport t = e.transport();
                DatagramChannel ch = (DatagramChannel) t.getExtraInfo("socket");
                t.close();
                if (thenAbort) t.abort();
                else t.close();
                assertTrue(t.isClosing());
                assertNull(e.protocol().lost.await());
                for (int i = 0; i < 3; i++) Asyncio.sleep(0);
                assertEquals(1, e.protocol().lostCalls);
                assertFalse(ch.isOpen(), "the socket is closed once the protocol heard of the loss");
            }
        });
    }

    @Test
    void aDatagramTheSocketTakesAtOnceIsNotQueued() {
        Asyncio.run(() -> {
            DatagramEndpoint<UdpTest.Datagrams> server = Net.createDatagramEndpoint(UdpTest.Datagrams::new, loopback(0), null);
            SocketAddress to = (SocketAddress) server.transport().getExtraInfo("sockname");
            DatagramEndpoint<UdpTest.Datagrams> client = Net.createDatagramEndpoint(UdpTest.Datagrams::new, loopback(0), null);
            client.transport().sendto(ascii("now"), to);
            assertEquals(0, client.transport().getWriteBufferSize());
            server.protocol().awaitEvents(1);
            assertEquals(List.of("now"), server.protocol().received);
            String s = client.transport().toString();
            assertTrue(s.startsWith("UdpTransport[open /127.0.0.1:"), s);
            assertFalse(s.contains("->"), "not connected: " + s);
            DatagramEndpoint<UdpTest.Datagrams> connected = Net.createDatagramEndpoint(UdpTest.Datagrams::new, null,
                    (InetSocketAddress) to);
            assertTrue(connected.transport().toString().endsWith(" -> " + to + "]"), connected.transport().toString());
            for (var e : List.of(server, client, connected)) e.transport().close();
            assertTrue(client.transport().toString().startsWith("UdpTransport[closed"), client.transport().toString());
        });
    }

    /** An endpoint whose protocol throws from {@code which} callback, with the handler's reports. */
    private static void throwingCallbackIsReportedAndClosesTheEndpoint(String which, Supplier<String> expectedMessagePart) {
        Asyncio.run(() -> {
            List<ErrorContext> errors = new ArrayList<>();
            Asyncio.getRunningLoop().setExceptionHandler((loop, ctx) -> errors.add(ctx));
            RuntimeException boom = new IllegalStateException("boom in " + which);
            boolean reading = which.equals("datagramReceived");
            InetSocketAddress nobody = loopback(unusedPort());
            DatagramEndpoint<UdpTest.Datagrams> e = Net.createDatagramEndpoint(() -> new UdpTest.Datagrams() {
                @Override
                public void connectionMade(DatagramTransport t) {
                    super.connectionMade(t);
                    if (which.equals("connectionMade")) throw boom;
                }

                @Override
                public void datagramReceived(ByteBuffer data, SocketAddress from) {
                    if (which.equals("datagramReceived")) throw boom;
                }

                @Override
                public void errorReceived(IOException exc) {
                    if (which.equals("errorReceived")) throw boom;
                }
            }, reading ? loopback(0) : null, reading ? null : nobody); // a connected endpoint hears only its peer
            if (!which.equals("connectionMade")) {
                // to the endpoint itself when reading; to a port nobody listens on for an error
                if (reading) {
                    DatagramChannel peer = DatagramChannel.open().bind(loopback(0));
                    peer.send(ascii("x"), (SocketAddress) e.transport().getExtraInfo("sockname"));
                    peer.close();
                } else {
                    e.transport().sendto(ascii("anyone?"));
                }
            }
            assertSame(boom, e.protocol().lost.await(), "the endpoint closed with the failure");
            assertEquals(1, errors.size());
            assertSame(boom, errors.get(0).exception());
            assertTrue(errors.get(0).message().contains(expectedMessagePart.get()), errors.get(0).message());
            assertSame(e.transport(), errors.get(0).transport());
            // lost without close(): a send now is dropped quietly, not an error
            e.transport().sendto(ascii("after the loss"), reading ? nobody : null);
            for (int i = 0; i < 3; i++) Asyncio.sleep(0);
            assertEquals(1, errors.size());
        });
    }

    private static int unusedPort() throws IOException {
        try (DatagramChannel ch = DatagramChannel.open().bind(loopback(0))) {
            return ((InetSocketAddress) ch.getLocalAddress()).getPort();
        }
    }

    @Test
    void aThrowingConnectionMadeIsReportedAndClosesTheEndpoint() {
        throwingCallbackIsReportedAndClosesTheEndpoint("connectionMade", () -> "connectionMade");
    }

    @Test
    void aThrowingDatagramReceivedIsReportedAndClosesTheEndpoint() {
        throwingCallbackIsReportedAndClosesTheEndpoint("datagramReceived", () -> "datagramReceived");
    }

    @Test
    void aThrowingErrorReceivedIsReportedAndClosesTheEndpoint() {
        throwingCallbackIsReportedAndClosesTheEndpoint("errorReceived", () -> "errorReceived");
    }

    @Test
    void aVirtualMachineErrorFromAnyCallbackLeavesTheLoopInsteadOfBeingReported() throws Exception {
        for (String which : List.of("connectionMade", "datagramReceived", "errorReceived")) {
            StackOverflowError fatal = new StackOverflowError(which + " overflowed");
            boolean reading = which.equals("datagramReceived");
            InetSocketAddress nobody = loopback(unusedPort());
            List<ErrorContext> errors = new ArrayList<>();
            List<DatagramChannel> opened = new ArrayList<>();
            try {
                StackOverflowError thrown = assertThrows(StackOverflowError.class, () -> Asyncio.run(() -> {
                    Asyncio.getRunningLoop().setExceptionHandler((loop, ctx) -> errors.add(ctx));
                    DatagramEndpoint<UdpTest.Datagrams> e = Net.createDatagramEndpoint(() -> new UdpTest.Datagrams() {
                        @Override
                        public void connectionMade(DatagramTransport t) {
                            super.connectionMade(t);
                            opened.add((DatagramChannel) t.getExtraInfo("socket"));
                            if (which.equals("connectionMade")) throw fatal;
                        }

                        @Override
                        public void datagramReceived(ByteBuffer data, SocketAddress from) {
                            throw fatal;
                        }

                        @Override
                        public void errorReceived(IOException exc) {
                            throw fatal;
                        }
                    }, reading ? loopback(0) : null, reading ? null : nobody);
                    if (reading) {
                        try (DatagramChannel peer = DatagramChannel.open().bind(loopback(0))) {
                            peer.send(ascii("x"), (SocketAddress) e.transport().getExtraInfo("sockname"));
                        }
                    } else {
                        e.transport().sendto(ascii("anyone?")); // the port is unreachable: errorReceived
                    }
                    // Reported instead, the error would close the endpoint, and this would return.
                    e.protocol().lost.await();
                }));
                assertSame(fatal, thrown, which);
                assertEquals(List.of(), errors, "a VirtualMachineError is not an error to report and go on from: " + which);
            } finally {
                for (DatagramChannel ch : opened) ch.close();
            }
        }
    }

    /**
     * Linux reports a connected socket's ICMP error on its next call: a send right after one
     * to a closed port fails at once, and the protocol hears it; the endpoint lives on.
     */
    @Test
    void aSendThatFailsAtOnceIsReportedToErrorReceived() {
        Asyncio.run(() -> {
            InetSocketAddress nobody = loopback(unusedPort());
            DatagramEndpoint<UdpTest.Datagrams> e = Net.createDatagramEndpoint(UdpTest.Datagrams::new, null, nobody);
            // One callback: the loop does not read the error between the two sends.
            io.jasyncio.Future<Void> sent = Asyncio.getRunningLoop().createFuture();
            Asyncio.getRunningLoop().callSoon(() -> {
                e.transport().sendto(ascii("first"));
                e.transport().sendto(ascii("second"));
                sent.setResult(null);
            });
            sent.await();
            assertEquals(1, e.protocol().errors.size(), "the second send's failure");
            assertInstanceOf(java.net.PortUnreachableException.class, e.protocol().errors.get(0));
            assertFalse(e.transport().isClosing());
            e.transport().close();
            assertNull(e.protocol().lost.await());
        });
    }

    /** As for a TCP connection: connectionMade was scheduled with the transport, so connectionLost follows. */
    @Test
    void anEndpointCancelledBeforeItsProtocolIsConnectedStillEndsWithConnectionLost() {
        Asyncio.run(() -> {
            List<UdpTest.Datagrams> made = new ArrayList<>();
            io.jasyncio.Task<DatagramEndpoint<UdpTest.Datagrams>> creating = Asyncio.createTask(() ->
                    Net.createDatagramEndpoint(() -> {
                        Asyncio.currentTask().cancel(); // cancelled while the endpoint is being made
                        UdpTest.Datagrams d = new UdpTest.Datagrams();
                        made.add(d);
                        return d;
                    }, loopback(0), null));
            assertThrows(io.jasyncio.CancelledError.class, creating::await);
            UdpTest.Datagrams protocol = made.get(0);
            for (int i = 0; i < 3 && !protocol.lost.done(); i++) Asyncio.sleep(0);
            assertNotNull(protocol.transport, "connectionMade ran");
            assertTrue(protocol.lost.done(), "connectionLost follows connectionMade");
            assertNull(protocol.lost.result());
            assertFalse(((DatagramChannel) protocol.transport.getExtraInfo("socket")).isOpen());
        });
    }

    @Test
    void anAddressAlreadyResolvedIsUsedAsItIsWithoutALookup() {
        Asyncio.run(() -> {
            // resolved, under a name that would not resolve: looking it up again would fail
            InetSocketAddress named = new InetSocketAddress(
                    java.net.InetAddress.getByAddress("no-such-host.invalid", new byte[] {127, 0, 0, 1}), 0);
            DatagramEndpoint<UdpTest.Datagrams> e = Net.createDatagramEndpoint(UdpTest.Datagrams::new, named, null);
            assertEquals(java.net.InetAddress.ofLiteral("127.0.0.1"),
                    ((InetSocketAddress) e.transport().getExtraInfo("sockname")).getAddress());
            e.transport().close();
            e.protocol().lost.await();
        });
    }

    @Test
    void endpointArgumentsAreCheckedAndUnresolvedAddressesResolved() {
        Asyncio.run(() -> {
            assertThrows(IllegalArgumentException.class, () -> Net.createDatagramEndpoint(UdpTest.Datagrams::new, null, null));
            DatagramEndpoint<UdpTest.Datagrams> server = Net.createDatagramEndpoint(UdpTest.Datagrams::new,
                    InetSocketAddress.createUnresolved("127.0.0.1", 0), null, DatagramOptions.defaults().withReuseAddress(true));
            DatagramChannel ch = (DatagramChannel) server.transport().getExtraInfo("socket");
            assertTrue(ch.getOption(java.net.StandardSocketOptions.SO_REUSEADDR));
            int port = ((InetSocketAddress) server.transport().getExtraInfo("sockname")).getPort();
            DatagramEndpoint<UdpTest.Datagrams> client = Net.createDatagramEndpoint(UdpTest.Datagrams::new, null,
                    InetSocketAddress.createUnresolved("127.0.0.1", port));
            assertEquals(loopback(port), client.transport().getExtraInfo("peername"));
            client.transport().sendto(ascii("resolved"));
            server.protocol().awaitEvents(1);
            assertEquals(List.of("resolved"), server.protocol().received);
            server.transport().close();
            client.transport().close();
        });
    }

    /**
     * The application may close the socket itself (it is {@code getExtraInfo("socket")}); a
     * readiness event the select reported just before, whose handle runs after the close, is
     * then ignored, not reported as a failure.
     */
    @Test
    void aReadinessEventForASocketTheApplicationClosedMeanwhileIsIgnored() {
        List<ErrorContext> errors = new ArrayList<>();
        Asyncio.run(() -> {
            io.jasyncio.EventLoop loop = Asyncio.getRunningLoop();
            loop.setExceptionHandler((l, ctx) -> errors.add(ctx));
            DatagramEndpoint<UdpTest.Datagrams> e = Net.createDatagramEndpoint(UdpTest.Datagrams::new, loopback(0), null);
            DatagramChannel ch = (DatagramChannel) e.transport().getExtraInfo("socket");
            SocketAddress to = ch.getLocalAddress();
            loop.callSoon(() -> {
                try (DatagramChannel peer = DatagramChannel.open()) {
                    peer.send(ascii("x"), to); // delivered at once: readable at the next select
                } catch (IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
                loop.callSoon(() -> Net.closeQuietly(ch)); // runs in the next iteration, before the endpoint's handle
            });
            for (int i = 0; i < 3; i++) Asyncio.sleep(0);
            assertFalse(ch.isOpen());
            assertEquals(List.of(), e.protocol().received);
        });
        assertEquals(List.of(), errors);
    }
}
