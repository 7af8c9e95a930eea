package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static io.jasyncio.net.Recorder.port;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.ErrorContext;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class BadInputTest {

    @Test
    void unknownHostFailsWithUnknownHostException() {
        Asyncio.run(() -> {
            assertThrows(UnknownHostException.class, () -> Net.createConnection(Recorder::new, "no-such-host.invalid", 80));
            assertThrows(UnknownHostException.class, () -> Net.createServer(Recorder::new, "no-such-host.invalid", 0));
        });
    }

    @Test
    void portInUseFailsWithBindExceptionNamingTheAddress() {
        Asyncio.run(() -> {
            Server server = Net.createServer(Recorder::new, "127.0.0.1", 0);
            int port = port(server);
            BindException e = assertThrows(BindException.class, () -> Net.createServer(Recorder::new, "127.0.0.1", port));
            assertTrue(e.getMessage().contains(String.valueOf(port)), e.getMessage());
            server.close();
        });
    }

    @Test
    void invalidOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ServerOptions.defaults().withBacklog(-1));
        Asyncio.run(() -> {
            assertThrows(IllegalArgumentException.class, () -> Net.createServer(Recorder::new, "127.0.0.1", 70000));
            assertThrows(IllegalArgumentException.class, () -> Net.createConnection(Recorder::new, "127.0.0.1", -1));
            Server server = Net.createServer(Recorder::new, "127.0.0.1", 0);
            Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", port(server));
            Transport t = c.transport();
            assertEquals(new WriteBufferLimits(64 * 1024, 16 * 1024), t.getWriteBufferLimits(), "asyncio's defaults");
            assertThrows(IllegalArgumentException.class, () -> t.setWriteBufferLimits(-1, -1));
            assertThrows(IllegalArgumentException.class, () -> t.setWriteBufferLimits(10, -1));
            assertThrows(IllegalArgumentException.class, () -> t.setWriteBufferLimits(10, 20));
            assertThrows(IllegalArgumentException.class, () -> t.setWriteBufferLimits(-4));
            assertEquals(new WriteBufferLimits(64 * 1024, 16 * 1024), t.getWriteBufferLimits(), "refused limits change nothing");
            assertThrows(NullPointerException.class, () -> t.write((ByteBuffer) null));
            t.setWriteBufferLimits(1000);
            assertEquals(new WriteBufferLimits(1000, 250), t.getWriteBufferLimits());
            t.setWriteBufferLimits(0, 0); // legal: every buffered byte pauses the protocol
            assertEquals(new WriteBufferLimits(0, 0), t.getWriteBufferLimits());
            DatagramEndpoint<DatagramProtocol> udp = Net.createDatagramEndpoint(() -> new DatagramProtocol() { },
                    new java.net.InetSocketAddress("127.0.0.1", 0), null);
            udp.transport().setWriteBufferLimits(4096, 1024);
            assertEquals(new WriteBufferLimits(4096, 1024), udp.transport().getWriteBufferLimits());
            udp.transport().close();
            t.close();
            server.close();
        });
    }

    @Test
    void writingToAClosingTransportFailsLoudly() {
        Asyncio.run(() -> {
            Server server = Net.createServer(Recorder::new, "127.0.0.1", 0);
            Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", port(server));
            c.transport().abort();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.transport().write(ascii("x")));
            assertTrue(e.getMessage().contains("abort"), e.getMessage());
            c.transport().close(); // idempotent after abort
            c.transport().abort();
            assertNull(c.protocol().lost.await());
            server.close();
        });
    }

    @Test
    void aThrowingProtocolCallbackGoesToTheHandlerClosesItsConnectionAndTheServerKeepsServing() {
        Asyncio.run(() -> {
            List<ErrorContext> errors = new ArrayList<>();
            Asyncio.getRunningLoop().setExceptionHandler((loop, ctx) -> errors.add(ctx));
            Server server = Net.createServer(() -> new Recorder() {
                @Override
                public void dataReceived(ByteBuffer data) {
                    super.dataReceived(data);
                    if (text().contains("boom")) throw new IllegalStateException("boom");
                    transport.write(ascii("ok"));
                }
            }, "127.0.0.1", 0);
            int port = port(server);
            Connection<Recorder> bad = Net.createConnection(Recorder::new, "127.0.0.1", port);
            bad.transport().write(ascii("boom"));
            assertNull(bad.protocol().lost.await()); // the server closed it
            assertEquals(1, errors.size());
            assertTrue(errors.get(0).message().contains("dataReceived"), errors.get(0).message());
            assertEquals("boom", errors.get(0).exception().getMessage());

            Connection<Recorder> good = Net.createConnection(Recorder::new, "127.0.0.1", port);
            good.transport().write(ascii("hello"));
            good.protocol().awaitReceived(2);
            assertEquals("ok", good.protocol().text());
            good.transport().close();

            Server failingFactory = Net.createServer(() -> {
                throw new IllegalArgumentException("no protocol for you");
            }, "127.0.0.1", 0);
            Connection<Recorder> refused = Net.createConnection(Recorder::new, "127.0.0.1", port(failingFactory));
            refused.protocol().lost.await();
            assertEquals(2, errors.size());
            assertEquals("no protocol for you", errors.get(1).exception().getMessage());
            server.close();
            failingFactory.close();
        });
    }

    @Test
    void inDebugModeWritingFromAnotherThreadFailsLoudly() {
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setDebug(true);
            Server server = Net.createServer(Recorder::echo, "127.0.0.1", 0);
            Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", port(server));
            Throwable fromThread = Asyncio.toThread(() -> {
                try {
                    c.transport().write(ascii("wrong thread"));
                    return null;
                } catch (IllegalStateException e) {
                    return e;
                }
            });
            assertInstanceOf(IllegalStateException.class, fromThread);
            assertTrue(fromThread.getMessage().contains("Transport.write()"), fromThread.getMessage());
            DatagramEndpoint<DatagramProtocol> udp = Net.createDatagramEndpoint(() -> new DatagramProtocol() { },
                    new InetSocketAddress("127.0.0.1", 0), null);
            List<Runnable> wrongThreadCalls = List.of(
                    () -> c.transport().close(), () -> c.transport().abort(),
                    () -> udp.transport().sendto(ascii("x"), new InetSocketAddress("127.0.0.1", 9)),
                    () -> udp.transport().close(), () -> udp.transport().abort());
            for (Runnable call : wrongThreadCalls) {
                Throwable t = Asyncio.toThread(() -> {
                    try {
                        call.run();
                        return null;
                    } catch (IllegalStateException e) {
                        return e;
                    }
                });
                assertInstanceOf(IllegalStateException.class, t);
                assertTrue(t.getMessage().contains("thread"), t.getMessage());
            }
            assertFalse(c.transport().isClosing(), "a refused call changed nothing");
            assertFalse(udp.transport().isClosing());
            udp.transport().close();
            c.transport().write(ascii("right thread"));
            c.protocol().awaitReceived(12);
            assertEquals("right thread", c.protocol().text());
            c.transport().close();
            server.close();
        });
    }

    @Test
    void aThrowingConnectionMadeClosesTheConnection() {
        Asyncio.run(() -> {
            List<ErrorContext> errors = new ArrayList<>();
            Asyncio.getRunningLoop().setExceptionHandler((loop, ctx) -> errors.add(ctx));
            Server server = Net.createServer(() -> new Recorder() {
                @Override
                public void connectionMade(Transport t) {
                    throw new IllegalStateException("not today");
                }
            }, "127.0.0.1", 0);
            Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", port(server));
            c.protocol().lost.await();
            assertEquals(1, errors.size());
            assertTrue(errors.get(0).message().contains("connectionMade"));
            server.close();
        });
    }

    @Test
    void portsAreCheckedAgainstZeroTo65535BeforeAnyLookup() {
        Asyncio.run(() -> {
            assertEquals(65535, Net.getaddrinfo("127.0.0.1", 65535).get(0).getPort());
            assertEquals(0, Net.getaddrinfo("127.0.0.1", 0).get(0).getPort());
            for (int bad : new int[] {-1, 65536}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Net.getaddrinfo("no-such-host.invalid", bad), "not an UnknownHostException: no lookup");
                assertTrue(e.getMessage().contains("0..65535"), e.getMessage());
            }
        });
    }
}
