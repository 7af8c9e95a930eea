package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Pipes as transports: asyncio's {@code loop.connect_read_pipe} and {@code connect_write_pipe}.
 * The ends of a {@link java.nio.channels.Pipe} are selectable and served by the loop's selector
 * like sockets. What Java cannot select — a process's pipes, a FIFO, {@code System.in} and
 * {@code System.out}, any {@link InputStream}/{@link OutputStream} — is served by one platform
 * thread per pipe doing the blocking reads or writes and handing data to the loop, so the loop
 * never blocks, flow control still pauses the reading (memory stays bounded), and the thread ends
 * with the pipe.
 *
 * <pre>{@code
 * Asyncio.run(() -> {
 *     Pipe pipe = Pipe.open();
 *     var in = Pipes.connectReadPipe(() -> new ReadPipeProtocol() {
 *         public void dataReceived(ByteBuffer data) { System.out.print(StandardCharsets.UTF_8.decode(data)); }
 *     }, pipe.source());
 *     var out = Pipes.connectWritePipe(() -> new WritePipeProtocol() { }, pipe.sink());
 *     out.transport().write("hello\n".getBytes(StandardCharsets.UTF_8));
 *     out.transport().close();
 * });
 * }</pre>
 *
 * <p>Every method works on the running loop and must be called from one of its tasks; each
 * suspends until the protocol's {@code connectionMade} has run (asyncio's order). They live in
 * {@code io.jasyncio.net} beside the socket transports because they share the loop's selector
 * registration, read buffer and write flow control with them.
 */
public final class Pipes {
    private static final AtomicLong COUNTER = new AtomicLong();

    private Pipes() {
    }

    /**
     * Reads the source end of a {@link Pipe} on the loop's selector (made non-blocking here).
     * Suspending.
     *
     * @throws ClosedChannelException if the channel is closed
     * @throws IllegalStateException  if the channel is already registered with this loop (by a
     *                                transport, a server, {@code addReader} or a {@link Sockets} wait)
     */
    public static <P extends ReadPipeProtocol> PipeConnection<ReadTransport, P> connectReadPipe(
            Supplier<P> protocolFactory, Pipe.SourceChannel source) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(source, "source");
        EventLoop loop = Asyncio.getRunningLoop();
        prepare(loop, source);
        P protocol = protocolFactory.get();
        Future<Void> waiter = loop.createFuture();
        ReadPipe t = new SelectorReadPipe(loop, source, protocol, waiter);
        awaitConnected(waiter, t);
        return new PipeConnection<>(t, protocol);
    }

    /**
     * Reads {@code in} (a process's output, a FIFO, {@code System.in}) with a dedicated thread
     * that hands the data to the loop. Closing the transport closes {@code in}. Suspending.
     */
    public static <P extends ReadPipeProtocol> PipeConnection<ReadTransport, P> connectReadPipe(
            Supplier<P> protocolFactory, InputStream in) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(in, "in");
        EventLoop loop = Asyncio.getRunningLoop();
        P protocol = protocolFactory.get();
        Future<Void> waiter = loop.createFuture();
        ReadPipe t = new ThreadReadPipe(loop, in, "read-" + COUNTER.incrementAndGet(), protocol, waiter);
        awaitConnected(waiter, t);
        return new PipeConnection<>(t, protocol);
    }

    /**
     * Opens the FIFO (or other file) at {@code path} for reading off the loop — opening a FIFO
     * waits for a writer — then reads it as {@link #connectReadPipe(Supplier, InputStream)}.
     * Suspending (also while the open waits). If the caller is cancelled while the open waits,
     * the open goes on in the executor's thread until a writer comes, and the stream it then
     * opens is closed.
     *
     * @throws java.nio.file.NoSuchFileException   if nothing is at {@code path}
     * @throws java.nio.file.AccessDeniedException if it may not be read
     */
    public static <P extends ReadPipeProtocol> PipeConnection<ReadTransport, P> connectReadPipe(
            Supplier<P> protocolFactory, Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        InputStream in = openOffLoop(() -> Files.newInputStream(path));
        return connectReadPipe(protocolFactory, in);
    }

    /**
     * Writes to the sink end of a {@link Pipe} on the loop's selector (made non-blocking here).
     * Suspending.
     *
     * @throws ClosedChannelException if the channel is closed
     * @throws IllegalStateException  if the channel is already registered with this loop
     */
    public static <P extends WritePipeProtocol> PipeConnection<WriteTransport, P> connectWritePipe(
            Supplier<P> protocolFactory, Pipe.SinkChannel sink) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(sink, "sink");
        EventLoop loop = Asyncio.getRunningLoop();
        prepare(loop, sink);
        P protocol = protocolFactory.get();
        Future<Void> waiter = loop.createFuture();
        WritePipe t = new SelectorWritePipe(loop, sink, protocol, waiter);
        awaitConnected(waiter, t);
        return new PipeConnection<>(t, protocol);
    }

    /**
     * Writes to {@code out} (a process's input, a FIFO, {@code System.out}) with a dedicated
     * thread; closing the transport closes {@code out} after the buffered data. Suspending.
     */
    public static <P extends WritePipeProtocol> PipeConnection<WriteTransport, P> connectWritePipe(
            Supplier<P> protocolFactory, OutputStream out) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(out, "out");
        EventLoop loop = Asyncio.getRunningLoop();
        P protocol = protocolFactory.get();
        Future<Void> waiter = loop.createFuture();
        WritePipe t = new ThreadWritePipe(loop, out, "write-" + COUNTER.incrementAndGet(), protocol, waiter);
        awaitConnected(waiter, t);
        return new PipeConnection<>(t, protocol);
    }

    /**
     * Opens the FIFO (or file) at {@code path} for writing off the loop — opening a FIFO waits for
     * a reader — then writes it as {@link #connectWritePipe(Supplier, OutputStream)}. Suspending.
     * If the caller is cancelled while the open waits, the stream opened later is closed.
     *
     * @throws java.nio.file.NoSuchFileException   if the parent directory does not exist
     * @throws java.nio.file.AccessDeniedException if it may not be written
     */
    public static <P extends WritePipeProtocol> PipeConnection<WriteTransport, P> connectWritePipe(
            Supplier<P> protocolFactory, Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        OutputStream out = openOffLoop(() -> Files.newOutputStream(path));
        return connectWritePipe(protocolFactory, out);
    }

    /**
     * Waits for {@code connectionMade}; if the wait ends otherwise (the caller is cancelled), closes
     * the transport nobody else holds, as asyncio's {@code connect_read_pipe} does.
     */
    private static void awaitConnected(Future<Void> waiter, BaseTransport t) {
        try {
            waiter.await();
        } catch (Throwable e) {
            t.close();
            throw e;
        }
    }

    /**
     * Opens a stream off the loop: a FIFO's open waits for its peer, and no interrupt ends that
     * wait. If the caller gives up first (cancelled), the stream the open makes later is closed
     * instead of leaked; whichever of the two sides comes second closes it.
     */
    private static <S extends Closeable> S openOffLoop(Callable<S> open) throws IOException {
        AtomicReference<Object> handoff = new AtomicReference<>();
        Future<S> opening = Asyncio.getRunningLoop().runInExecutor(null, () -> {
            S s = open.call();
            if (!handoff.compareAndSet(null, s)) s.close(); // the caller has given up
            return s;
        });
        try {
            return Resolver.awaitIo(opening);
        } catch (Throwable e) {
            if (handoff.getAndSet(e) instanceof Closeable opened) {
                try {
                    opened.close();
                } catch (IOException closeFailed) {
                    e.addSuppressed(closeFailed);
                }
            }
            throw e;
        }
    }

    /**
     * Makes {@code ch} non-blocking (which throws {@link ClosedChannelException} for a closed one;
     * a registered channel is non-blocking already) and refuses one already on this loop.
     */
    private static void prepare(EventLoop loop, SelectableChannel ch) throws IOException {
        ch.configureBlocking(false);
        if (ch.keyFor(IoLoop.of(loop).selector) != null) {
            throw new IllegalStateException("the pipe is already registered with this event loop (by a transport, "
                    + "addReader/addWriter or a Sockets wait): remove that first: " + ch);
        }
    }
}
