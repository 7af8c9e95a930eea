package io.jasyncio.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;

/**
 * A write pipe on the loop's selector: the sink end of a {@link java.nio.channels.Pipe}. Loop
 * thread only.
 *
 * <h2>Implementation notes</h2>
 * Bytes go to the pipe through one direct staging buffer ({@link #staged}, {@value #STAGE} bytes,
 * made on the first write). Handing the JDK a heap buffer would make it copy the whole buffer
 * into a temporary direct one on every attempt, although a pipe takes at most 64 KiB at a time:
 * with a 256 KiB write that is about four copies per byte, here it is one. What does not fit in
 * the staging buffer waits, copied, in {@link #overflow}. {@code bufferSize} is the staged plus
 * the overflowing bytes.
 */
final class SelectorWritePipe extends WritePipe {
    static final int STAGE = 256 * 1024;

    private final Pipe.SinkChannel channel;
    private final SelectionKey key;
    /** Bytes not yet written, between position and limit (read mode); null until the first write. */
    private ByteBuffer staged;
    /** Copies of what did not fit in {@link #staged}, oldest first. */
    private final ArrayDeque<ByteBuffer> overflow = new ArrayDeque<>();

    SelectorWritePipe(EventLoop loop, Pipe.SinkChannel channel, WritePipeProtocol protocol, Future<Void> waiter)
            throws IOException {
        super(loop, protocol, waiter);
        this.channel = channel;
        this.key = IoLoop.of(loop).register(channel, 0, IoLoop.handle(loop, this::onWritable));
        scheduleStart();
    }

    @Override
    void send(ByteBuffer data) {
        if (staged == null) staged = ByteBuffer.allocateDirect(STAGE).flip();
        boolean wasEmpty = bufferSize == 0;
        if (!overflow.isEmpty()) {
            queue(data);
            return;
        }
        stage(data);
        if (data.hasRemaining()) queue(data);
        if (wasEmpty) {
            flush();
            if (connLost == 0 && bufferSize > 0) IoLoop.interest(key, SelectionKey.OP_WRITE);
        }
    }

    /** Moves as much of {@code data} as fits into the staging buffer. */
    private void stage(ByteBuffer data) {
        ByteBuffer s = staged;
        s.compact();
        int n = Math.min(s.remaining(), data.remaining());
        int limit = data.limit();
        data.limit(data.position() + n);
        s.put(data);
        data.limit(limit);
        s.flip();
        bufferSize += n;
    }

    private void queue(ByteBuffer data) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        overflow.add(copy);
        bufferSize += copy.remaining();
    }

    /**
     * Writes while the pipe takes bytes, refilling the staging buffer; false if a write failed
     * (then the pipe is closed with the error, which drops the buffer and stops the interest).
     */
    private boolean flush() {
        long written = 0;
        try {
            while (true) {
                int n = channel.write(staged);
                written += n;
                if (staged.hasRemaining() || overflow.isEmpty()) break;
                // refill from the overflow; bufferSize already counts those bytes
                while (!overflow.isEmpty() && staged.remaining() < staged.capacity()) {
                    ByteBuffer next = overflow.peekFirst();
                    long before = bufferSize;
                    stage(next);
                    bufferSize = before;
                    if (!next.hasRemaining()) overflow.pollFirst();
                    else break;
                }
            }
        } catch (IOException e) {
            writeFailed(e);
            return false;
        }
        bufferSize -= written;
        return true;
    }

    /**
     * After the loss the buffer was dropped (a handle queued in that iteration writes nothing and
     * {@code wrote} returns at its guard); after the release the key is invalid.
     */
    private void onWritable() {
        if (!key.isValid()) return;
        long before = bufferSize;
        if (!flush()) return;
        if (bufferSize == 0) IoLoop.interest(key, 0);
        long written = before - bufferSize;
        // wrote() subtracts itself: give the count back to it
        bufferSize = before;
        wrote(written);
    }

    @Override
    void dropBuffer() {
        overflow.clear();
        if (staged != null) staged.clear().flip();
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
