package io.jasyncio.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Handle;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A non-blocking connect that suspends the calling task: asyncio's {@code sock_connect}. The
 * channel stays registered afterwards (interest 0) so the transport can take its key over: a key
 * cancelled and re-registered before the next select would fail.
 */
final class Connector {
    private Connector() {
    }

    /** Connects {@code ch} (non-blocking, not yet registered) and returns its key. Suspending. */
    static SelectionKey connect(EventLoop loop, IoLoop io, SocketChannel ch, SocketAddress address) throws IOException {
        if (ch.connect(address)) return io.register(ch, 0, IoLoop.handle(loop, () -> { }));
        Future<Void> done = loop.createFuture();
        Handle h = IoLoop.handle(loop, () -> {
            if (done.done()) return;
            try {
                if (ch.finishConnect()) done.setResult(null);
            } catch (IOException e) {
                done.setException(e);
            }
        });
        SelectionKey key = io.register(ch, SelectionKey.OP_CONNECT, h);
        try {
            Resolver.awaitIo(done);
        } finally {
            h.cancel();
            IoLoop.interest(key, 0);
        }
        return key;
    }
}
