package io.jasyncio.examples;

import io.jasyncio.Asyncio;
import io.jasyncio.loops.LoopGroup;
import io.jasyncio.net.Net;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.Transport;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A TCP echo server on the Protocol API: every byte a client sends comes straight back.
 *
 * <p>Run it from the repository root (the demo jar holds the examples and the library; {@code java}
 * must be a JDK 25):
 * <pre>
 * ./mvnw -q -Prun verify -DskipTests -Dexample=EchoServer -Dargs=8888
 * nc 127.0.0.1 8888
 * </pre>
 * or, once built ({@code ./mvnw -q -pl examples -am package -DskipTests}):
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp examples/target/jasyncio-demo.jar io.jasyncio.examples.EchoServer 8888
 * </pre>
 *
 * The write in {@code dataReceived} sends from the loop's read buffer directly when the socket
 * takes it all (the usual case), so an echo costs no allocation; what the socket refuses is copied
 * into the transport's write buffer. A client that does not read makes that buffer grow past the
 * high-water mark: we then stop reading from it until it drains, so memory stays bounded.
 *
 * <p>With a second argument it runs on that many loops, one thread each, sharing the port through
 * {@code SO_REUSEPORT} ({@link LoopGroup}); the kernel spreads new connections over them
 * ({@code bench/loops-bench.sh} compares 1 and 2 loops with it):
 * <pre>
 * ./mvnw -q -Prun verify -DskipTests -Dexample=EchoServer -Dargs="8888 2"
 * </pre>
 */
public final class EchoServer {
    private EchoServer() {
    }

    static final class Echo implements Protocol {
        private Transport transport;

        @Override
        public void connectionMade(Transport transport) {
            this.transport = transport;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }

        @Override
        public void pauseWriting() {
            transport.pauseReading();
        }

        @Override
        public void resumeWriting() {
            transport.resumeReading();
        }
    }

    /**
     * Starts echoing on {@code host:port} (0: a free port). Does not suspend except to resolve the
     * host; call it from a task.
     */
    public static Server start(String host, int port) throws java.io.IOException {
        return Net.createServer(Echo::new, host, port, ServerOptions.defaults().withBacklog(1024));
    }

    /**
     * Starts echoing on {@code host:port} on every loop of {@code group} (port 0: one free port for
     * all). Blocks until every loop listens; the group's {@code close()} closes the servers. Call it
     * from a plain thread, not from a loop.
     */
    public static List<Server> startOn(LoopGroup group, String host, int port) throws java.io.IOException {
        return group.createServers(Echo::new, host, port, ServerOptions.defaults().withBacklog(1024));
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8888;
        if (args.length > 1) {
            try (LoopGroup group = LoopGroup.start(Integer.parseInt(args[1]))) {
                startOn(group, "127.0.0.1", port);
                System.out.println("echo server on 127.0.0.1:" + port + " with " + group.size() + " loops");
                new CountDownLatch(1).await(); // until the process is killed
            }
            return;
        }
        Asyncio.run(() -> {
            Server server = start("127.0.0.1", port);
            System.out.println("echo server on " + server.sockets().get(0).getLocalAddress());
            server.serveForever();
        });
    }
}
