package io.jasyncio.examples;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.net.Server;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An example server running on its own event loop in a platform thread, so that a test thread can
 * drive it with real clients (curl, nc, redis-cli) that block. {@link #close()} closes the server
 * and its connections and waits for the loop to end.
 */
public final class RunningServer implements AutoCloseable {
    private final Thread thread;
    private final CompletableFuture<Object[]> started = new CompletableFuture<>();
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final EventLoop loop;
    private final Task<?> main;
    private final Server server;
    /** The server's port. */
    public final int port;

    public RunningServer(Coroutine<Server> start) throws Exception {
        thread = Thread.ofPlatform().name("example-server").start(() -> {
            try {
                Asyncio.run(() -> {
                    Server s = start.call();
                    started.complete(new Object[] {Asyncio.getRunningLoop(), Asyncio.currentTask(), s, s.port()});
                    s.serveForever();
                });
            } catch (CancelledError expected) {
                // close() cancels serveForever.
            } catch (Throwable e) {
                started.completeExceptionally(e);
                finished.completeExceptionally(e);
                return;
            }
            finished.complete(null);
        });
        Object[] s = started.get(30, TimeUnit.SECONDS);
        loop = (EventLoop) s[0];
        main = (Task<?>) s[1];
        server = (Server) s[2];
        port = (Integer) s[3];
    }

    /** The loop the server runs on. */
    public EventLoop loop() {
        return loop;
    }

    @Override
    public void close() throws Exception {
        loop.callSoonThreadsafe(() -> {
            server.close();
            server.abortClients();
            main.cancel("test over");
        });
        finished.get(30, TimeUnit.SECONDS);
        thread.join(30_000);
    }
}
