package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
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

    /**
     * What most tests race over: a server on 127.0.0.1 that records the loop time of each accept,
     * and an address whose connects hang. Afterwards it checks that no socket still connects to
     * the hanging address, i.e. every attempt there was closed, and closes the rest.
     */
    private static final class Race {
        final EventLoop loop = Asyncio.getRunningLoop();
        final HangingListener hang;
        final List<Double> acceptedAt = new ArrayList<>();
        final Server server;
        final InetSocketAddress good;
        private final List<Connection<Recorder>> connections = new ArrayList<>();

        private Race(HangingListener hang, ServerOptions serverOptions) throws IOException {
            this.hang = hang;
            this.server = Net.createServer(() -> {
                acceptedAt.add(loop.time());
                return Recorder.echo();
            }, "127.0.0.1", 0, serverOptions);
            this.good = (InetSocketAddress) server.sockets().get(0).getLocalAddress();
        }

        interface Body {
            void run(Race race) throws Exception;
        }

        static void run(InetAddress hangOn, ServerOptions serverOptions, Body body) throws Exception {
            try (HangingListener hang = HangingListener.open(hangOn)) {
                Asyncio.run(() -> {
                    Race race = new Race(hang, serverOptions);
                    body.run(race);
                    assertEquals(0, hang.connecting(), "a socket still connects to the hanging address");
                    for (Connection<Recorder> c : race.connections) c.transport().close();
                    race.server.close();
                    race.server.waitClosed();
                });
            }
        }

        static void run(Body body) throws Exception {
            run(V4, ServerOptions.defaults(), body);
        }

        /** Connects to {@code addresses} as if "127.0.0.1" resolved to them. Suspending. */
        Connection<Recorder> connect(ConnectOptions options, InetSocketAddress... addresses) throws IOException {
            Connection<Recorder> c = Net.connectTo(Recorder::new, "127.0.0.1", good.getPort(), List.of(addresses), options);
            connections.add(c);
            return c;
        }

        /** Seconds from {@code t0} to the server's {@code n}th accept (from 0), once it happened. Suspending. */
        double acceptedAfter(double t0, int n) {
            while (acceptedAt.size() <= n) Asyncio.sleep(0.001);
            return acceptedAt.get(n) - t0;
        }
    }

    private static ConnectOptions staggered(double delaySeconds) {
        return ConnectOptions.defaults().withHappyEyeballsDelay(Duration.ofNanos((long) (delaySeconds * 1e9)));
    }

    /** Sends {@code msg} through the echo server and checks it comes back. Suspending. */
    private static void assertEchoes(Connection<Recorder> c, String msg) {
        c.transport().write(ascii(msg));
        c.protocol().awaitReceived(msg.length());
        assertEquals(msg, c.protocol().text());
    }

    @Test
    void theNextAttemptStartsOneDelayAfterTheLastNotBefore() throws Exception {
        Race.run(race -> {
            double t0 = race.loop.time();
            Connection<Recorder> c = race.connect(staggered(0.3), race.hang.address, race.good);
            double connected = race.loop.time() - t0;
            assertEquals(race.good, c.transport().getExtraInfo("peername"));
            double started = race.acceptedAfter(t0, 0);
            assertTrue(started >= 0.3 - EARLY, "the second attempt started before the delay: " + started);
            assertTrue(connected < 0.3 + LATE, "the second attempt started late: " + connected);
        });
    }

    @Test
    void aFailedAttemptStartsTheNextAtOnce() throws Exception {
        try (SocketChannel refusing = refusing()) {
            InetSocketAddress refused = (InetSocketAddress) refusing.getLocalAddress();
            Race.run(race -> {
                // hanging from 0, refused at 1.0, and so at once the good one, not at 2.0
                double t0 = race.loop.time();
                race.connect(staggered(1.0), race.hang.address, refused, race.good);
                double connected = race.loop.time() - t0;
                double started = race.acceptedAfter(t0, 0);
                assertTrue(started >= 1.0 - EARLY, "started before the delay: " + started);
                assertTrue(connected < 1.0 + LATE, "waited for the delay after the refusal: " + connected);

                // refused first: the delay (30 s) is not waited for at all
                t0 = race.loop.time();
                Connection<Recorder> quick = race.connect(staggered(30), refused, race.good);
                assertTrue(race.loop.time() - t0 < LATE, "took " + (race.loop.time() - t0));
                assertEquals(race.good, quick.transport().getExtraInfo("peername"));
            });
        }
    }

    @Test
    void theLosersSocketsAreClosedWhenOneWins() throws Exception {
        Race.run(race -> {
            List<String> before = openSockets();
            Connection<Recorder> c = race.connect(staggered(0.1), race.hang.address, race.hang.address, race.good);
            race.acceptedAfter(0, 0);
            assertEquals(0, race.hang.connecting(), "both hanging attempts' sockets are closed");
            List<String> opened = new ArrayList<>(openSockets());
            opened.removeAll(before);
            assertEquals(2, opened.size(), "only the winner's two ends are open: " + opened);
            assertEchoes(c, "still works");
        });
    }

    /**
     * Two attempts connecting in the same loop iteration: one wins, and the other's socket is
     * closed at once (handed to the race's discard). Both hang behind full accept queues until
     * the test, blocking the loop, lets both complete; the next select then reports both.
     */
    @Test
    void aSecondSocketConnectingInTheWinnersIterationIsClosed() throws Exception {
        try (HangingListener first = HangingListener.open(V4); HangingListener second = HangingListener.open(V4)) {
            Asyncio.run(() -> {
                Task<Connection<Recorder>> connecting = Asyncio.createTask(() -> Net.connectTo(Recorder::new, "127.0.0.1",
                        first.address.getPort(), List.of(first.address, second.address), staggered(0.01)));
                for (int i = 0; i < 10_000 && second.connecting() == 0; i++) Asyncio.sleep(0.001);
                // (at least: a socket another test left behind may still retry towards a reused port)
                assertTrue(first.connecting() >= 1 && second.connecting() >= 1, "both attempts wait in SYN_SENT");
                // A callback (it runs on the loop's thread, unlike a task's blocking call) blocks
                // the loop until both connects have completed.
                io.jasyncio.Future<java.net.Socket[]> bothAccepted = releaseBothInOneCallback(first, second);
                java.net.Socket[] accepted = bothAccepted.await();
                java.net.Socket a = accepted[0];
                java.net.Socket b = accepted[1];
                Connection<Recorder> c = connecting.await();
                java.net.Socket loser = first.address.equals(c.transport().getExtraInfo("peername")) ? b : a;
                loser.setSoTimeout(10_000);
                assertEquals(-1, (int) Asyncio.toThread(() -> loser.getInputStream().read()), "the loser's socket is closed");
                c.transport().close();
                c.protocol().lost.await();
            });
        }
    }

    /** Releases both listeners and accepts one connection on each, in one callback on the loop thread. */
    private static io.jasyncio.Future<java.net.Socket[]> releaseBothInOneCallback(HangingListener first, HangingListener second) {
        EventLoop loop = Asyncio.getRunningLoop();
        io.jasyncio.Future<java.net.Socket[]> f = loop.createFuture();
        loop.callSoon(() -> {
            try {
                first.release();
                second.release();
                f.setResult(new java.net.Socket[] {first.acceptNext(10_000), second.acceptNext(10_000)});
            } catch (IOException e) {
                f.setException(e);
            }
        });
        return f;
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
                assertEquals(before, openSockets());

                // one at a time (no delay): the same report
                ConnectException seq = assertThrows(ConnectException.class, () -> Net.connectTo(Recorder::new,
                        "127.0.0.1", all.get(0).getPort(), all, ConnectOptions.defaults()));
                assertEquals(2, seq.getSuppressed().length);
                for (Throwable s : seq.getSuppressed()) assertInstanceOf(ConnectException.class, s);
                assertEquals(before, openSockets());
            });
        }
    }

    @Test
    void cancellingTheCallerMidRaceClosesEverySocket() throws Exception {
        Race.run(race -> {
            InetSocketAddress hang = race.hang.address;
            List<String> before = openSockets();
            Task<Connection<Recorder>> connecting = Asyncio.createTask(
                    () -> race.connect(staggered(0.05), hang, hang, hang));
            while (race.hang.connecting() < 3) Asyncio.sleep(0.01); // all three attempts at once
            connecting.cancel("give up");
            CancelledError e = assertThrows(CancelledError.class, connecting::await);
            assertEquals("give up", e.getMessage());
            assertEquals(0, race.hang.connecting());
            assertEquals(before, openSockets());

            // the usual way to cancel: a timeout around the call
            assertThrows(TimeoutError.class, () -> Asyncio.timeout(Duration.ofMillis(300),
                    () -> race.connect(staggered(0.1), hang, hang)));
        });
    }

    @Test
    void withoutADelayTheAddressesAreTriedOneAtATime() throws Exception {
        try (SocketChannel refusing = refusing()) {
            InetSocketAddress refused = (InetSocketAddress) refusing.getLocalAddress();
            Race.run(race -> {
                assertThrows(TimeoutError.class, () -> Asyncio.timeout(Duration.ofMillis(500),
                        () -> race.connect(ConnectOptions.defaults(), race.hang.address, race.good)));
                assertEquals(List.of(), race.acceptedAt, "the second address is never tried while the first hangs");
                assertEquals(0, race.hang.connecting(), "the given-up connect's socket is released at once");

                Connection<Recorder> c = race.connect(ConnectOptions.defaults(), refused, race.good);
                assertEquals(race.good, c.transport().getExtraInfo("peername"));
            });
        }
    }

    @Test
    void tlsIsNegotiatedOnTheWinningSocket(@TempDir Path dir) throws Exception {
        TlsTesting certs = TlsTesting.generateWithKeytool(dir);
        Race.run(V4, ServerOptions.defaults().withTls(TlsOptions.of(certs.server())), race -> {
            Connection<Recorder> c = race.connect(staggered(0.1).withTls(TlsOptions.of(certs.client())),
                    race.hang.address, race.good);
            assertNotNull(c.transport().getExtraInfo("peercert"));
            assertEchoes(c, "over tls");
        });
    }

    @Test
    void aLocalAddressIsBoundBeforeEachAttempt() throws Exception {
        Race.run(race -> {
            // 127.0.0.2 is loopback on Linux but never the address the system would pick
            InetSocketAddress local = new InetSocketAddress("127.0.0.2", 0);
            Connection<Recorder> c = race.connect(staggered(0.1).withLocalAddress(local), race.hang.address, race.good);
            InetSocketAddress sockname = (InetSocketAddress) c.transport().getExtraInfo("sockname");
            assertEquals(local.getAddress(), sockname.getAddress());
        });
    }

    @Test
    void interleavingTriesTheOtherFamilySecondNotLast() throws Exception {
        assumeIpv6Loopback();
        Race.run(V6, ServerOptions.defaults(), race -> {
            InetSocketAddress hang6 = race.hang.address;
            // interleave 1 (the default with a delay): [::1, 127.0.0.1, ::1]
            double t0 = race.loop.time();
            race.connect(staggered(0.6), hang6, hang6, race.good);
            double started = race.acceptedAfter(t0, 0);
            assertTrue(started >= 0.6 - EARLY && started < 1.2 - EARLY, "IPv4 was not second: " + started);

            // interleave 0: the resolver's order, so IPv4 comes third
            t0 = race.loop.time();
            race.connect(staggered(0.6).withInterleave(0), hang6, hang6, race.good);
            started = race.acceptedAfter(t0, 1);
            assertTrue(started >= 1.2 - EARLY, "IPv4 was not third: " + started);
        });
    }

    @Test
    void aHostNameIsResolvedAndItsAddressesRaced() throws Exception {
        Race.run(race -> {
            // "localhost" may also resolve to ::1, where nothing listens: refused, so the next at once
            Connection<Recorder> c = Net.createConnection(Recorder::new, "localhost", race.good.getPort(),
                    ConnectOptions.defaults().withHappyEyeballs());
            assertEchoes(c, "hi");
            c.transport().close();
        });
    }

    // ---- helpers ----

    /** An address on 127.0.0.1 that refuses connections: a socket bound there that does not listen. */
    private static SocketChannel refusing() throws IOException {
        return SocketChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(V4, 0));
    }

    /** The socket descriptors this process has open (link targets in /proc/self/fd). */
    static List<String> openSockets() throws IOException {
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
        out.sort(null);
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
