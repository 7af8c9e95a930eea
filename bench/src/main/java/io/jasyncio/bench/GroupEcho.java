package io.jasyncio.bench;

import io.jasyncio.loops.LoopGroup;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.Transport;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;

/**
 * The Protocol echo (as examples' EchoServer) on a {@link LoopGroup} of N loops sharing one port
 * through {@code SO_REUSEPORT}: bench/loops-bench.sh compares 1 and 2 loops with it.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp jasyncio-bench.jar io.jasyncio.bench.GroupEcho 8886 2
 * </pre>
 */
public final class GroupEcho {
    private GroupEcho() {
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

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8886;
        int loops = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        try (LoopGroup group = LoopGroup.start(loops)) {
            group.createServers(Echo::new, "127.0.0.1", port, ServerOptions.defaults().withBacklog(1024));
            System.out.println("echo server on 127.0.0.1:" + port + " with " + loops + " loops");
            new CountDownLatch(1).await(); // until the process is killed
        }
    }
}
