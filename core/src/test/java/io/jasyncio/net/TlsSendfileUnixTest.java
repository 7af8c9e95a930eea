package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static io.jasyncio.net.Recorder.port;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link Net#sendfile} over TLS (asyncio's fallback) and TLS over Unix domain sockets. */
@Timeout(30)
class TlsSendfileUnixTest extends TlsTestBase {
    @Test
    void sendfileOverTlsFallsBackToBoundedChunkedWrites() throws Exception {
        byte[] content = new byte[8 << 20];
        new Random(11).nextBytes(content);
        Path file = Files.write(dir.resolve("tls-blob.bin"), content);
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            // the peer reads nothing until the test has seen sendfile wait for the drain
            Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::pausedOnConnect), "127.0.0.1", 0,
                    certs.serverOptions());
            Connection<Recorder> c = Net.createConnection(Recorder::new, "localhost", port(server),
                    TlsOptions.of(certs.client()));
            Transport t = c.transport();
            t.write(ascii("head"));
            Task<Long> send = Asyncio.createTask(() -> {
                try (FileChannel fc = FileChannel.open(file)) {
                    return Net.sendfile(t, fc, 1000, Long.MAX_VALUE);
                }
            });
            Recorder peer = Recorder.awaitFirst(accepted);
            peer.made.await();
            // The peer does not read: once the kernel's buffers are full the transport pauses
            // writing and the fallback must wait for the drain. Awaited as that event (polled:
            // the application's protocol does not hear the fallback's pause), then several loop
            // turns in which the fallback must not write on.
            while (!((TlsProtocol.AppTransport) t).writingPaused()) {
                assertFalse(send.done(), "sendfile finished though the peer reads nothing");
                Asyncio.sleep(0.001);
            }
            for (int i = 0; i < 10; i++) Asyncio.sleep(0);
            assertFalse(send.done());
            assertFalse(t.isReading(), "reading is paused during the fallback, as in asyncio");
            long buffered = t.getWriteBufferSize();
            assertTrue(buffered > 0);
            assertTrue(buffered <= WriteFlow.DEFAULT_HIGH_WATER + 2 * SendfileFallback.BLOCK_SIZE + 4096,
                    "write buffer bounded by the high-water mark plus a chunk: " + buffered);
            assertEquals(0, c.protocol().pauses, "the application's protocol does not hear the fallback's pauses");
            peer.transport.resumeReading();
            assertEquals(content.length - 1000, send.await());
            assertSame(c.protocol(), t.getProtocol(), "the application's protocol is restored");
            assertTrue(t.isReading());
            assertEquals(c.protocol().pauses, c.protocol().resumes + (((TlsProtocol.AppTransport) t).writingPaused() ? 1 : 0),
                    "the application's protocol hears pause/resume balanced with the transport's state");
            t.write(ascii("tail"));
            long total = 4 + content.length - 1000 + 4;
            peer.awaitReceived(total);
            byte[] got = peer.received.toByteArray();
            assertEquals(total, got.length);
            assertEquals("head", new String(got, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
            assertArrayEquals(Arrays.copyOfRange(content, 1000, content.length), Arrays.copyOfRange(got, 4, got.length - 4));
            assertEquals("tail", new String(got, got.length - 4, 4, java.nio.charset.StandardCharsets.US_ASCII));

            // a bounded count, and an offset past the end sends nothing
            try (FileChannel fc = FileChannel.open(file)) {
                assertEquals(20_000, Net.sendfile(t, fc, 0, 20_000));
                assertEquals(0, Net.sendfile(t, fc, content.length + 5, 10));
            }
            peer.awaitReceived(total + 20_000);
            assertArrayEquals(Arrays.copyOfRange(content, 0, 20_000),
                    Arrays.copyOfRange(peer.received.toByteArray(), (int) total, (int) total + 20_000));
            t.close();
            assertNull(c.protocol().lost.await());
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void sendfileOverTlsFailsWhenThePeerGoesAway() throws Exception {
        Path file = Files.write(dir.resolve("tls-blob2.bin"), new byte[16 << 20]); // more than the socket buffers hold
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::pausedOnConnect), "127.0.0.1", 0,
                    certs.serverOptions());
            Connection<Recorder> c = Net.createConnection(Recorder::new, "localhost", port(server),
                    TlsOptions.of(certs.client()));
            Task<Long> send = Asyncio.createTask(() -> {
                try (FileChannel fc = FileChannel.open(file)) {
                    return Net.sendfile(c.transport(), fc, 0, Long.MAX_VALUE);
                }
            });
            Recorder peer = Recorder.awaitFirst(accepted);
            peer.made.await();
            // the peer goes away while the send waits for the drain (16 MiB cannot all be buffered)
            while (!((TlsProtocol.AppTransport) c.transport()).writingPaused()) {
                assertFalse(send.done(), "sendfile finished though the peer reads nothing");
                Asyncio.sleep(0.001);
            }
            assertFalse(send.done());
            peer.transport.abort();
            var failure = assertThrows(java.util.concurrent.CompletionException.class, send::await);
            assertInstanceOf(java.io.IOException.class, failure.getCause());
            c.protocol().lost.await(); // the application's protocol still hears the loss
            assertThrows(IllegalStateException.class, () -> {
                try (FileChannel fc = FileChannel.open(file)) {
                    Net.sendfile(c.transport(), fc, 0, 10);
                }
            });
            server.close();
            server.waitClosed();
        });
    }

    /**
     * A send started while the TLS transport is paused writes nothing until the peer drains it:
     * it reads its first block and then waits (as asyncio's fallback awaits {@code drain()}),
     * instead of adding to a buffer already over the high-water mark; once drained it writes, and
     * the application hears the resume as the send returns, once. The peer reads nothing until the
     * test has seen the send suspended in that wait: its task's stack, a state the send reaches or
     * passes whatever the timing, not a sleep.
     */
    @Test
    void aSendStartedWhileWritingIsPausedWritesNothingUntilThePeerDrainsThenTellsTheApplicationOfTheResume() throws Exception {
        byte[] content = new byte[1000]; // one block, far below the high-water mark
        new Random(13).nextBytes(content);
        Path file = Files.write(dir.resolve("tls-held.bin"), content);
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::pausedOnConnect), "127.0.0.1", 0,
                    certs.serverOptions());
            Connection<Recorder> c = Net.createConnection(Recorder::new, "localhost", port(server),
                    TlsOptions.of(certs.client()));
            Transport t = c.transport();
            Recorder peer = Recorder.awaitFirst(accepted);
            peer.made.await();
            long written = writeUntilPaused(t, c.protocol());
            long buffered = t.getWriteBufferSize();
            Task<Long> send = Asyncio.createTask(() -> {
                try (FileChannel fc = FileChannel.open(file)) {
                    return Net.sendfile(t, fc, 0, content.length);
                }
            });
            // Loop turns until the send is suspended in its wait for the drain, or has ended.
            while (!send.done() && !waitsForTheDrain(send)) Asyncio.sleep(0);
            assertFalse(send.done(), "the send waits for the drain");
            assertEquals(buffered, t.getWriteBufferSize(), "and has written nothing meanwhile");
            peer.transport.resumeReading();
            assertEquals(content.length, send.await());
            // The send could only write after the drain, and the pause the application heard
            // before the send has ended: it is told so as the send returns, and not told twice.
            assertFalse(((TlsProtocol.AppTransport) t).writingPaused(), "drained, and one small block written after");
            assertEquals(1, c.protocol().resumes, "the application hears the resume when the send returns");
            peer.awaitReceived(written + content.length);
            byte[] got = peer.received.toByteArray();
            assertArrayEquals(content, Arrays.copyOfRange(got, (int) written, got.length));
            assertEquals(1, c.protocol().pauses);
            assertEquals(1, c.protocol().resumes, "one pause, one resume");
            t.close();
            assertNull(c.protocol().lost.await());
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void tlsOverAUnixSocket(@TempDir Path sockDir) {
        Path path = sockDir.resolve("tls.sock");
        Asyncio.run(() -> {
            Server server = Net.createUnixServer(Recorder::echo, path, certs.serverOptions());
            assertThrows(IllegalArgumentException.class,
                    () -> Net.createUnixConnection(Recorder::new, path, TlsOptions.of(certs.client())),
                    "asyncio: server_hostname is required for ssl over a unix socket");
            Connection<Recorder> c = Net.createUnixConnection(Recorder::new, path,
                    TlsOptions.of(certs.client()).withServerHostname("localhost"));
            Transport t = c.transport();
            assertEquals(certs.cert(), t.getExtraInfo("peercert"));
            assertNotNull(t.getExtraInfo("cipher"));
            assertEquals(java.net.UnixDomainSocketAddress.of(path), t.getExtraInfo("peername"));
            t.write(ascii("tls over unix"));
            c.protocol().awaitReceived(13);
            assertEquals("tls over unix", c.protocol().text());
            t.close();
            assertNull(c.protocol().lost.await());

            // the name is checked against the certificate
            assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> Net.createUnixConnection(Recorder::new, path,
                    TlsOptions.of(certs.client()).withServerHostname("not-localhost.example")));
            // "" turns the check off (the certificate chain is still verified)
            Connection<Recorder> c2 = Net.createUnixConnection(Recorder::new, path,
                    TlsOptions.of(certs.client()).withServerHostname(""));
            c2.transport().write(ascii("ok"));
            c2.protocol().awaitReceived(2);
            c2.transport().close();
            c2.protocol().lost.await();
            server.close();
            server.waitClosed();
        });
    }

    /** The application fills the kernel's buffers and the transport's until it is paused; returns the bytes written. */
    private static long writeUntilPaused(Transport t, Recorder app) {
        byte[] block = new byte[256 * 1024];
        long written = 0;
        for (int i = 0; i < 400 && app.pauses == 0; i++) {
            t.write(java.nio.ByteBuffer.wrap(block));
            written += block.length;
            Asyncio.sleep(0.001);
        }
        assertEquals(1, app.pauses, "the application's writes paused the transport");
        return written;
    }

    /** Whether {@code send}'s task is suspended in the fallback's wait for the transport to drain. */
    private static boolean waitsForTheDrain(Task<?> send) {
        Thread carrier = send.thread();
        if (carrier == null) return false;
        for (StackTraceElement e : carrier.getStackTrace()) {
            if (e.getClassName().equals(SendfileFallback.class.getName()) && e.getMethodName().equals("drain")) return true;
        }
        return false;
    }
}
