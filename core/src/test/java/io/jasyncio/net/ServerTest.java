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
            // Loop turns, not a sleep: the waiter has run and suspended, whatever the load.
            for (int i = 0; i < 3; i++) Asyncio.sleep(0);
            assertFalse(waiting.done());
            c.transport().close();
            waiting.await();
            server.waitClosed(); // returns at once now
        });
    }

    @Test
    void closeClientsFlushesAndAbortClientsDrops() {
        // 16 MiB is more than the kernel buffers of a loopback pair hold, so while the client
        // reads nothing most of it waits in the server transport's own buffer.
        int big = 16 * 1024 * 1024;
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::new), "127.0.0.1", 0);
            List<Connection<Recorder>> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) clients.add(Net.createConnection(Recorder::pausedOnConnect, "127.0.0.1", port(server)));
            while (accepted.size() < 3) Asyncio.sleep(0.001);
            for (Recorder r : accepted) r.made.await();

            // closeClients: every connection ends, after its buffered bytes went out.
            for (Recorder r : accepted.subList(0, 2)) {
                r.transport.write(java.nio.ByteBuffer.wrap(new byte[big]));
                assertTrue(r.transport.getWriteBufferSize() > 0, "the client reads nothing: bytes must wait");
            }
            Recorder third = accepted.get(2);
            server.closeClients();
            for (Connection<Recorder> c : clients.subList(0, 2)) {
                c.transport().resumeReading();
                c.protocol().eof.await();
                assertEquals(big, c.protocol().received.size(), "closeClients flushed everything first");
            }
            // It closed the third connection too (every client of the server), which had nothing to send.
            clients.get(2).transport().resumeReading();
            clients.get(2).protocol().eof.await();
            assertTrue(third.transport.isClosing());

            // abortClients: the connection ends at once, its buffered bytes dropped.
            Connection<Recorder> d = Net.createConnection(Recorder::pausedOnConnect, "127.0.0.1", port(server));
            while (accepted.size() < 4) Asyncio.sleep(0.001);
            Recorder serverSide = accepted.get(3);
            serverSide.made.await();
            serverSide.transport.write(java.nio.ByteBuffer.wrap(new byte[big]));
            assertTrue(serverSide.transport.getWriteBufferSize() > 0);
            server.abortClients();
            assertEquals(0, serverSide.transport.getWriteBufferSize(), "abort drops the buffer at once");
            d.transport().resumeReading();
            d.protocol().lost.await();
            assertTrue(d.protocol().received.size() < big, "received " + d.protocol().received.size());
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void theServerTracksEveryConnectionUntilItsLossWhicheverOrderTheyEndIn() {
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::new), "127.0.0.1", 0);
            List<Connection<Recorder>> clients = new ArrayList<>();
            for (int i = 0; i < 5; i++) clients.add(Net.createConnection(Recorder::new, "127.0.0.1", port(server)));
            while (accepted.size() < 5) Asyncio.sleep(0.001);
            for (Recorder r : accepted) r.made.await();
            assertTrue(server.toString().endsWith(", 5 connections]"), server.toString());
            server.close();
            Task<Void> waiting = Asyncio.createTask(server::waitClosed);
            // The middle one, the first and the last end: two are left, and waitClosed waits for them.
            for (int i : new int[] {2, 0, 4}) {
                accepted.get(i).transport.close();
                accepted.get(i).lost.await();
            }
            for (int i = 0; i < 3; i++) Asyncio.sleep(0);
            assertFalse(waiting.done());
            assertTrue(server.toString().endsWith(", 2 connections]"), server.toString());
            // abortClients reaches exactly those two, linked across the ones that left.
            server.abortClients();
            assertTrue(accepted.get(1).transport.isClosing());
            assertTrue(accepted.get(3).transport.isClosing());
            waiting.await();
            assertTrue(server.toString().endsWith(", 0 connections]"), server.toString());
            for (Connection<Recorder> c : clients) c.protocol().lost.await();
        });
    }

    @Test
    void aConnectionThatLeavesTheServerTwiceLeavesItOnce() {
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::new), "127.0.0.1", 0);
            List<Connection<Recorder>> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) clients.add(Net.createConnection(Recorder::new, "127.0.0.1", port(server)));
            while (accepted.size() < 3) Asyncio.sleep(0.001);
            for (Recorder r : accepted) r.made.await();
            for (int i : new int[] {0, 1}) {
                StreamTransport t = (StreamTransport) accepted.get(i).transport;
                t.close();
                accepted.get(i).lost.await(); // detached here
                server.detach(t); // and again: nothing happens
                assertTrue(server.toString().endsWith(", " + (2 - i) + " connections]"), server.toString());
            }
            server.abortClients();
            assertTrue(accepted.get(2).transport.isClosing(), "the last one is still on the list");
            for (Connection<Recorder> c : clients) c.protocol().lost.await();
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
            Asyncio.sleep(0); // its first step starts serving
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
            Asyncio.sleep(0);
            assertTrue(second.isServing());
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
