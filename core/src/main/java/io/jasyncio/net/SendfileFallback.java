package io.jasyncio.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * {@link Net#sendfile} for transports that cannot hand the file to the kernel (TLS, whose bytes
 * must be encrypted): asyncio's {@code _sendfile_fallback} with its
 * {@code _SendfileFallbackProtocol}. Reads the file in chunks in the default executor and writes
 * each to the transport, waiting for the write buffer to drain below the low-water mark whenever
 * it passes the high one, so memory stays bounded by one chunk plus the high-water mark.
 *
 * <p>While it runs, this object stands in as the transport's protocol to hear
 * {@code pauseWriting}/{@code resumeWriting}; reading is paused, as in asyncio (anything still
 * delivered is passed on to the application's protocol), and a lost connection fails the send.
 * Afterwards the application's protocol is restored and, unlike asyncio (which only resumes),
 * told of any change in the paused state that happened meanwhile, so its pause/resume calls stay
 * balanced.
 */
final class SendfileFallback implements Protocol {
    /** asyncio's block size for the fallback. */
    static final int BLOCK_SIZE = 16 * 1024;

    private final EventLoop loop;
    private final Transport transport;
    private final Protocol app;
    private final boolean wasPaused;
    private Future<Void> writeReady;

    private SendfileFallback(EventLoop loop, Transport transport) {
        this.loop = loop;
        this.transport = transport;
        this.app = transport.getProtocol();
        this.wasPaused = transport instanceof TlsProtocol.AppTransport a && a.writingPaused();
        if (wasPaused) writeReady = loop.createFuture();
    }

    /** Sends up to {@code count} bytes of {@code file} from {@code offset}. Suspending. */
    static long send(EventLoop loop, Transport transport, FileChannel file, long offset, long count) throws IOException {
        if (offset < 0 || count < 0) throw new IllegalArgumentException("offset and count must be >= 0: " + offset + ", " + count);
        if (transport.isClosing()) throw new IllegalStateException("Transport is closing: " + transport);
        SendfileFallback proto = new SendfileFallback(loop, transport);
        boolean wasReading = transport.isReading();
        transport.pauseReading();
        transport.setProtocol(proto);
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(count, BLOCK_SIZE));
        long sent = 0;
        try {
            while (sent < count) {
                buf.clear().limit((int) Math.min(count - sent, buf.capacity()));
                long position = offset + sent;
                int read = Resolver.awaitIo(loop.runInExecutor(null, () -> file.read(buf, position)));
                if (read <= 0) break;
                proto.drain();
                buf.flip();
                transport.write(buf);
                sent += read;
            }
            return sent;
        } finally {
            proto.restore(wasReading);
        }
    }

    /** Returns at once unless writing is paused; then suspends until it resumes. */
    private void drain() throws IOException {
        if (transport.isClosing()) throw new IOException("Connection closed by peer: " + transport);
        Future<Void> f = writeReady;
        if (f != null) Resolver.awaitIo(f);
    }

    private void restore(boolean wasReading) {
        transport.setProtocol(app);
        if (wasReading) transport.resumeReading();
        Future<Void> f = writeReady;
        boolean pausedNow = f != null;
        if (f != null && !f.done()) f.cancel();
        else if (f != null && !f.cancelled()) f.exception(); // retrieved: the send already failed or returned
        if (transport.isClosing()) return;
        if (wasPaused && !pausedNow) app.resumeWriting();
        else if (!wasPaused && pausedNow) app.pauseWriting();
    }

    @Override
    public void pauseWriting() {
        if (writeReady == null) writeReady = loop.createFuture();
    }

    @Override
    public void resumeWriting() {
        Future<Void> f = writeReady;
        writeReady = null;
        if (f != null && !f.done()) f.setResult(null);
    }

    @Override
    public void connectionLost(Throwable exc) {
        Future<Void> f = writeReady;
        if (f != null && !f.done()) {
            // Never happens when the peer disconnects after the whole content: always an error.
            IOException why = exc instanceof IOException io ? io : new IOException("Connection is closed by peer", exc);
            f.setException(why);
        }
        app.connectionLost(exc);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        app.dataReceived(data);
    }

    @Override
    public boolean eofReceived() {
        return app.eofReceived();
    }

    @Override
    public String toString() {
        return "SendfileFallback[" + app + "]";
    }
}
