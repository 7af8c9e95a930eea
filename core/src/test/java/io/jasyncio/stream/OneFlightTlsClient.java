package io.jasyncio.stream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/**
 * A blocking STARTTLS client (run it off the loop) built on a bare {@link SSLEngine}, so that it
 * controls which TLS records share a TCP segment: it sends its last handshake flight (the
 * Finished), its data and its close_notify in one write. The server then reads all three in one
 * callback, before its own startTls has returned: a window a real client hits only by chance.
 */
final class OneFlightTlsClient {
    private OneFlightTlsClient() {
    }

    /**
     * Connects to 127.0.0.1:{@code port}, sends "STARTTLS\n", waits for "GO\n", shakes hands as
     * the client of "localhost", then sends Finished + {@code data} + close_notify in one write
     * and reads until the server closes.
     */
    static void startTlsSendAndClose(SSLContext context, int port, byte[] data) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            out.write("STARTTLS\n".getBytes(StandardCharsets.US_ASCII));
            expect(in, "GO\n");

            SSLEngine engine = context.createSSLEngine("localhost", port);
            engine.setUseClientMode(true);
            int packet = engine.getSession().getPacketBufferSize();
            ByteBuffer netIn = ByteBuffer.allocate(packet);
            ByteBuffer appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
            ByteArrayOutputStream unsent = new ByteArrayOutputStream();
            engine.beginHandshake();
            HandshakeStatus hs = engine.getHandshakeStatus();
            while (hs != HandshakeStatus.FINISHED && hs != HandshakeStatus.NOT_HANDSHAKING) {
                switch (hs) {
                    case NEED_WRAP -> hs = wrap(engine, ByteBuffer.allocate(0), unsent, packet).getHandshakeStatus();
                    case NEED_TASK -> {
                        Runnable task;
                        while ((task = engine.getDelegatedTask()) != null) task.run();
                        hs = engine.getHandshakeStatus();
                    }
                    default -> {
                        netIn.flip();
                        SSLEngineResult r = engine.unwrap(netIn, appIn);
                        netIn.compact();
                        hs = r.getHandshakeStatus();
                        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                            // Only now does the server need what we wrote: send it, then read.
                            out.write(unsent.toByteArray());
                            unsent.reset();
                            int n = in.read(netIn.array(), netIn.position(), netIn.remaining());
                            if (n < 0) throw new IOException("the server closed during the handshake");
                            netIn.position(netIn.position() + n);
                        }
                    }
                }
            }
            // The handshake's last flight is still in `unsent`: add the data and close_notify.
            wrap(engine, ByteBuffer.wrap(data), unsent, packet);
            engine.closeOutbound();
            wrap(engine, ByteBuffer.allocate(0), unsent, packet);
            out.write(unsent.toByteArray());
            out.flush();
            while (in.read(new byte[4096]) >= 0) {
                // the server's session ticket and close_notify: not decrypted, only awaited
            }
        }
    }

    private static SSLEngineResult wrap(SSLEngine engine, ByteBuffer src, ByteArrayOutputStream to, int packet)
            throws IOException {
        SSLEngineResult r;
        do {
            ByteBuffer net = ByteBuffer.allocate(packet);
            r = engine.wrap(src, net);
            to.write(net.array(), 0, net.position());
        } while (src.hasRemaining() && r.getStatus() == SSLEngineResult.Status.OK);
        return r;
    }

    private static void expect(InputStream in, String line) throws IOException {
        byte[] want = line.getBytes(StandardCharsets.US_ASCII);
        for (byte b : want) {
            int got = in.read();
            if (got != b) throw new IOException("expected " + line.strip() + ", got byte " + got);
        }
    }
}
