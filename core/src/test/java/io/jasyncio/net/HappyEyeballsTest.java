package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static io.jasyncio.net.Recorder.port;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.TimeoutError;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code createConnection} with a happy eyeballs delay (asyncio's {@code happy_eyeballs_delay}),
 * on real sockets: addresses given through {@link Net#connectTo} so that a test chooses which
 * connect hangs ({@link HangingListener}), which is refused and which succeeds. Times are the
 * loop's clock, real time: a connect in progress is real-time work, which virtual time waits for.
 */
@Timeout(30)
class HappyEyeballsTest {
    private static final InetAddress V4 = InetAddress.ofLiteral("127.0.0.1");
    private static final InetAddress V6 = InetAddress.ofLiteral("::1");
    /** A timer may fire this much before its deadline (the loop's clock resolution, generously). */
    private static final double EARLY = 0.01;
    /** How late a step may come on a busy shared machine before the test calls it wrong. */
    private static final double LATE = 0.7;

    private static ConnectOptions staggered(double delaySeconds) {
        return ConnectOptions.defaults().withHappyEyeballsDelay(Duration.ofNanos((long) (delaySeconds * 1e9)));
    }

    /** A server's protocol factory that records the loop time of each accept. */
    private static Supplier<Recorder> timed(List<Double> acceptedAt) {
        EventLoop loop = Asyncio.getRunningLoop();
        return () -> {
            acceptedAt.add(loop.time());
            return Recorder.echo();
        };
    }

    private static InetSocketAddress addressOf(Server server) throws IOException {
        return (InetSocketAddress) server.sockets().get(0).getLocalAddress();
    }

    @Test
    void theNextAttemptStartsOneDelayAfterTheLastNotBefore() throws Exception {
        try (HangingListener hang = HangingListener.open(V4)) {
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                List<Double> acceptedAt = new ArrayList<>();
                Server server = Net.createServer(timed(acceptedAt), "127.0.0.1", 0);
                InetSocketAddress good = addressOf(server);
                double t0 = loop.time();
                Connection<Recorder> c = Net.connectTo(Recorder::new, "127.0.0.1", good.getPort(),
                        List.of(hang.address, good), staggered(0.3));
                double connected = loop.time() - t0;
                assertEquals(good, c.transport().getExtraInfo("peername"));
                Recorder.awaitFirst(acceptedAt);
                double started = acceptedAt.get(0) - t0;
                assertTrue(started >= 0.3 - EARLY, "the second attempt started before the delay: " + started);
                assertTrue(connected < 0.3 + LATE, "the second attempt started late: " + connected);
                assertEquals(0, hang.connecting(), "the hanging attempt's socket is closed");
                c.transport().close();
                c.protocol().lost.await();
                server.close();
                server.waitClosed();
            });
        }
    }

    @Test
    void aFailedAttemptStartsTheNextAtOnce() throws Exception {
        try (HangingListener hang = HangingListener.open(V4); SocketChannel refusing = refusing()) {
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                List<Double> acceptedAt = new ArrayList<>();
                Server server = Net.createServer(timed(acceptedAt), "127.0.0.1", 0);
                InetSocketAddress good = addressOf(server);
                InetSocketAddress refused = (InetSocketAddress) refusing.getLocalAddress();

                // hanging from 0, refused at 1.0, and so at once the good one, not at 2.0
                double t0 = loop.time();
                Connection<Recorder> c = Net.connectTo(Recorder::new, "127.0.0.1", good.getPort(),
                        List.of(hang.address, refused, good), staggered(1.0));
                double connected = loop.time() - t0;
                Recorder.awaitFirst(acceptedAt);
                assertTrue(acceptedAt.get(0) - t0 >= 1.0 - EARLY, "started before the delay: " + (acceptedAt.get(0) - t0));
                assertTrue(connected < 1.0 + LATE, "waited for the delay after the refusal: " + connected);
                c.transport().close();

                // refused first: the delay (30 s) is not waited for at all
                t0 = loop.time();
                Connection<Recorder> quick = Net.connectTo(Recorder::new, "127.0.0.1", good.getPort(),
                        List.of(refused, good), staggered(30));
                assertTrue(loop.time() - t0 < LATE, "took " + (loop.time() - t0));
                assertEquals(good, quick.transport().getExtraInfo("peername"));
                quick.transport().close();
                assertEquals(0, hang.connecting());
                server.close();
                server.waitClosed();
            });
        }
    }

    @Test
    void theLosersSocketsAreClosedWhenOneWins() throws Exception {
        try (HangingListener hang = HangingListener.open(V4)) {
            Asyncio.run(() -> {
                List<Recorder> accepted = new ArrayList<>();
                Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::echo), "127.0.0.1", 0);
                InetSocketAddress good = addressOf(server);
                List<String> before = openSockets();
                Connection<Recorder> c = Net.connectTo(Recorder::new, "127.0.0.1", good.getPort(),
                        List.of(hang.address, hang.address, good), staggered(0.1));
                Recorder.awaitFirst(accepted);
                assertEquals(0, hang.connecting(), "both hanging attempts' sockets are closed");
                List<String> opened = new ArrayList<>(openSockets());
                opened.removeAll(before);
                assertEquals(2, opened.size(), "only the winner's two ends are open: " + opened);
                c.transport().write(ascii("still works"));
                c.protocol().awaitReceived(11);
                c.transport().close();
                c.protocol().lost.await();
                server.close();
                server.waitClosed();
            });
        }
    }

    @Test
    void everyAddressRefusedFailsWithConnectExceptionAndTheOthersSuppressed() throws Exception {
        try (SocketChannel r1 = refusing(); SocketChannel r2 = refusing(); SocketChannel r3 = refusing()) {
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                List<InetSocketAddress> all = new ArrayList<>();
                for (SocketChannel r : List.of(r1, r2, r3)) all.add((InetSocketAddress) r.getLocalAddress());
                List<String> before = openSockets();
                double t0 = loop.time();
                ConnectException e = assertThrows(ConnectException.class, () -> Net.connectTo(Recorder::new,
                        "127.0.0.1", all.get(0).getPort(), all, staggered(10)));
                assertTrue(loop.time() - t0 < LATE, "each refusal started the next at once; took " + (loop.time() - t0));
                assertEquals(2, e.getSuppressed().length);
                for (Throwable s : e.getSuppressed()) assertInstanceOf(ConnectException.class, s);
                List<String> opened = new ArrayList<>(openSockets());
                opened.removeAll(before);
                assertEquals(List.of(), opened);
            });
        }
    }

    @Test
    void cancellingTheCallerMidRaceClosesEverySocket() throws Exception {
        try (HangingListener hang = HangingListener.open(V4)) {
            Asyncio.run(() -> {
                List<InetSocketAddress> three = List.of(hang.address, hang.address, hang.address);
                List<String> before = openSockets();
                Task<Connection<Recorder>> connecting = Asyncio.createTask(() -> Net.connectTo(Recorder::new,
                        "127.0.0.1", hang.address.getPort(), three, staggered(0.05)));
                while (hang.connecting() < 3) Asyncio.sleep(0.01); // all three attempts at once
                connecting.cancel("give up");
                CancelledError e = assertThrows(CancelledError.class, connecting::await);
                assertEquals("give up", e.getMessage());
                assertEquals(0, hang.connecting());
                List<String> opened = new ArrayList<>(openSockets());
                opened.removeAll(before);
                assertEquals(List.of(), opened);

                // the usual way to cancel: a timeout around the call
                assertThrows(TimeoutError.class, () -> Asyncio.timeout(Duration.ofMillis(300),
                        () -> Net.connectTo(Recorder::new, "127.0.0.1", hang.address.getPort(), three, staggered(0.1))));
                assertEquals(0, hang.connecting());
            });
        }
    }

    @Test
    void withoutADelayTheAddressesAreTriedOneAtATime() throws Exception {
        try (HangingListener hang = HangingListener.open(V4); SocketChannel refusing = refusing()) {
            Asyncio.run(() -> {
                List<Double> acceptedAt = new ArrayList<>();
                Server server = Net.createServer(timed(acceptedAt), "127.0.0.1", 0);
                InetSocketAddress good = addressOf(server);
                assertThrows(TimeoutError.class, () -> Asyncio.timeout(Duration.ofMillis(500),
                        () -> Net.connectTo(Recorder::new, "127.0.0.1", good.getPort(), List.of(hang.address, good),
                                ConnectOptions.defaults())));
                assertEquals(List.of(), acceptedAt, "the second address is never tried while the first hangs");
                assertEquals(0, hang.connecting());

                Connection<Recorder> c = Net.connectTo(Recorder::new, "127.0.0.1", good.getPort(),
                        List.of((InetSocketAddress) refusing.getLocalAddress(), good), ConnectOptions.defaults());
                assertEquals(good, c.transport().getExtraInfo("peername"));
                c.transport().close();
                server.close();
                server.waitClosed();
            });
        }
    }

    @Test
    void tlsIsNegotiatedOnTheWinningSocket(@TempDir Path dir) throws Exception {
        TlsTesting certs = TlsTesting.generateWithKeytool(dir);
        try (HangingListener hang = HangingListener.open(V4)) {
            Asyncio.run(() -> {
                Server server = Net.createServer(Recorder::echo, "127.0.0.1", 0,
                        ServerOptions.defaults().withTls(TlsOptions.of(certs.server())));
                InetSocketAddress good = addressOf(server);
                Connection<Recorder> c = Net.connectTo(Recorder::new, "localhost", good.getPort(),
                        List.of(hang.address, good), staggered(0.1).withTls(TlsOptions.of(certs.client())));
                assertNotNull(c.transport().getExtraInfo("peercert"));
                c.transport().write(ascii("over tls"));
                c.protocol().awaitReceived(8);
                assertEquals("over tls", c.protocol().text());
                assertEquals(0, hang.connecting());
                c.transport().close();
                c.protocol().lost.await();
                server.close();
                server.waitClosed();
            });
        }
    }

    @Test
    void aLocalAddressIsBoundBeforeEachAttempt() throws Exception {
        try (HangingListener hang = HangingListener.open(V4)) {
            Asyncio.run(() -> {
                Server server = Net.createServer(Recorder::echo, "127.0.0.1", 0);
                InetSocketAddress good = addressOf(server);
                // 127.0.0.2 is loopback on Linux but never the address the system would pick
                Connection<Recorder> c = Net.connectTo(Recorder::new, "127.0.0.1", good.getPort(),
                        List.of(hang.address, good), staggered(0.1).withLocalAddress(new InetSocketAddress("127.0.0.2", 0)));
                InetSocketAddress sockname = (InetSocketAddress) c.transport().getExtraInfo("sockname");
                assertEquals(InetAddress.ofLiteral("127.0.0.2"), sockname.getAddress());
                assertEquals(0, hang.connecting());
                c.transport().close();
                server.close();
                server.waitClosed();
            });
        }
    }

    @Test
    void interleavingTriesTheOtherFamilySecondNotLast() throws Exception {
        assumeIpv6Loopback();
        try (HangingListener hang6 = HangingListener.open(V6)) {
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                List<Double> acceptedAt = new ArrayList<>();
                Server server = Net.createServer(timed(acceptedAt), "127.0.0.1", 0);
                InetSocketAddress good4 = addressOf(server);
                List<InetSocketAddress> resolved = List.of(hang6.address, hang6.address, good4);

                // interleave 1 (the default with a delay): [::1, 127.0.0.1, ::1]
                double t0 = loop.time();
                Connection<Recorder> c = Net.connectTo(Recorder::new, "localhost", good4.getPort(), resolved, staggered(0.6));
                Recorder.awaitFirst(acceptedAt);
                double started = acceptedAt.get(0) - t0;
                assertTrue(started >= 0.6 - EARLY && started < 1.2 - EARLY, "IPv4 was not second: " + started);
                assertEquals(0, hang6.connecting());
                c.transport().close();

                // interleave 0: the resolver's order, so IPv4 comes third
                t0 = loop.time();
                Connection<Recorder> d = Net.connectTo(Recorder::new, "localhost", good4.getPort(), resolved,
                        staggered(0.6).withInterleave(0));
                while (acceptedAt.size() < 2) Asyncio.sleep(0.001);
                assertTrue(acceptedAt.get(1) - t0 >= 1.2 - EARLY, "IPv4 was not third: " + (acceptedAt.get(1) - t0));
                assertEquals(0, hang6.connecting());
                d.transport().close();
                server.close();
                server.waitClosed();
            });
        }
    }

    @Test
    void aHostNameIsResolvedAndItsAddressesRaced() {
        Asyncio.run(() -> {
            Server server = Net.createServer(Recorder::echo, "127.0.0.1", 0);
            // "localhost" may also resolve to ::1, where nothing listens: refused, so the next at once
            Connection<Recorder> c = Net.createConnection(Recorder::new, "localhost", port(server),
                    ConnectOptions.defaults().withHappyEyeballsDelay(ConnectOptions.RECOMMENDED_HAPPY_EYEBALLS_DELAY));
            c.transport().write(ascii("hi"));
            c.protocol().awaitReceived(2);
            assertEquals("hi", c.protocol().text());
            c.transport().close();
            c.protocol().lost.await();
            server.close();
            server.waitClosed();
        });
    }

    // ---- helpers ----

    /** An address on 127.0.0.1 that refuses connections: a socket bound there that does not listen. */
    private static SocketChannel refusing() throws IOException {
        return SocketChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(V4, 0));
    }

    /** The socket descriptors this process has open (link targets in /proc/self/fd). */
    private static List<String> openSockets() throws IOException {
        List<String> out = new ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:")) out.add(target);
                } catch (IOException gone) {
                    // the listing's own descriptor, closed by now
                }
            }
        }
        return out;
    }

    private static void assumeIpv6Loopback() {
        try (ServerSocketChannel s = ServerSocketChannel.open().bind(new InetSocketAddress(V6, 0));
             SocketChannel c = SocketChannel.open(s.getLocalAddress())) {
            assumeTrue(c.isConnected());
        } catch (IOException e) {
            assumeTrue(false, "no IPv6 loopback here: " + e);
        }
    }
}
