package io.jasyncio.loops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.Transport;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LoopGroupTest {
    /** Per-loop state, deliberately not thread-safe: only its own loop's thread may touch it. */
    static final class LoopState {
        final Thread owner;
        int connections;

        LoopState(Thread owner) {
            this.owner = owner;
        }
    }

    /**
     * Answers each line with "index thread-ok" where index is the loop that accepted the
     * connection and thread-ok says every callback ran on that loop's own thread.
     */
    static final class WhoAmI implements Protocol {
        final Map<EventLoop, LoopState> states;
        final List<EventLoop> loops;
        final EventLoop madeOn = Asyncio.getRunningLoop();
        final Thread madeBy = Thread.currentThread();
        Transport transport;
        boolean confined = true;

        WhoAmI(Map<EventLoop, LoopState> states, List<EventLoop> loops) {
            this.states = states;
            this.loops = loops;
        }

        private LoopState state() {
            // Protocol callbacks run on the loop's own platform thread, as the factory did.
            EventLoop l = Asyncio.getRunningLoop();
            confined &= l == madeOn && Thread.currentThread() == madeBy;
            LoopState s = states.get(l);
            confined &= s.owner == Thread.currentThread();
            return s;
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
            state().connections++;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            state();
            String reply = loops.indexOf(madeOn) + " " + confined + "\n";
            transport.write(reply.getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static Map<EventLoop, LoopState> statesOf(LoopGroup group) throws Exception {
        Map<EventLoop, LoopState> states = new HashMap<>();
        for (EventLoop l : group.loops()) {
            // A callback (not a task, which is a virtual thread) runs on the loop's own thread.
            CompletableFuture<Thread> t = new CompletableFuture<>();
            l.callSoonThreadsafe(() -> t.complete(Thread.currentThread()));
            Thread owner = t.get(10, TimeUnit.SECONDS);
            assertEquals("jasyncio-loop-" + group.loops().indexOf(l), owner.getName());
            states.put(l, new LoopState(owner));
        }
        return Map.copyOf(states);
    }

    private static int portOf(Server s) throws IOException {
        return ((InetSocketAddress) s.sockets().get(0).getLocalAddress()).getPort();
    }

    private static String ask(SocketChannel c) throws IOException {
        c.write(ByteBuffer.wrap("?\n".getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer in = ByteBuffer.allocate(64);
        while (in.position() == 0 || in.get(in.position() - 1) != '\n') {
            if (c.read(in) < 0) throw new IOException("server closed early");
        }
        return new String(in.array(), 0, in.position() - 1, StandardCharsets.US_ASCII);
    }

    @Test
    void connectionsSpreadOverTheLoopsAndEachLoopsStateStaysOnItsThread() throws Exception {
        try (LoopGroup group = LoopGroup.start(2)) {
            Map<EventLoop, LoopState> states = statesOf(group);
            List<Server> servers = group.createServers(() -> new WhoAmI(states, group.loops()), "127.0.0.1", 0,
                    ServerOptions.defaults());
            assertEquals(2, servers.size());
            assertSame(group.loop(0), servers.get(0).getLoop());
            assertSame(group.loop(1), servers.get(1).getLoop());
            int port = portOf(servers.get(0));
            assertEquals(port, portOf(servers.get(1)), "both servers share the port");

            // The kernel hashes each connection to one listener: with 64 connections, all on one
            // loop has probability 2^-63.
            Set<String> seen = new HashSet<>();
            List<SocketChannel> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 64; i++) {
                    SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                    clients.add(c);
                    String answer = ask(c);
                    assertTrue(answer.endsWith(" true"), "callbacks ran off their loop's thread: " + answer);
                    seen.add(answer);
                }
            } finally {
                for (SocketChannel c : clients) c.close();
            }
            assertEquals(Set.of("0 true", "1 true"), seen, "connections reached both loops");
            // Each loop's counter, read on its own thread, adds up to every connection.
            int total = 0;
            for (EventLoop l : group.loops()) {
                total += Asyncio.runCoroutineThreadsafe(() -> states.get(l).connections, l).get(10, TimeUnit.SECONDS);
            }
            assertEquals(64, total);
        }
    }

    @Test
    void aTaskOnOneLoopCallsAnotherLoopThroughRunCoroutineThreadsafe() throws Exception {
        try (LoopGroup group = LoopGroup.start(2)) {
            EventLoop other = group.loop(1);
            String where = Asyncio.runCoroutineThreadsafe(() -> {
                // From a task of loop 0: hand work to loop 1 and await it without blocking loop 0.
                CompletableFuture<Integer> cf = Asyncio.runCoroutineThreadsafe(
                        () -> group.loops().indexOf(Asyncio.getRunningLoop()), other);
                int there = Asyncio.wrapFuture(cf).await();
                return group.loops().indexOf(Asyncio.getRunningLoop()) + "->" + there;
            }, group.loop(0)).get(10, TimeUnit.SECONDS);
            assertEquals("0->1", where);
        }
    }

    /** Open descriptors as "number -> target" (socket:[inode], anon_inode:[eventpoll], pipe:[...]). */
    private static Set<String> openDescriptors() throws IOException {
        Set<String> out = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    out.add(fd.getFileName() + " -> " + Files.readSymbolicLink(fd));
                } catch (IOException gone) {
                    // closed while we listed (e.g. the listing's own descriptor)
                }
            }
        }
        return out;
    }

    private static List<String> groupThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("jasyncio-loop-"))
                .map(Thread::getName).toList();
    }

    @Test
    void closeEndsEveryLoopThreadAndReleasesEveryDescriptor() throws Exception {
        Set<String> before = openDescriptors();
        SocketChannel client;
        LoopGroup group = LoopGroup.start(2);
        try {
            Map<EventLoop, LoopState> states = statesOf(group);
            List<Server> servers = group.createServers(() -> new WhoAmI(states, group.loops()), "127.0.0.1", 0,
                    ServerOptions.defaults());
            client = SocketChannel.open(new InetSocketAddress("127.0.0.1", portOf(servers.get(0))));
            // Default executor threads on each loop, so close has them to stop too.
            for (EventLoop l : group.loops()) {
                Asyncio.runCoroutineThreadsafe(() -> Asyncio.toThread(() -> 1), l).get(10, TimeUnit.SECONDS);
            }
            assertEquals(2, groupThreads().size());
        } finally {
            group.close();
        }
        assertEquals(List.of(), groupThreads(), "loop threads still alive after close()");
        // The server closed its side of the open connection: the client reads end of stream.
        assertEquals(-1, client.read(ByteBuffer.allocate(8)));
        client.close();
        // Compared as sets: descriptors that other code closed meanwhile do not matter, new ones do.
        Set<String> leaked = new HashSet<>(openDescriptors());
        leaked.removeAll(before);
        leaked.removeIf(d -> d.contains("/proc/") || d.endsWith(".jar")); // the listing itself, class loading
        assertEquals(Set.of(), leaked, "descriptors leaked by the group");
        assertFalse(group.loop(0).isRunning());
        assertTrue(group.loop(0).isClosed() && group.loop(1).isClosed());
        group.close(); // idempotent
    }

    @Test
    void aPortHeldWithoutReusePortFailsWithBindExceptionAndLeavesNoServerBehind() throws Exception {
        try (ServerSocketChannel squatter = ServerSocketChannel.open();
             LoopGroup group = LoopGroup.start(2)) {
            squatter.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) squatter.getLocalAddress()).getPort();
            assertThrows(BindException.class,
                    () -> group.createServers(() -> new Protocol() {}, "127.0.0.1", port, ServerOptions.defaults()));
            // The group still works, and the port is still the squatter's alone.
            List<Server> servers = group.createServers(() -> new Protocol() {}, "127.0.0.1", 0, ServerOptions.defaults());
            assertEquals(2, servers.size());
        }
    }

    @Test
    void serversOfTheGroupAlwaysShareThePortEvenIfTheOptionsSayOtherwise() throws Exception {
        try (LoopGroup group = LoopGroup.start(2)) {
            List<Server> servers = group.createServers(() -> new Protocol() {}, "127.0.0.1", 0,
                    ServerOptions.defaults().withReusePort(false));
            for (Server s : servers) {
                assertTrue(s.sockets().get(0).getOption(StandardSocketOptions.SO_REUSEPORT));
            }
        }
    }

    @Test
    void badUseFailsWithPreciseErrors() throws Exception {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> LoopGroup.start(0));
        assertTrue(none.getMessage().contains("at least one loop"), none.getMessage());

        LoopGroup group = LoopGroup.start(1);
        try {
            assertThrows(IllegalArgumentException.class,
                    () -> group.createServers(() -> new Protocol() {}, "127.0.0.1", 70000, ServerOptions.defaults()));
            assertThrows(NullPointerException.class,
                    () -> group.createServers(null, "127.0.0.1", 0, ServerOptions.defaults()));
            // Closing from one of the group's own loops would wait for itself: refused.
            Throwable fromLoop = Asyncio.runCoroutineThreadsafe(() -> {
                try {
                    group.close();
                    return null;
                } catch (IllegalStateException e) {
                    return e;
                }
            }, group.loop(0)).get(10, TimeUnit.SECONDS);
            assertTrue(fromLoop instanceof IllegalStateException && fromLoop.getMessage().contains("plain thread"),
                    String.valueOf(fromLoop));
        } finally {
            group.close();
        }
        IllegalStateException closed = assertThrows(IllegalStateException.class,
                () -> group.createServers(() -> new Protocol() {}, "127.0.0.1", 0, ServerOptions.defaults()));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }

    @Test
    void streamServersOnEveryLoopShareThePortAndEachClientRunsOnTheLoopThatAcceptedIt() throws Exception {
        try (LoopGroup group = LoopGroup.start(2)) {
            List<Server> servers = group.startStreamServers((reader, writer) -> {
                byte[] line = reader.readLine();
                String where = group.loops().indexOf(Asyncio.getRunningLoop()) + ":" + new String(line, StandardCharsets.US_ASCII);
                writer.write(where.getBytes(StandardCharsets.US_ASCII));
                writer.drain();
                writer.close();
            }, "127.0.0.1", 0, ServerOptions.defaults());
            int port = portOf(servers.get(0));
            assertEquals(port, portOf(servers.get(1)));
            Set<String> loopsSeen = new HashSet<>();
            for (int i = 0; i < 64; i++) {
                try (SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
                    c.write(ByteBuffer.wrap(("hi" + i + "\n").getBytes(StandardCharsets.US_ASCII)));
                    ByteBuffer in = ByteBuffer.allocate(64);
                    while (c.read(in) >= 0) {
                        // until the server closes
                    }
                    String answer = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
                    assertTrue(answer.endsWith(":hi" + i + "\n"), answer);
                    loopsSeen.add(answer.substring(0, answer.indexOf(':')));
                }
            }
            assertEquals(Set.of("0", "1"), loopsSeen, "stream connections reached both loops");
        }
    }
}
