package io.jasyncio.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Handle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;

/**
 * A write pipe on the loop's selector: the sink end of a {@link java.nio.channels.Pipe}. A write
 * first goes to the pipe directly; what it does not take is copied to the buffer and written
 * when the key reports the pipe writable. Loop thread only.
 */
final class SelectorWritePipe extends WritePipe {
    private final Pipe.SinkChannel channel;
    private final Handle handle;
    private final SelectionKey key;
    private final ArrayDeque<ByteBuffer> buffer = new ArrayDeque<>();

    SelectorWritePipe(EventLoop loop, Pipe.SinkChannel channel, WritePipeProtocol protocol, Future<Void> waiter)
            throws IOException {
        super(loop, protocol, waiter);
        this.channel = channel;
        this.handle = IoLoop.handle(loop, this::onWritable);
        this.key = IoLoop.of(loop).register(channel, 0, handle);
        scheduleStart();
    }

    @Override
    void send(ByteBuffer data) {
        if (buffer.isEmpty()) {
            try {
                channel.write(data);
            } catch (IOException e) {
                data.position(data.limit());
                writeFailed(e);
                return;
            }
            if (!data.hasRemaining()) return;
            IoLoop.interest(key, SelectionKey.OP_WRITE);
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        buffer.add(copy);
        bufferSize += copy.remaining();
    }

    private void onWritable() {
        if (!key.isValid() || connLost > 0) return;
        long written = 0;
        try {
            while (!buffer.isEmpty()) {
                ByteBuffer b = buffer.peekFirst();
                written += channel.write(b);
                if (b.hasRemaining()) break;
                buffer.pollFirst();
            }
        } catch (IOException e) {
            IoLoop.interest(key, 0);
            writeFailed(e);
            return;
        }
        if (buffer.isEmpty()) IoLoop.interest(key, 0);
        wrote(written);
    }

    @Override
    void dropBuffer() {
        buffer.clear();
        IoLoop.interest(key, 0);
    }

    @Override
    void release() {
        key.cancel();
        handle.cancel();
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a pipe failed", e);
        }
    }

    @Override
    Object pipe() {
        return channel;
    }
}
