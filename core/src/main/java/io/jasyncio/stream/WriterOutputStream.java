package io.jasyncio.stream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * {@link StreamWriter#asOutputStream()}: each write is a {@link StreamWriter#write} followed by
 * {@link StreamWriter#drain()}, so "blocking" means suspending while the transport's buffer is
 * above its high-water mark, and a broken connection surfaces as an {@link IOException}.
 */
final class WriterOutputStream extends OutputStream {
    final StreamWriter writer;
    private boolean closed;

    WriterOutputStream(StreamWriter writer) {
        this.writer = writer;
    }

    /** Suspending (see the class comment). */
    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /** Suspending (see the class comment). */
    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        if (len == 0) return;
        writer.write(ByteBuffer.wrap(b, off, len));
        writer.drain();
    }

    /** {@link StreamWriter#drain()}. Suspending. */
    @Override
    public void flush() throws IOException {
        ensureOpen();
        writer.drain();
    }

    /** Closes the connection once the buffered data is sent. Idempotent; does not suspend. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        writer.close();
    }

    private void ensureOpen() throws IOException {
        if (closed) throw new IOException("Stream closed");
    }

    @Override
    public String toString() {
        return "OutputStream of " + writer;
    }
}
