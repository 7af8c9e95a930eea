package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static io.jasyncio.net.Recorder.port;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class ServerTest {

    @Test
    void closeStopsAcceptingAndWaitClosedWaitsForTheLastConnection() {
        Asyncio.run(() -> {
            Server server = Net.createServer(Recorder::echo, "127.0.0.1", 0);
            int port = port(server);
            assertTrue(server.isServing());
            assertEquals(1, server.sockets().size());
            Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", port);
            c.transport().write(ascii("hi"));
            c.protocol().awaitReceived(2);
            server.close();
            server.close(); // idempotent
            assertFalse(server.isServing());
            assertEquals(List.of(), server.sockets());
            assertThrows(ConnectException.class, () -> Net.createConnection(Recorder::new, "127.0.0.1", port));
            // The accepted connection lives on after close(): it still echoes.
            c.transport().write(ascii("!"));
            c.protocol().awaitReceived(3);
            Task<Void> waiting = Asyncio.createTask(server::waitClosed);
            Asyncio.sleep(0.02);
            assertFalse(waiting.done());
            c.transport().close();
            waiting.await();
            server.waitClosed(); // returns at once now
        });
    }

    @Test
    void closeClientsFlushesAndAbortClientsDrops() {
        Asyncio.run(() -> {
            Server server = Net.createServer(Recorder::echo, "127.0.0.1", 0);
            Connection<Recorder> a = Net.createConnection(Recorder::new, "127.0.0.1", port(server));
            Connection<Recorder> b = Net.createConnection(Recorder::new, "127.0.0.1", port(server));
            a.transport().write(ascii("a"));
            b.transport().write(ascii("b"));
            a.protocol().awaitReceived(1);
            b.protocol().awaitReceived(1);
            server.closeClients();
            a.protocol().eof.await();
            b.protocol().eof.await();
            Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", port(server));
            c.transport().write(ascii("c"));
            c.protocol().awaitReceived(1);
            server.abortClients();
            c.protocol().lost.await();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void startServingLaterAndServeForeverStopsOnCancelOrClose() {
        Asyncio.run(() -> {
            Server server = Net.createServer(Recorder::echo, "127.0.0.1", 0, ServerOptions.defaults().withStartServing(false));
            assertFalse(server.isServing());
            Task<Void> forever = Asyncio.createTask(server::serveForever);
            Asyncio.sleep(0.01);
            assertTrue(server.isServing());
            assertThrows(IllegalStateException.class, server::serveForever);
            Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", port(server));
            c.transport().write(ascii("x"));
            c.protocol().awaitReceived(1);
            c.transport().close();
            forever.cancel();
            assertThrows(CancelledError.class, forever::await);
            assertFalse(server.isServing());
            assertThrows(IllegalStateException.class, server::serveForever);

            Server second = Net.createServer(Recorder::echo, "127.0.0.1", 0);
            Task<Void> forever2 = Asyncio.createTask(second::serveForever);
            Asyncio.sleep(0.01);
            second.close();
            assertThrows(CancelledError.class, forever2::await);
        });
    }

    @Test
    void reusePortLetsTwoLoopsShareAPort() throws Exception {
        int loops = 2;
        CompletableFuture<Integer> firstPort = new CompletableFuture<>();
        CountDownLatch bound = new CountDownLatch(loops);
        CountDownLatch stop = new CountDownLatch(1);
        Set<String> servedBy = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < loops; i++) {
            String name = "loop-" + i;
            boolean first = i == 0;
            Thread t = Thread.ofPlatform().name(name).start(() -> {
                try {
                    Asyncio.run(() -> {
                        int port = first ? 0 : firstPort.get(5, TimeUnit.SECONDS);
                        ServerOptions opts = ServerOptions.defaults().withReusePort(true);
                        Server server = Net.createServer(() -> new Recorder() {
                            @Override
                            public void connectionMade(Transport tr) {
                                super.connectionMade(tr);
                                servedBy.add(name);
                                tr.write(ascii(name));
                                tr.close();
                            }
                        }, "127.0.0.1", port, opts);
                        assertTrue((Boolean) server.sockets().get(0).getOption(StandardSocketOptions.SO_REUSEPORT));
                        if (first) firstPort.complete(port(server));
                        bound.countDown();
                        while (stop.getCount() > 0) Asyncio.sleep(0.01);
                        server.close();
                        server.waitClosed();
                    });
                } catch (Throwable e) {
                    errors.add(e);
                    firstPort.completeExceptionally(e);
                    bound.countDown();
                }
            });
            threads.add(t);
        }
        assertTrue(bound.await(5, TimeUnit.SECONDS));
        int port = firstPort.get();
        // The kernel hashes each new connection to one of the listeners; enough tries reach both.
        Asyncio.run(() -> {
            for (int i = 0; i < 200 && servedBy.size() < loops; i++) {
                Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", port);
                c.protocol().lost.await();
            }
        });
        stop.countDown();
        for (Thread t : threads) t.join(5000);
        assertEquals(List.of(), errors);
        assertEquals(Set.of("loop-0", "loop-1"), servedBy);
    }

    @Test
    void boundToEveryInterfaceWhenHostIsNull() {
        Asyncio.run(() -> {
            Server server = Net.createServer(Recorder::echo, null, 0);
            InetSocketAddress local = (InetSocketAddress) server.sockets().get(0).getLocalAddress();
            assertTrue(local.getAddress().isAnyLocalAddress());
            Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", local.getPort());
            c.transport().write(ascii("any"));
            c.protocol().awaitReceived(3);
            c.transport().close();
            server.close();
        });
    }

    @Test
    void hostNamesAreResolvedOffTheLoop() {
        Asyncio.run(() -> {
            Server server = Net.createServer(Recorder::echo, "localhost", 0);
            Connection<Recorder> c = Net.createConnection(Recorder::new, "localhost", port(server));
            c.transport().write(ascii("name"));
            c.protocol().awaitReceived(4);
            c.transport().close();
            server.close();
            assertFalse(Net.getaddrinfo("localhost", 80).isEmpty());
            assertNotNull(Net.getnameinfo(java.net.InetAddress.getLoopbackAddress()));
        });
    }
}
