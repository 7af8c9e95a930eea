package io.jasyncio.loops;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.internal.LoopAccess;
import io.jasyncio.net.Net;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.stream.ClientConnected;
import io.jasyncio.stream.Streams;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * One event loop per core (DESIGN.md §5): {@code n} loops, each run by its own platform thread,
 * with servers that share one port through {@code SO_REUSEPORT} so the kernel spreads incoming
 * connections over the loops. asyncio has no such runner (Python's answer is one process per
 * core); this is the Java analogue of running {@code asyncio.run(main())} in {@code n} threads,
 * plus the one shutdown that ends them all.
 *
 * <pre>{@code
 * try (LoopGroup group = LoopGroup.start()) {            // one loop per available processor
 *     List<Server> servers = group.createServers(Echo::new, "0.0.0.0", 8888, ServerOptions.defaults());
 *     // cross-loop calls: group.loop(1).callSoonThreadsafe(...) or
 *     // Asyncio.runCoroutineThreadsafe(() -> work(), group.loop(1))
 *     awaitShutdownSignal();
 * }                                                        // closes servers and loops, joins threads
 * }</pre>
 *
 * <p><b>Confinement.</b> Nothing is shared between the loops: each server, its connections and
 * the protocols its factory makes live on one loop and are called only from that loop's thread
 * (the factory itself runs on the accepting loop's thread, so it may read per-loop state through
 * {@link Asyncio#getRunningLoop()}). Work crosses loops only through
 * {@link EventLoop#callSoonThreadsafe} and {@link Asyncio#runCoroutineThreadsafe}.
 *
 * <p><b>Threads.</b> The methods of this class block the calling thread and may be called from
 * any thread that runs no event loop (a task that must stop the group starts a platform thread
 * for {@link #close()}); from a loop's thread they fail with {@link IllegalStateException}
 * rather than deadlock. The loop threads are not daemons (as an executor's are not): a program ends
 * only after {@link #close()}, so use the group in try-with-resources.
 *
 * <p><b>Shutdown.</b> {@link #close()} makes every loop close the servers it made through this
 * group, close their connections (buffered data is still sent) and wait up to 10 s for them,
 * aborting those still open; then, as {@link Asyncio#run} does, cancel the remaining tasks, wait
 * for them, shut the default executor down and close the loop. It returns when every loop
 * thread has ended.
 */
public final class LoopGroup implements AutoCloseable {
    private final List<Member> members;
    /** Guarded by {@code this}: set once by the first {@link #close()}. */
    private boolean closing;

    private LoopGroup(List<Member> members) {
        this.members = members;
    }

    /**
     * {@link #start(int)} with one loop per {@link Runtime#availableProcessors() available
     * processor}. Blocks the caller briefly, as {@code start(int)}.
     */
    public static LoopGroup start() {
        return start(Runtime.getRuntime().availableProcessors());
    }

    /**
     * Starts {@code n} event loops, each running forever in its own platform thread named
     * {@code jasyncio-loop-<i>}, and returns once all of them run. Blocks the caller briefly.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     * @throws IllegalStateException if called from an event loop's thread
     */
    public static LoopGroup start(int n) {
        if (n < 1) throw new IllegalArgumentException("a loop group needs at least one loop, got " + n);
        requireNoLoop("LoopGroup.start");
        List<Member> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) members.add(new Member(i));
        LoopGroup group = new LoopGroup(List.copyOf(members));
        for (Member m : members) m.thread.start();
        try {
            for (Member m : members) m.ready.join();
        } catch (CompletionException e) {
            IllegalStateException failed = new IllegalStateException("a loop of the group failed to start", e.getCause());
            try {
                group.close();
            } catch (RuntimeException alsoFromClose) {
                if (alsoFromClose != e.getCause()) failed.addSuppressed(alsoFromClose);
            }
            throw failed;
        }
        return group;
    }

    /** The number of loops. Any thread. */
    public int size() {
        return members.size();
    }

    /**
     * The {@code i}-th loop. Use it from other threads only through its thread-safe methods
     * ({@link EventLoop#callSoonThreadsafe}, {@link Asyncio#runCoroutineThreadsafe}). Any thread.
     */
    public EventLoop loop(int i) {
        return members.get(i).loop;
    }

    /** All loops, in index order. Any thread; the same thread-safety rule as {@link #loop(int)}. */
    public List<EventLoop> loops() {
        List<EventLoop> loops = new ArrayList<>(members.size());
        for (Member m : members) loops.add(m.loop);
        return List.copyOf(loops);
    }

    /**
     * Creates one TCP server per loop, all on the same {@code host} and {@code port} with
     * {@code SO_REUSEPORT} (forced on, whatever {@code options} says), as
     * {@link Net#createServer(Supplier, String, int, ServerOptions)} does on each loop. Port 0
     * binds an ephemeral port on the first loop and the same port on the others. Blocks until
     * every server listens; the servers are closed by {@link #close()}.
     *
     * <p>The returned servers are bound to their loops: call their methods on that loop (for
     * example with {@link Asyncio#runCoroutineThreadsafe}); reading {@code sockets()} is safe.
     *
     * @throws IOException exactly as {@code Net.createServer} throws it (a {@link java.net.BindException}
     *                     if the port is taken by a socket without {@code SO_REUSEPORT}); the
     *                     servers already made are closed first
     * @throws IllegalStateException if the group is closed or the caller runs an event loop
     */
    public List<Server> createServers(Supplier<? extends Protocol> protocolFactory, String host, int port,
                                      ServerOptions options) throws IOException {
        if (protocolFactory == null) throw new NullPointerException("protocolFactory");
        ServerOptions opts = checkedOptions(options);
        return serveOnEach("createServers", host, port, p -> Net.createServer(protocolFactory, host, p, opts));
    }

    /**
     * Like {@link #createServers} for streams: one {@link Streams#startServer(ClientConnected, String, int, ServerOptions)}
     * per loop, sharing the port. Each client's callback runs as a task of the loop that accepted it.
     *
     * @throws IOException exactly as {@code Streams.startServer} throws it; servers already made are closed
     * @throws IllegalStateException if the group is closed or the caller runs an event loop
     */
    public List<Server> startStreamServers(ClientConnected clientConnected, String host, int port,
                                           ServerOptions options) throws IOException {
        if (clientConnected == null) throw new NullPointerException("clientConnected");
        ServerOptions opts = checkedOptions(options);
        return serveOnEach("startStreamServers", host, port, p -> Streams.startServer(clientConnected, host, p, opts));
    }

    /**
     * Shuts every loop down (see the class doc) and waits until all their threads have ended.
     * Idempotent: later calls wait too. An interrupt does not cut the wait short; it stays set.
     *
     * @throws IllegalStateException if called from an event loop's thread (it would wait for itself)
     * @throws RuntimeException the first failure of a loop's shutdown, the others suppressed
     */
    @Override
    public void close() {
        requireNoLoop("LoopGroup.close");
        boolean first;
        synchronized (this) {
            first = !closing;
            closing = true;
        }
        if (first) {
            for (Member m : members) m.requestStop();
        }
        boolean interrupted = false;
        RuntimeException failure = null;
        for (Member m : members) {
            while (true) {
                try {
                    m.thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            Throwable t = m.failure;
            if (t != null && first) {
                if (failure == null) {
                    failure = t instanceof RuntimeException re ? re
                            : new IllegalStateException("loop " + m.index + " failed while shutting down", t);
                } else {
                    failure.addSuppressed(t);
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure != null) throw failure;
    }

    @Override
    public String toString() {
        boolean c;
        synchronized (this) {
            c = closing;
        }
        return "LoopGroup[" + members.size() + " loops" + (c ? ", closing" : "") + "]";
    }

    // ---- internals ----

    private List<Server> serveOnEach(String what, String host, int port, Member.Bind bind) throws IOException {
        requireNoLoop("LoopGroup." + what);
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range 0-65535: " + port);
        synchronized (this) {
            if (closing) throw new IllegalStateException("LoopGroup." + what + ": the group is closed; start a new one");
        }
        List<Server> made = new ArrayList<>(members.size());
        try {
            int p = port;
            for (Member m : members) {
                Server s = m.serve(bind, p);
                made.add(s);
                if (p == 0) p = ((InetSocketAddress) s.sockets().get(0).getLocalAddress()).getPort();
            }
        } catch (IOException | RuntimeException | Error e) {
            for (int i = 0; i < made.size(); i++) members.get(i).closeServer(made.get(i));
            throw e;
        }
        return List.copyOf(made);
    }

    private static ServerOptions checkedOptions(ServerOptions options) {
        if (options == null) throw new NullPointerException("options");
        return options.withReusePort(true);
    }

    private static void requireNoLoop(String what) {
        EventLoop running = LoopAccess.get().runningLoopOrNull();
        if (running != null) {
            throw new IllegalStateException(what + " blocks the calling thread and cannot run on the thread of an event loop ("
                    + Thread.currentThread().getName() + "): call it from a plain thread, e.g. Thread.ofPlatform().start(...)");
        }
    }
}
