package io.jasyncio.stream;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.net.Net;
import io.jasyncio.net.TlsOptions;
import io.jasyncio.net.Transport;
import io.jasyncio.net.WriteTransport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * Writes to a connection's peer: asyncio's {@code StreamWriter}, a {@link Transport} plus
 * {@link #drain()} for flow control and {@link #waitClosed()}.
 *
 * <pre>{@code
 * StreamWriter writer = conn.writer();
 * for (byte[] chunk : chunks) {
 *     writer.write(chunk);
 *     writer.drain();        // suspends while the peer is not keeping up
 * }
 * writer.close();
 * writer.waitClosed();
 * }</pre>
 *
 * <h2>Flow control</h2>
 * {@link #write} never suspends: what the socket does not take is buffered. Call
 * {@link #drain()} after writing; it suspends while the buffer is above the transport's
 * high-water mark (64 KiB by default, see {@link Transport#setWriteBufferLimits}), so a fast
 * writer cannot outrun a slow reader by more than that.
 *
 * <h2>Tasks and threads</h2>
 * Belongs to the loop of its connection. {@link #drain()}, {@link #waitClosed()} and
 * {@link #startTls} suspend and need a task of that loop; the rest do not suspend. Nothing is
 * thread-safe. {@link #asOutputStream()} gives a blocking {@link OutputStream} view.
 */
public final class StreamWriter implements AutoCloseable {
    private WriteTransport transport;
    /**
     * Flow control and the close waiter: a socket connection's {@link StreamReaderProtocol}
     * (which is its DrainFlow, see {@link #protocol()}) or a pipe's own DrainFlow. It also keeps
     * this writer's OutputStream view, made on first need: 3 fields, 24 bytes per connection.
     */
    private final DrainFlow flow;
    private final StreamReader reader;

    StreamWriter(WriteTransport transport, DrainFlow flow, StreamReader reader) {
        this.transport = transport;
        this.flow = flow;
        this.reader = reader;
    }

    /** The socket connection's protocol (for startTls), or null for a pipe. */
    private StreamReaderProtocol protocol() {
        return flow instanceof StreamReaderProtocol p ? p : null;
    }

    /**
     * The transport underneath: a socket's {@link Transport} (after {@link #startTls}, the TLS
     * one), or a pipe's {@link WriteTransport} (a subprocess's stdin).
     */
    public WriteTransport transport() {
        return transport;
    }

    /**
     * Sends {@code data}, or buffers what the socket does not take now; the caller may reuse the
     * array at once. Does not suspend.
     *
     * @throws IllegalStateException after {@link #close()} or {@link #writeEof()} ("Cannot call
     *                               write() after ...")
     */
    public void write(byte[] data) {
        transport.write(ByteBuffer.wrap(data));
    }

    /**
     * Writes {@code text} encoded in UTF-8 (no newline is added). Does not suspend.
     *
     * <pre>{@code
     * writer.write("HTTP/1.1 200 OK\r\n");
     * }</pre>
     *
     * @throws IllegalStateException after {@link #close()} or {@link #writeEof()}
     */
    public void write(String text) {
        write(text, StandardCharsets.UTF_8);
    }

    /**
     * Writes {@code text} encoded in {@code charset}; characters it cannot encode become the
     * charset's replacement bytes, as {@link String#getBytes(Charset)}. Does not suspend.
     *
     * @throws IllegalStateException after {@link #close()} or {@link #writeEof()}
     */
    public void write(String text, Charset charset) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(charset, "charset");
        transport.write(ByteBuffer.wrap(text.getBytes(charset)));
    }

    /** Like {@link #write(byte[])}, for the bytes between {@code data}'s position and limit. */
    public void write(ByteBuffer data) {
        transport.write(data);
    }

    /** Writes each array in order (asyncio's {@code writelines}; no newlines are added). */
    public void writeLines(Iterable<byte[]> data) {
        for (byte[] b : data) transport.write(ByteBuffer.wrap(b));
    }

    /**
     * Half close: the peer reads EOF once the buffered data is sent; we can still read.
     *
     * @throws UnsupportedOperationException on TLS, which cannot half close (see {@link #canWriteEof()})
     */
    public void writeEof() {
        transport.writeEof();
    }

    /** Whether {@link #writeEof()} works: true for TCP and Unix sockets, false for TLS. */
    public boolean canWriteEof() {
        return transport.canWriteEof();
    }

    /**
     * Closes the connection once the buffered data is sent: asyncio's {@code close()}.
     * Idempotent; does not suspend (wait with {@link #waitClosed()}). This is what a
     * try-with-resources block calls at its end; call it on the loop thread.
     */
    @Override
    public void close() {
        transport.close();
    }

    /** Whether the connection is closing or closed (by us, the peer or an error). */
    public boolean isClosing() {
        return transport.isClosing();
    }

    /**
     * Waits until the connection is closed. Suspending.
     *
     * @throws IOException the error the connection was lost with, if any
     */
    public void waitClosed() throws IOException {
        try {
            flow.closeWaiter().await();
        } catch (CompletionException e) {
            throw RethrownBy.rethrowable(e.getCause());
        }
    }

    /** Information about the connection, as {@link Transport#getExtraInfo(String)}: "peername", "sockname", "peercert", .... */
    public Object getExtraInfo(String name) {
        return transport.getExtraInfo(name);
    }

    /** {@link #getExtraInfo(String)}, or {@code defaultValue} when it is null. */
    public Object getExtraInfo(String name, Object defaultValue) {
        return transport.getExtraInfo(name, defaultValue);
    }

    /**
     * Waits until it is fine to write again: returns at once unless the write buffer is above its
     * high-water mark, then suspends until it drains to the low-water mark. Suspending (when the
     * connection is closing it always yields once, so that the loss can be noticed).
     *
     * @throws IOException           the error the connection broke with, or a
     *                               {@link java.net.SocketException} "Connection lost" once it is
     *                               closed
     * @throws CancelledError        if the task is cancelled while waiting
     */
    public void drain() throws IOException {
        throwReaderError();
        if (transport.isClosing()) {
            // Let connectionLost run first: a write()/drain() loop would otherwise never see it.
            Asyncio.sleep(Duration.ZERO);
            // asyncio goes straight on to "Connection lost" here; its comment's intent, and the
            // caller's interest, is the error the connection was lost with, if it just arrived.
            throwReaderError();
        }
        flow.drainHelper();
    }

    /** The reader of the same connection, or null (a subprocess's stdin has none). */
    StreamReader reader() {
        return reader;
    }

    private void throwReaderError() throws IOException {
        if (reader != null) {
            Throwable exc = reader.exception();
            if (exc != null) throw RethrownBy.mark(exc, "StreamWriter.drain()");
        }
    }

    /**
     * Upgrades the connection to TLS (STARTTLS): drains, then handshakes as the client, or as the
     * server for a connection of {@link Streams#startServer}. Reading and writing go on through
     * this writer and its reader; {@link #transport()} is then the TLS transport. Suspending.
     *
     * @throws javax.net.ssl.SSLHandshakeException if the handshake fails: the connection is aborted, and
     *                                             the reader and {@link #waitClosed()} then throw
     *                                             this error too (after a cancellation: the
     *                                             reader is at EOF)
     * @throws IllegalArgumentException            if the connection already uses TLS
     * @throws IllegalStateException               if this writer writes to a pipe
     */
    public void startTls(TlsOptions tls) throws IOException {
        Objects.requireNonNull(tls, "tls");
        StreamReaderProtocol protocol = protocol();
        if (protocol == null || !(transport instanceof Transport socket)) {
            throw new IllegalStateException("startTls needs a socket connection; this writer writes to " + transport);
        }
        boolean serverSide = protocol.serverSide();
        drain();
        // The protocol hears no connectionMade for the TLS transport (as in asyncio), and the
        // peer's close_notify may come before startTls returns: its EOF must already count as
        // TLS (no half close), not keep a plain connection half open.
        protocol.upgradingToTls(true);
        try {
            transport = Net.startTls(socket, protocol, tls, serverSide);
        } catch (Throwable t) {
            protocol.upgradingToTls(false);
            if (socket.getProtocol() != protocol) {
                // The handshake had begun and failed: the connection is aborted, and its events
                // go to a TLS protocol that never connected ours, so it will not pass the loss on
                // (asyncio's SSLProtocol does not either: connection_lost reaches the app protocol
                // only once the session is established, so an asyncio reader waits forever here).
                // We end the reader and waitClosed() with the error instead of leaving them hung.
                protocol.connectionLost(t instanceof IOException ? t : null);
            }
            throw t;
        }
        protocol.replaceWriter(this);
    }

    /**
     * This writer as an {@link OutputStream}: {@code write} writes and then {@link #drain()}s, so
     * it suspends the calling task while the peer is not keeping up; {@code flush} drains;
     * {@code close} closes the connection, as closing a {@code Socket}'s stream does. For Java
     * serializers inside a task. Same object every call.
     *
     * <pre>{@code
     * try (var out = new PrintStream(writer.asOutputStream(), false, UTF_8)) {
     *     out.println("bye");
     * }   // sends, then closes the connection
     * }</pre>
     */
    public OutputStream asOutputStream() {
        return flow.outputStream(this);
    }

    @Override
    public String toString() {
        return "StreamWriter[transport=" + transport + (reader != null ? ", reader=" + reader : "") + "]";
    }
}
