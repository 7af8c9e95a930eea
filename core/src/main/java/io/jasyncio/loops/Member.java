package io.jasyncio.loops;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.TimeoutError;
import io.jasyncio.net.Server;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One loop of a {@link LoopGroup} and the platform thread that runs it. The thread runs
 * {@link Asyncio#run} on a main task that only waits for the stop request and then closes this
 * loop's servers; {@code Asyncio.run} does the rest of the shutdown (cancel what is left, stop
 * the default executor, close the loop), exactly as for a single-loop program.
 */
final class Member {
    /** Makes one server on the calling loop, bound to {@code port}. */
    @FunctionalInterface
    interface Bind {
        Server bind(int port) throws IOException;
    }

    /** How long a closing loop lets its servers' connections flush before it aborts them. */
    private static final Duration CLIENT_GRACE = Duration.ofSeconds(10);

    final int index;
    final Thread thread;
    /** Completes once {@link #loop} and {@link #stop} are set and the loop runs. */
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    /** Written by the loop thread before {@link #ready} completes; read by others after. */
    volatile EventLoop loop;
    /** The main task waits on it; completed on the loop's thread. */
    private volatile Future<Void> stop;
    /** The servers the group made on this loop. Loop thread only. */
    private final List<Server> servers = new ArrayList<>();
    /** What the loop's thread ended with, if it failed; read after joining the thread. */
    volatile Throwable failure;

    Member(int index) {
        this.index = index;
        this.thread = Thread.ofPlatform().name("jasyncio-loop-" + index).unstarted(this::runLoop);
    }

    private void runLoop() {
        try {
            Asyncio.run(() -> {
                EventLoop l = Asyncio.getRunningLoop();
                Future<Void> s = l.createFuture();
                loop = l;
                stop = s;
                ready.complete(null);
                s.await();
                closeServers();
            });
        } catch (Throwable t) {
            failure = t;
            ready.completeExceptionally(t);
        }
    }

    /** Asks the loop to shut down; harmless if it already ended. Any thread. */
    void requestStop() {
        EventLoop l = loop;
        if (l == null) return;
        try {
            l.callSoonThreadsafe(() -> {
                if (!stop.done()) stop.setResult(null);
            });
        } catch (IllegalStateException closed) {
            // The loop ended already (it failed): nothing left to stop.
        }
    }

    /** Runs {@code bind} on this loop and keeps the server for the shutdown. Blocks the caller. */
    Server serve(Bind bind, int port) throws IOException {
        return callOnLoop(() -> {
            Server s = bind.bind(port);
            servers.add(s);
            return s;
        });
    }

    /** Closes {@code s} (made by {@link #serve}) at once, from any thread; waits for it. */
    void closeServer(Server s) {
        try {
            callOnLoop(() -> {
                servers.remove(s);
                s.close();
                s.abortClients();
                return null;
            });
        } catch (IOException | RuntimeException e) {
            // The loop is shutting down, which closes the server anyway.
        }
    }

    /** On the loop: stop listening, let connections flush for a while, then abort the rest. */
    private void closeServers() throws Exception {
        for (Server s : servers) {
            s.close();
            s.closeClients();
        }
        try {
            Asyncio.timeout(CLIENT_GRACE, () -> {
                for (Server s : servers) s.waitClosed();
            });
        } catch (TimeoutError slow) {
            for (Server s : servers) s.abortClients();
        }
        servers.clear();
    }

    @FunctionalInterface
    private interface OnLoop<T> {
        T call() throws IOException;
    }

    private <T> T callOnLoop(OnLoop<T> body) throws IOException {
        CompletableFuture<T> cf;
        try {
            cf = Asyncio.runCoroutineThreadsafe(body::call, loop);
        } catch (IllegalStateException closed) {
            throw closedGroup(closed);
        }
        try {
            return cf.get();
        } catch (CancellationException e) {
            throw closedGroup(e);
        } catch (InterruptedException e) {
            cf.cancel(false);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for loop " + index, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) throw io; // rule (a): the I/O exception itself
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error err) throw err;
            throw new IllegalStateException("loop " + index + " failed", c);
        }
    }

    private IllegalStateException closedGroup(Exception cause) {
        return new IllegalStateException("loop " + index + " of the group is closing: start a new LoopGroup", cause);
    }
}
