package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

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
    /** Pause reading in connectionMade: a peer that reads nothing until the test resumes it. */
    boolean pauseOnConnect;
    int pauses;
    int resumes;
    /** connectionMade calls. */
    int connections;
    private final List<Waiter> waiters = new ArrayList<>();

    private record Waiter(long size, Future<Void> future) {
    }

    static Recorder echo() {
        Recorder r = new Recorder();
        r.echo = true;
        return r;
    }

    static Recorder pausedOnConnect() {
        Recorder r = new Recorder();
        r.pauseOnConnect = true;
        return r;
    }

    @Override
    public void connectionMade(Transport t) {
        transport = t;
        connections++;
        if (!made.done()) made.setResult(t);
        if (pauseOnConnect) t.pauseReading();
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

    static int port(Server server) throws IOException {
        return ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
    }

    /** A server's protocol factory: each protocol {@code factory} makes is also added to {@code accepted}. */
    static <P extends Protocol> Supplier<P> collectedIn(List<? super P> accepted, Supplier<P> factory) {
        return () -> {
            P p = factory.get();
            accepted.add(p);
            return p;
        };
    }

    /** Suspends until a server made its first protocol with {@link #collectedIn}, and returns it. */
    static <P> P awaitFirst(List<P> accepted) {
        while (accepted.isEmpty()) Asyncio.sleep(0.001);
        return accepted.get(0);
    }

    /**
     * One echo round trip on a new connection to 127.0.0.1:{@code port}: sends {@code msg}, waits
     * for as many bytes back, closes, waits for connectionLost and returns what came back.
     */
    static String echoRoundTrip(int port, String msg) throws IOException {
        Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", port);
        c.transport().write(ascii(msg));
        c.protocol().awaitReceived(msg.length());
        c.transport().close();
        c.protocol().lost.await();
        return c.protocol().text();
    }
}
