package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** A protocol that records what happens to it, with futures to await each event. Loop thread only. */
class Recorder implements Protocol {
    final EventLoop loop = Asyncio.getRunningLoop();
    final Future<Transport> made = loop.createFuture();
    final Future<Void> eof = loop.createFuture();
    /** Completes with the exception connectionLost got, or null. */
    final Future<Throwable> lost = loop.createFuture();
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    Transport transport;
    boolean echo;
    boolean keepOpenOnEof;
    int pauses;
    int resumes;
    private final List<Waiter> waiters = new ArrayList<>();

    private record Waiter(long size, Future<Void> future) {
    }

    static Recorder echo() {
        Recorder r = new Recorder();
        r.echo = true;
        return r;
    }

    @Override
    public void connectionMade(Transport t) {
        transport = t;
        made.setResult(t);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        if (echo) {
            transport.write(data.duplicate());
        }
        byte[] b = new byte[data.remaining()];
        data.get(b);
        received.write(b, 0, b.length);
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (received.size() >= w.size) {
                w.future.setResult(null);
                it.remove();
            }
        }
    }

    @Override
    public boolean eofReceived() {
        eof.setResult(null);
        return keepOpenOnEof;
    }

    @Override
    public void connectionLost(Throwable exc) {
        lost.setResult(exc);
    }

    @Override
    public void pauseWriting() {
        pauses++;
    }

    @Override
    public void resumeWriting() {
        resumes++;
    }

    /** Suspends until at least {@code n} bytes arrived in total. */
    void awaitReceived(long n) {
        if (received.size() >= n) return;
        Future<Void> f = loop.createFuture();
        waiters.add(new Waiter(n, f));
        f.await();
    }

    String text() {
        return received.toString(StandardCharsets.US_ASCII);
    }

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    static int port(Server server) throws java.io.IOException {
        return ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
    }
}
