package io.jasyncio.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;

/**
 * A read pipe on the loop's selector: the source end of a {@link java.nio.channels.Pipe}. Each
 * readiness event reads once (at most {@link IoLoop#MAX_READ} bytes into the loop's shared read
 * buffer), as the socket transport does. Loop thread only.
 */
final class SelectorReadPipe extends ReadPipe {
    private final IoLoop io;
    private final Pipe.SourceChannel channel;
    private final SelectionKey key;

    SelectorReadPipe(EventLoop loop, Pipe.SourceChannel channel, ReadPipeProtocol protocol, Future<Void> waiter)
            throws IOException {
        super(loop, protocol, waiter);
        this.io = IoLoop.of(loop);
        this.channel = channel;
        this.key = io.register(channel, 0, IoLoop.handle(loop, this::onReady));
        scheduleStart();
    }

    private void onReady() {
        if (!key.isValid() || closing || paused) return;
        ByteBuffer buf = io.readBuffer;
        buf.clear();
        int n;
        try {
            n = channel.read(buf);
        } catch (IOException e) {
            fatalError(e);
            return;
        }
        if (n < 0) {
            deliverEof();
            return;
        }
        if (n == 0) return; // another callback of this iteration read the pipe first
        ByteBuffer view = io.readView;
        view.clear().limit(n);
        deliver(view);
    }

    @Override
    void startReading() {
        IoLoop.interest(key, SelectionKey.OP_READ);
    }

    @Override
    void stopReading() {
        IoLoop.interest(key, 0);
    }

    @Override
    void release() {
        PipeEnds.releaseSelectable(channel);
    }

    @Override
    Object pipe() {
        return channel;
    }
}
