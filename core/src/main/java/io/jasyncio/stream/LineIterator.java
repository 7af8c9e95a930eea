package io.jasyncio.stream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * {@link StreamReader#iterator()}: the lines until EOF, each read by {@link StreamReader#readLine()}
 * when {@link #hasNext()} asks for it (so {@code hasNext()} suspends). An {@link IOException}
 * surfaces wrapped in {@link UncheckedIOException}, the only way through {@code Iterator}.
 */
final class LineIterator implements Iterator<byte[]> {
    private final StreamReader reader;
    /** The line read ahead by hasNext() and not yet returned, or null. */
    private byte[] next;
    /** EOF was reached: readLine() returned an empty array. */
    private boolean done;

    LineIterator(StreamReader reader) {
        this.reader = reader;
    }

    @Override
    public boolean hasNext() {
        if (next != null) return true;
        if (done) return false;
        byte[] line;
        try {
            line = reader.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (line.length == 0) {
            done = true;
            return false;
        }
        next = line;
        return true;
    }

    @Override
    public byte[] next() {
        if (!hasNext()) throw new NoSuchElementException("the stream is at EOF");
        byte[] line = next;
        next = null;
        return line;
    }
}
