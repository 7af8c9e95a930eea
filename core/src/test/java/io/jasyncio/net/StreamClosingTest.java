package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stream transport that closes while its write buffer still holds data (asyncio's
 * {@code _SelectorSocketTransport.close}): it stops reading at once, flushes, and only then
 * tells the protocol; a half-close ({@code writeEof}) waits for the buffer in the same way.
 */
@Timeout(20)
class StreamClosingTest {
    private static final byte[] MORE_THAN_THE_SOCKET_TAKES = new byte[16 << 20];

    /** The client's connection to a server whose side reads nothing until resumed, and that server side. */
    private record Pair(Connection<Recorder> client, Recorder peer) {
        static Pair open(Server server, List<Recorder> accepted) throws java.io.IOException {
            Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", server.port());
            Recorder peer = Recorder.awaitFirst(accepted);
            peer.made.await();
            return new Pair(c, peer);
        }

        /** The peer sends {@code text}, and the kernel has it queued at the client's socket. */
        void peerSends(String text) {
            peer.transport.write(ascii(text));
            assertEquals(0, peer.transport.getWriteBufferSize());
            for (int i = 0; i < 3; i++) Asyncio.sleep(0); // loop turns, each one a select
        }
    }

    @Test
    void aClosingTransportReadsNothingWhileItFlushes() {
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            try (Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::pausedOnConnect), "127.0.0.1", 0)) {
                Pair p = Pair.open(server, accepted);
                p.client.transport().write(MORE_THAN_THE_SOCKET_TAKES);
                assertTrue(p.client.transport().getWriteBufferSize() > 0);
                p.client.transport().close();
                assertFalse(p.client.transport().isReading());
                assertTrue(p.client.transport().toString().startsWith("StreamTransport[closing "), p.client.transport().toString());
                p.peerSends("late");
                p.client.transport().resumeReading(); // closing: no effect
                assertFalse(p.client.transport().isReading());
                p.peerSends("later");
                p.peer.transport.resumeReading();
                assertNull(p.client.protocol().lost.await());
                assertEquals("", p.client.protocol().text(), "read after close()");
                assertFalse(p.client.protocol().eof.done());
                // (the unread bytes make the client's close a reset: the peer may not see all the data)
                p.peer.lost.await();
            }
        });
    }

    @Test
    void aTransportPausedBeforeCloseIsNotResumedByResumeReading() {
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            try (Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::pausedOnConnect), "127.0.0.1", 0)) {
                Pair p = Pair.open(server, accepted);
                Transport t = p.client.transport();
                t.pauseReading();
                t.write(MORE_THAN_THE_SOCKET_TAKES);
                t.close();
                t.resumeReading();
                assertFalse(t.isReading());
                p.peerSends("late");
                p.peer.transport.resumeReading();
                assertNull(p.client.protocol().lost.await());
                assertEquals("", p.client.protocol().text(), "read after close()");
            }
        });
    }

    @Test
    void closingInConnectionMadeWithDataBufferedNeverStartsReading() {
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            try (Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::pausedOnConnect), "127.0.0.1", 0)) {
                Connection<Recorder> c = Net.createConnection(() -> new Recorder() {
                    @Override
                    public void connectionMade(io.jasyncio.net.Transport t) {
                        super.connectionMade(t);
                        t.write(MORE_THAN_THE_SOCKET_TAKES);
                        t.close();
                    }
                }, "127.0.0.1", server.port());
                assertTrue(c.transport().isClosing());
                assertTrue(c.transport().getWriteBufferSize() > 0);
                Recorder peer = Recorder.awaitFirst(accepted);
                peer.made.await();
                new Pair(c, peer).peerSends("late");
                peer.transport.resumeReading();
                assertNull(c.protocol().lost.await());
                assertEquals("", c.protocol().text(), "read after close()");
            }
        });
    }

    @Test
    void writeEofWithDataBufferedSendsTheEofAfterTheData() {
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            try (Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::pausedOnConnect), "127.0.0.1", 0)) {
                Pair p = Pair.open(server, accepted);
                Transport t = p.client.transport();
                p.client.protocol().keepOpenOnEof = true;
                t.write(MORE_THAN_THE_SOCKET_TAKES);
                t.writeEof();
                assertTrue(t.getWriteBufferSize() > 0);
                assertFalse(t.isClosing(), "a half-close is not a close");
                p.peer.keepOpenOnEof = true;
                p.peer.transport.resumeReading();
                p.peer.eof.await();
                assertEquals(MORE_THAN_THE_SOCKET_TAKES.length, p.peer.received.size());
                assertEquals(0, t.getWriteBufferSize());
                // the other direction still works
                p.peer.transport.write(ascii("reply"));
                p.client.protocol().awaitReceived(5);
                assertEquals("reply", p.client.protocol().text());
                p.peer.transport.close();
                p.client.protocol().eof.await();
                t.close();
                assertNull(p.client.protocol().lost.await());
            }
        });
    }

    @Test
    void closeAndAbortAgainAfterCloseTellTheProtocolOnce() {
        Asyncio.run(() -> {
            List<io.jasyncio.ErrorContext> reported = new ArrayList<>();
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> reported.add(ctx));
            try (Server server = Net.createServer(Recorder::new, "127.0.0.1", 0)) {
                int[] losses = new int[2];
                for (int i = 0; i < 2; i++) {
                    int n = i;
                    Connection<Recorder> c = Net.createConnection(() -> new Recorder() {
                        @Override
                        public void connectionLost(Throwable exc) {
                            losses[n]++;
                            super.connectionLost(exc);
                        }
                    }, "127.0.0.1", server.port());
                    if (n == 0) c.transport().abort();
                    else c.transport().close();
                    c.transport().close();
                    c.transport().abort();
                    c.protocol().lost.await();
                    for (int k = 0; k < 3; k++) Asyncio.sleep(0); // a second call would be scheduled right behind the first
                }
                assertArrayEquals(new int[]{1, 1}, losses, "connectionLost calls after abort, after close");
                assertEquals(List.of(), reported);
            }
        });
    }

    @Test
    void resumeReadingAfterAnEofKeptOpenDoesNotReadTheEofAgain() {
        Asyncio.run(() -> {
            List<io.jasyncio.ErrorContext> reported = new ArrayList<>();
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> reported.add(ctx));
            List<Recorder> accepted = new ArrayList<>();
            try (Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::new), "127.0.0.1", 0)) {
                int[] eofs = new int[1];
                Connection<Recorder> c = Net.createConnection(() -> new Recorder() {
                    @Override
                    public boolean eofReceived() {
                        eofs[0]++;
                        return super.eofReceived();
                    }
                }, "127.0.0.1", server.port());
                c.protocol().keepOpenOnEof = true;
                Recorder peer = Recorder.awaitFirst(accepted);
                peer.made.await();
                peer.keepOpenOnEof = true;
                peer.transport.writeEof();
                c.protocol().eof.await();
                c.transport().resumeReading(); // not paused: nothing to resume (asyncio: returns)
                for (int i = 0; i < 5; i++) Asyncio.sleep(0);
                assertEquals(1, eofs[0], "eofReceived calls");
                assertFalse(c.transport().isClosing());
                c.transport().write(ascii("still open"));
                peer.awaitReceived(10);
                assertEquals("still open", peer.text());
                c.transport().close();
                assertNull(c.protocol().lost.await());
                assertEquals(List.of(), reported);
            }
        });
    }
}
