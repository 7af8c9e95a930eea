package io.jasyncio.net;

import static io.jasyncio.net.Recorder.port;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Future;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class BufferedProtocolTest {

    /** Reads through a deliberately tiny buffer of its own, so every read is a small one. */
    static class SmallBuffer implements BufferedProtocol {
        final ByteBuffer buf = ByteBuffer.allocate(1000);
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final Future<Void> eof = Asyncio.getRunningLoop().createFuture();
        int reads;
        boolean dataReceivedCalled;

        @Override
        public ByteBuffer getBuffer(int sizeHint) {
            assertEquals(-1, sizeHint);
            return buf;
        }

        @Override
        public void bufferUpdated(int nbytes) {
            reads++;
            assertEquals(nbytes, buf.position());
            got.write(buf.array(), 0, nbytes);
            buf.clear();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            dataReceivedCalled = true;
        }

        @Override
        public boolean eofReceived() {
            eof.setResult(null);
            return false;
        }
    }

    @Test
    void bytesLandInTheProtocolsOwnBuffer() {
        byte[] payload = new byte[1 << 20];
        new Random(1).nextBytes(payload);
        Asyncio.run(() -> {
            List<SmallBuffer> accepted = new ArrayList<>();
            Server server = Net.createServer(Recorder.collectedIn(accepted, SmallBuffer::new), "127.0.0.1", 0);
            Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", port(server));
            c.transport().write(payload);
            c.transport().writeEof();
            SmallBuffer p = Recorder.awaitFirst(accepted);
            p.eof.await();
            assertArrayEquals(payload, p.got.toByteArray());
            assertTrue(p.reads >= payload.length / 1000);
            assertFalse(p.dataReceivedCalled);
            server.close();
        });
    }

    @Test
    void aBufferWithoutRoomIsAProtocolError() {
        Asyncio.run(() -> {
            List<String> errors = new ArrayList<>();
            Asyncio.getRunningLoop().setExceptionHandler((loop, ctx) -> errors.add(ctx.message()));
            Server server = Net.createServer(() -> new SmallBuffer() {
                @Override
                public ByteBuffer getBuffer(int sizeHint) {
                    return ByteBuffer.allocate(0);
                }
            }, "127.0.0.1", 0);
            Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", port(server));
            c.transport().write(new byte[10]);
            c.protocol().lost.await();
            assertEquals(1, errors.size());
            assertTrue(errors.get(0).contains("getBuffer"), errors.get(0));
            server.close();
        });
    }

    /**
     * What the exception handler's error says when getBuffer() gives nothing to read into: a
     * null and a buffer without room are named apart, so the user sees which mistake it was.
     */
    @Test
    void theErrorOfAWrongGetBufferResultNamesNullOrTheBufferWithoutRoom() {
        ByteBuffer full = ByteBuffer.allocate(8).position(8);
        assertEquals("getBuffer() returned null", getBufferFailure(null).getMessage());
        assertEquals("getBuffer() returned a buffer without room: " + full, getBufferFailure(full).getMessage());
    }

    /** The exception reported when the accepted connection's getBuffer() returns {@code result}. */
    private static Throwable getBufferFailure(ByteBuffer result) {
        List<Throwable> errors = new ArrayList<>();
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((loop, ctx) -> errors.add(ctx.exception()));
            Server server = Net.createServer(() -> new SmallBuffer() {
                @Override
                public ByteBuffer getBuffer(int sizeHint) {
                    return result;
                }
            }, "127.0.0.1", 0);
            Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", port(server));
            c.transport().write(new byte[10]);
            c.protocol().lost.await();
            server.close();
        });
        assertEquals(1, errors.size(), errors.toString());
        return assertInstanceOf(IllegalStateException.class, errors.get(0));
    }
}
