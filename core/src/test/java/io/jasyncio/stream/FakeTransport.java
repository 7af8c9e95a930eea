package io.jasyncio.stream;

import io.jasyncio.net.Protocol;
import io.jasyncio.net.Transport;
import io.jasyncio.net.WriteBufferLimits;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * A transport that records what a writer or protocol does to it, for tests that must see the
 * calls themselves (a close, a half close, a pause) rather than their effect on a peer.
 */
final class FakeTransport implements Transport {
    final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    final Map<String, Object> extra = new HashMap<>();
    boolean closing;
    boolean canWriteEof = true;
    int closes;
    int eofs;
    int pauses;
    int resumes;
    private boolean paused;

    @Override
    public void write(ByteBuffer data) {
        if (closes > 0) throw new IllegalStateException("Cannot call write() after close() or abort()");
        byte[] b = new byte[data.remaining()];
        data.get(b);
        sent.writeBytes(b);
    }

    @Override
    public void writelines(Iterable<ByteBuffer> buffers) {
        for (ByteBuffer b : buffers) write(b);
    }

    @Override public void writeEof() { eofs++; }
    @Override public boolean canWriteEof() { return canWriteEof; }
    @Override public void abort() { close(); }
    @Override public boolean isReading() { return !paused; }
    @Override public void pauseReading() { if (!paused) { paused = true; pauses++; } }
    @Override public void resumeReading() { if (paused) { paused = false; resumes++; } }
    @Override public long getWriteBufferSize() { return 0; }
    @Override public void setWriteBufferLimits(int high, int low) { }
    @Override public WriteBufferLimits getWriteBufferLimits() { return new WriteBufferLimits(0, 0); }
    @Override public Protocol getProtocol() { return null; }
    @Override public void setProtocol(Protocol protocol) { }
    @Override public Object getExtraInfo(String name) { return extra.get(name); }
    @Override public boolean isClosing() { return closing; }

    @Override
    public void close() {
        closes++;
        closing = true;
    }

    String sentText() {
        return sent.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return "FakeTransport";
    }
}
