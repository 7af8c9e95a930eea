package io.jasyncio.net;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The JDK's {@link SSLEngine} with the buffers around it, for {@link TlsProtocol}: what asyncio's
 * {@code SSLObject} and its incoming and outgoing {@code MemoryBIO}s are to its {@code SSLProtocol}.
 * It holds the ciphertext received and not yet unwrapped ({@link #waiting}), the plaintext of the
 * last unwraps ({@link #plaintext}), and encrypts onto a transport ({@link #wrap}); the state
 * machine (handshake, delivery, shutdown) stays in {@link TlsProtocol}.
 */
final class TlsRecords {
    static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    final SSLEngine engine;
    /** Ciphertext from the peer not yet unwrapped, kept in write mode. */
    private ByteBuffer netIn;
    /** Plaintext unwrapped and not yet delivered, in write mode between deliveries. */
    private ByteBuffer appIn;
    private ByteBuffer netOut;

    /**
     * @param peerHost client side: the host connected to (for SNI and the hostname check); null
     *                 on the server side
     */
    TlsRecords(TlsOptions options, boolean serverSide, String peerHost, int peerPort) {
        if (serverSide) {
            engine = options.context().createSSLEngine();
            engine.setUseClientMode(false);
        } else {
            String name = options.serverHostname() != null ? options.serverHostname() : peerHost;
            engine = name == null || name.isEmpty()
                    ? options.context().createSSLEngine()
                    : options.context().createSSLEngine(name, peerPort);
            engine.setUseClientMode(true);
            if (name != null && !name.isEmpty()) {
                SSLParameters p = engine.getSSLParameters();
                if (!isIpLiteral(name)) p.setServerNames(List.of(new SNIHostName(name)));
                p.setEndpointIdentificationAlgorithm("HTTPS");
                engine.setSSLParameters(p);
            }
        }
        int packet = engine.getSession().getPacketBufferSize();
        netIn = ByteBuffer.allocate(packet);
        netOut = ByteBuffer.allocate(packet);
        appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    private static boolean isIpLiteral(String host) {
        try {
            InetAddress.ofLiteral(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Appends ciphertext from the peer, growing the buffer when it does not fit. */
    void received(ByteBuffer data) {
        if (netIn.remaining() < data.remaining()) {
            growNetIn(netIn.position() + Math.max(data.remaining(), netIn.capacity()));
        }
        netIn.put(data);
    }

    /** Moves the ciphertext not yet decrypted into a buffer of {@code capacity} bytes. */
    private void growNetIn(int capacity) {
        ByteBuffer bigger = ByteBuffer.allocate(capacity);
        netIn.flip();
        bigger.put(netIn);
        netIn = bigger;
    }

    /** Bytes of ciphertext received and not yet unwrapped. */
    int waiting() {
        return netIn.position();
    }

    /** One {@link SSLEngine#unwrap} of the ciphertext waiting into the plaintext buffer. */
    SSLEngineResult unwrap() throws SSLException {
        netIn.flip();
        try {
            return engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
        }
    }

    /** After a {@code BUFFER_UNDERFLOW}: makes room for a whole record of the session. */
    void fitPacket() {
        int need = engine.getSession().getPacketBufferSize();
        if (netIn.capacity() < need) growNetIn(need);
    }

    /**
     * After a {@code BUFFER_OVERFLOW}, once the plaintext was delivered (the buffer is empty):
     * makes room for the session's largest plaintext record.
     */
    void fitApplicationData() {
        int need = engine.getSession().getApplicationBufferSize();
        if (appIn.capacity() < need) appIn = ByteBuffer.allocate(need);
    }

    /** The plaintext unwrapped so far, flipped for reading; {@link #clearPlaintext} when done. */
    ByteBuffer plaintext() {
        return appIn.flip();
    }

    void clearPlaintext() {
        appIn.clear();
    }

    /**
     * Encrypts all of {@code src} (or one handshake record when it is empty) and writes the records
     * to {@code raw} unless it is closing.
     *
     * @return whether the engine produced anything
     */
    boolean wrap(ByteBuffer src, Transport raw) throws SSLException {
        boolean progressed = false;
        while (true) {
            netOut.clear();
            SSLEngineResult r = engine.wrap(src, netOut);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = ByteBuffer.allocate(Math.max(netOut.capacity() * 2, engine.getSession().getPacketBufferSize()));
                continue;
            }
            // The engine consumes plaintext only into a record it produces, and once closed it
            // produces nothing: a wrap that produced nothing ends the loop.
            if (r.bytesProduced() == 0) return progressed;
            netOut.flip();
            if (!raw.isClosing()) raw.write(netOut);
            progressed = true;
            if (!src.hasRemaining()) return true;
        }
    }
}
