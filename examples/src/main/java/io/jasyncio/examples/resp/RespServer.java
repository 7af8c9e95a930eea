package io.jasyncio.examples.resp;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.net.Net;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import java.io.IOException;
import java.time.Duration;

/**
 * A key-value server that speaks Redis's protocol (RESP2), so {@code redis-cli},
 * {@code redis-benchmark} and Redis client libraries work with it: PING, ECHO, GET, SET with
 * EX/PX/NX/XX, DEL, EXISTS, INCR, EXPIRE, PEXPIRE, TTL, PTTL, MGET, DBSIZE, FLUSHDB, pipelining.
 *
 * <pre>
 * ./mvnw -q -Prun verify -DskipTests -Dexample=resp.RespServer -Dargs=6380
 * redis-cli -p 6380 SET greeting hello EX 60
 * redis-cli -p 6380 GET greeting
 * </pre>
 *
 * <pre>{@code
 * Server server = RespServer.start("127.0.0.1", 6380);
 * server.serveForever();
 * }</pre>
 *
 * <p>One loop, one store, no locks: every connection's commands run on the loop thread, each to
 * its end, exactly as in Redis's single-threaded core. Times come from {@code loop.time()}, so the
 * server runs under virtual time in tests.
 */
public final class RespServer {
    private RespServer() {
    }

    /**
     * Starts the server with a new store on {@code host:port} (0: a free port) and a task that
     * sweeps expired keys ten times a second. Does not suspend except to resolve the host; call it
     * from a task. The sweeper ends when the calling task's loop closes.
     *
     * @throws java.net.BindException if the port is taken
     */
    public static Server start(String host, int port) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        Store store = new Store(() -> (long) (loop.time() * 1000));
        Server server = Net.createServer(() -> new RespConnection(store), host, port,
                ServerOptions.defaults().withBacklog(1024));
        Asyncio.createTask(() -> {
            while (!server.sockets().isEmpty()) {
                Asyncio.sleep(Duration.ofMillis(100));
                store.sweep(1000);
            }
        }, "resp-expiry-sweeper");
        return server;
    }

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 6380;
        Asyncio.run(() -> {
            Server server = start("127.0.0.1", port);
            System.out.println("RESP server on 127.0.0.1:" + server.port() + " (try: redis-cli -p " + server.port() + " PING)");
            server.serveForever();
        });
    }
}
