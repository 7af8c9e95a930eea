package io.jasyncio.stream;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * {@link StreamReader#asInputStream()}: the InputStream contract on top of
 * {@link StreamReader#read(int)}'s semantics. "Blocking" here suspends the calling task.
 */
final class ReaderInputStream extends InputStream {
    private final StreamReader reader;
    private final byte[] one = new byte[1];
    private boolean closed;

    ReaderInputStream(StreamReader reader) {
        this.reader = reader;
    }

    /** Suspending. */
    @Override
    public int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    /** Suspends until at least one byte is buffered or the stream ends (-1). */
    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        if (len == 0) return 0;
        return reader.readInto(b, off, len);
    }

    /** The bytes buffered now, readable without suspending. */
    @Override
    public int available() throws IOException {
        ensureOpen();
        return reader.buffered();
    }

    /** Closes this view only: the connection stays open (close its writer). */
    @Override
    public void close() {
        closed = true;
    }

    private void ensureOpen() throws IOException {
        if (closed) throw new IOException("Stream closed");
    }

    @Override
    public String toString() {
        return "InputStream of " + reader;
    }
}
