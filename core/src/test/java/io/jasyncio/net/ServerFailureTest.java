package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static io.jasyncio.net.Recorder.port;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.ErrorContext;
import io.jasyncio.EventLoop;
import io.jasyncio.TimerHandle;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A protocol whose connectionLost throws, a protocol factory that dies of a VirtualMachineError, and the server's accept back-off when out of descriptors. */
@Timeout(30)
class ServerFailureTest {

    @Test
    void aThrowingConnectionLostGoesToTheHandlerAndTheLoopAndServerKeepWorking() {
        Asyncio.run(() -> {
            List<ErrorContext> errors = new ArrayList<>();
            Asyncio.getRunningLoop().setExceptionHandler((loop, ctx) -> errors.add(ctx));
            Server server = Net.createServer(() -> new Recorder() {
                @Override
                public void dataReceived(java.nio.ByteBuffer data) {
                    super.dataReceived(data);
                    transport.write(ascii("ok"));
                }

                @Override
                public void connectionLost(Throwable exc) {
                    super.connectionLost(exc);
                    throw new IllegalStateException("lost and thrown");
                }
            }, "127.0.0.1", 0);
            int port = port(server);
            Connection<Recorder> first = Net.createConnection(Recorder::new, "127.0.0.1", port);
            first.transport().write(ascii("a"));
            first.protocol().awaitReceived(2);
            first.transport().close(); // the server sees EOF, closes, and its connectionLost throws
            assertNull(first.protocol().lost.await());
            for (int i = 0; i < 1000 && errors.isEmpty(); i++) Asyncio.sleep(0.002);
            assertEquals(1, errors.size());
            assertTrue(errors.get(0).message().contains("connectionLost"), errors.get(0).message());
            assertEquals("lost and thrown", errors.get(0).exception().getMessage());

            // the loop and the server keep working, and the failed connection no longer counts
            Connection<Recorder> second = Net.createConnection(Recorder::new, "127.0.0.1", port);
            second.transport().write(ascii("b"));
            second.protocol().awaitReceived(2);
            assertEquals("ok", second.protocol().text());
            second.transport().close();
            second.protocol().lost.await();

            // client side too: a throwing connectionLost of a connection's protocol
            Connection<Recorder> third = Net.createConnection(() -> new Recorder() {
                @Override
                public void connectionLost(Throwable exc) {
                    super.connectionLost(exc);
                    throw new IllegalStateException("client lost and thrown");
                }
            }, "127.0.0.1", port);
            third.transport().abort();
            third.protocol().lost.await();
            for (int i = 0; i < 1000 && errors.size() < 4; i++) Asyncio.sleep(0.002);
            assertTrue(errors.stream().anyMatch(e -> "client lost and thrown".equals(e.exception().getMessage())), errors.toString());
            server.close();
            server.waitClosed(); // returns: every connection detached despite the throwing callbacks
        });
    }

    /**
     * Provokes EMFILE in accept() for real: a connection waits in the backlog of a server that does
     * not accept yet; the process's descriptors are then used up (by opening /dev/null) and the
     * server starts accepting. Needs a soft descriptor limit small enough to fill quickly.
     */
    @Test
    void acceptBacksOffWhenOutOfFileDescriptorsAndRetriesLater() throws Exception {
        long limit = softFdLimit();
        assumeTrue(limit > 0 && limit <= 100_000, "the soft descriptor limit is too large to exhaust quickly: " + limit);
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<ErrorContext> errors = new ArrayList<>();
            List<Double> errorTimes = new ArrayList<>();
            loop.setExceptionHandler((l, ctx) -> {
                errors.add(ctx);
                errorTimes.add(l.time());
            });
            loop.callExceptionHandler(ErrorContext.of("warm-up", new IOException("warm-up"))); // load what the handler needs
            errors.clear();
            errorTimes.clear();
            List<Recorder> accepted = new ArrayList<>();
            Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::echo), "127.0.0.1", 0,
                    ServerOptions.defaults().withStartServing(false));
            Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", port(server)); // queued in the backlog

            acceptWhileOutOfDescriptors(server, errors, limit);
            assertEquals(1, errors.size(), errors.toString());
            String message = errors.get(0).message();
            assertTrue(message.contains("accept") && message.contains("Too many open files"), message);
            assertTrue(accepted.isEmpty());

            // descriptors are free again: the server retries after its back-off and accepts
            while (accepted.isEmpty()) Asyncio.sleep(0.01);
            double waited = loop.time() - errorTimes.get(0);
            assertTrue(waited >= 0.9, "accepting resumed only after the back-off: " + waited);
            assertTrue(server.isServing());
            c.transport().write(ascii("after back-off"));
            c.protocol().awaitReceived(14);
            assertEquals("after back-off", c.protocol().text());
            assertEquals(1, errors.size());
            c.transport().close();
            c.protocol().lost.await();
            server.close();
            server.waitClosed();
        });
    }

    /**
     * Opens /dev/null until the process has no descriptor left, starts {@code server} (a
     * connection waits in its backlog) and waits for its accept to fail; then frees them.
     */
    private static void acceptWhileOutOfDescriptors(Server server, List<ErrorContext> errors, long limit) throws IOException {
        Asyncio.sleep(0.001); // loads what the waiting below needs while files can still be opened
        List<FileChannel> fillers = new ArrayList<>();
        try {
            Path devNull = Path.of("/dev/null");
            try {
                for (long i = 0; i <= limit; i++) fillers.add(FileChannel.open(devNull));
                fail("opened " + fillers.size() + " descriptors without running out");
            } catch (IOException expected) {
                // out of descriptors: accept() must fail now
            }
            server.startServing();
            for (int i = 0; i < 1000 && errors.isEmpty(); i++) Asyncio.sleep(0.002);
        } finally {
            for (FileChannel f : fillers) f.close();
        }
    }

    @Test
    void closingAServerThatBacksOffCancelsItsRetryTimer() throws Exception {
        long limit = softFdLimit();
        assumeTrue(limit > 0 && limit <= 100_000, "the soft descriptor limit is too large to exhaust quickly: " + limit);
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<ErrorContext> errors = new ArrayList<>();
            loop.setExceptionHandler((l, ctx) -> errors.add(ctx));
            loop.callExceptionHandler(ErrorContext.of("warm-up", new IOException("warm-up")));
            errors.clear();
            Server server = Net.createServer(Recorder::echo, "127.0.0.1", 0, ServerOptions.defaults().withStartServing(false));
            Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", port(server)); // queued in the backlog
            acceptWhileOutOfDescriptors(server, errors, limit);
            assertEquals(1, errors.size(), errors.toString());
            TimerHandle retry = server.acceptRetryTimer();
            assertNotNull(retry, "backing off");
            server.close();
            assertTrue(retry.cancelled(), "a closed server's retry is cancelled: the loop does not hold the server for the back-off");
            assertFalse(server.isServing());
            // the connection still queued goes with the listening socket
            assertNotNull(c.protocol().lost.await());
            server.waitClosed();
            assertEquals(1, errors.size());
        });
    }

    @Test
    void aVirtualMachineErrorFromTheProtocolFactoryLeavesTheLoopAndClosesTheAcceptedSocket() throws Exception {
        StackOverflowError fatal = new StackOverflowError("factory overflowed");
        List<ErrorContext> errors = new ArrayList<>();
        List<java.nio.channels.Channel> listeners = new ArrayList<>();
        java.nio.channels.SocketChannel client = java.nio.channels.SocketChannel.open();
        try {
            StackOverflowError thrown = assertThrows(StackOverflowError.class, () -> Asyncio.run(() -> {
                Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> errors.add(ctx));
                Server server = Net.createServer(() -> {
                    throw fatal;
                }, "127.0.0.1", 0);
                listeners.addAll(server.sockets());
                // A plain client, not one of the loop's (the loop's close would close it and hide
                // whether the server closed its end), that does not block: the kernel completes
                // the handshake and the loop accepts.
                client.configureBlocking(false);
                client.connect(new java.net.InetSocketAddress("127.0.0.1", port(server)));
                Asyncio.sleep(20); // the accept's error ends the run long before
            }));
            assertSame(fatal, thrown);
            assertEquals(List.of(), errors, "a VirtualMachineError is not an error to report and go on from");
            client.configureBlocking(true);
            assertTrue(client.finishConnect());
            client.socket().setSoTimeout(10_000);
            assertEquals(-1, client.socket().getInputStream().read(), "the accepted socket is closed, not leaked: the client reads its end");
        } finally {
            for (java.nio.channels.Channel ch : listeners) ch.close();
            client.close();
        }
    }

    private static long softFdLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return "unlimited".equals(soft) ? -1 : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * The select that reports a connection waiting queues the listener's handle behind the
     * callbacks already scheduled; one of them closing the server leaves that handle nothing to
     * do: no accept on the closed socket, no protocol made, no error reported.
     */
    @Test
    void aServerClosedJustBeforeItsReadyListenerRunsAcceptsNothingAndReportsNothing() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<ErrorContext> errors = new ArrayList<>();
            loop.setExceptionHandler((l, ctx) -> errors.add(ctx));
            List<Recorder> made = new ArrayList<>();
            Server server = Net.createServer(() -> {
                Recorder r = new Recorder();
                made.add(r);
                return r;
            }, "127.0.0.1", 0);
            java.net.InetSocketAddress address = new java.net.InetSocketAddress("127.0.0.1", port(server));
            io.jasyncio.Future<java.nio.channels.SocketChannel> client = loop.createFuture();
            loop.callSoon(() -> {
                try {
                    // blocking, on the loop thread: the connection is in the backlog before the next select
                    client.setResult(java.nio.channels.SocketChannel.open(address));
                    loop.callSoon(server::close); // runs in the next iteration, before the listener's handle
                } catch (IOException e) {
                    client.setException(e);
                }
            });
            try (java.nio.channels.SocketChannel c = client.await()) {
                for (int i = 0; i < 3; i++) Asyncio.sleep(0);
                assertTrue(server.sockets().isEmpty(), "closed");
                assertEquals(List.of(), made, "nothing accepted");
                assertEquals(List.of(), errors, "no accept tried on the closed socket");
            }
        });
    }
}
