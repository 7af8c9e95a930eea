package io.jasyncio.net;

import static io.jasyncio.net.Recorder.ascii;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.LogCapture;
import java.io.ByteArrayOutputStream;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The write side of a stream transport (asyncio's {@code _SelectorSocketTransport.write}):
 * writes that must wait, the socket options it sets, and writes after the connection is lost.
 */
@Timeout(20)
class StreamWriteTest {

    @Test
    void manySmallWritesQueuedBehindAFullSocketArriveWholeAndInOrder() {
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            try (Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::pausedOnConnect), "127.0.0.1", 0)) {
                Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", server.port());
                Recorder peer = Recorder.awaitFirst(accepted);
                peer.made.await();
                byte[] head = new byte[16 << 20]; // fills the socket: everything after it is queued
                c.transport().write(head);
                long waiting = c.transport().getWriteBufferSize();
                assertTrue(waiting > 0);
                // more entries than one gathering write takes (IoLoop.MAX_GATHER), each one small
                ByteArrayOutputStream expected = new ByteArrayOutputStream();
                int writes = 5 * IoLoop.MAX_GATHER + 3;
                for (int i = 0; i < writes; i++) {
                    byte[] b = String.format("%05d;", i).getBytes(StandardCharsets.US_ASCII);
                    c.transport().write(java.nio.ByteBuffer.wrap(b));
                    expected.write(b, 0, b.length);
                }
                assertEquals(waiting + expected.size(), c.transport().getWriteBufferSize(), "queued, not sent: the buffer counts them all");
                peer.transport.resumeReading();
                peer.awaitReceived(head.length + expected.size());
                byte[] got = peer.received.toByteArray();
                assertEquals(expected.toString(StandardCharsets.US_ASCII),
                        new String(got, head.length, got.length - head.length, StandardCharsets.US_ASCII));
                assertEquals(0, c.transport().getWriteBufferSize());
                c.transport().close();
                assertNull(c.protocol().lost.await());
            }
        });
    }

    @Test
    void tcpConnectionsSendSmallWritesAtOnceBothWays() throws Exception {
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            try (Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::new), "127.0.0.1", 0)) {
                Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", server.port());
                Recorder peer = Recorder.awaitFirst(accepted);
                peer.made.await();
                // asyncio's _set_nodelay: Nagle's algorithm is off for TCP sockets
                assertTrue(((SocketChannel) c.transport().getExtraInfo("socket")).getOption(StandardSocketOptions.TCP_NODELAY));
                assertTrue(((SocketChannel) peer.transport.getExtraInfo("socket")).getOption(StandardSocketOptions.TCP_NODELAY));
                c.transport().close();
            }
        });
    }

    @Test
    void writesAfterTheConnectionWasLostWarnFromTheFifthOn() {
        LogCapture logs = LogCapture.start();
        try {
            Asyncio.run(() -> {
                List<Recorder> accepted = new ArrayList<>();
                try (Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::new), "127.0.0.1", 0)) {
                    Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", server.port());
                    Recorder peer = Recorder.awaitFirst(accepted);
                    peer.made.await();
                    c.transport().close(); // the server side gets EOF and closes: its connection is lost
                    peer.lost.await();
                    for (int i = 1; i <= 4; i++) {
                        peer.transport.write(ascii("late"));
                        assertEquals(0, warnings(logs), "write " + i + " after the loss");
                    }
                    peer.transport.write(ascii("late"));
                    assertEquals(1, warnings(logs), "the fifth write after the loss");
                    peer.transport.write(ascii("late"));
                    assertEquals(2, warnings(logs), "and every one after it");
                    peer.transport.write(java.nio.ByteBuffer.allocate(0));
                    assertEquals(2, warnings(logs), "an empty write is no write");
                }
            });
        } finally {
            logs.stop();
        }
    }

    @Test
    void aHighWaterMarkBelowTheDefaultPausesTheProtocolAsSoonAsTheBufferPassesIt() {
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            try (Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::pausedOnConnect), "127.0.0.1", 0)) {
                Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", server.port());
                Transport t = c.transport();
                int high = 4096; // far below asyncio's default of 64 KiB
                t.setWriteBufferLimits(high, 1024);
                byte[] chunk = new byte[1024];
                // the kernel's socket buffers absorb a few MiB first; bounded so a bug cannot spin
                for (int i = 0; i < 100_000 && c.protocol().pauses == 0; i++) t.write(chunk);
                assertEquals(1, c.protocol().pauses);
                assertTrue(t.getWriteBufferSize() > high && t.getWriteBufferSize() <= high + chunk.length,
                        "paused at " + t.getWriteBufferSize());
                t.abort();
            }
        });
    }

    /**
     * The peer resets the connection while data waits in the write buffer and only writing is
     * watched (reading paused): the failed flush ends the connection with the socket's error and
     * drops what was buffered.
     */
    @Test
    void aResetWhileDataWaitsToBeFlushedEndsTheConnectionWithTheWriteError() {
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            try (Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::pausedOnConnect), "127.0.0.1", 0)) {
                Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", server.port());
                Transport t = c.transport();
                t.pauseReading(); // the reset can only show in the flush
                byte[] chunk = new byte[64 * 1024];
                // the kernel's socket buffers absorb a few MiB first; bounded so a bug cannot spin
                for (int i = 0; i < 1_000 && t.getWriteBufferSize() == 0; i++) t.write(chunk);
                assertTrue(t.getWriteBufferSize() > 0, "the socket never filled");
                Recorder peer = Recorder.awaitFirst(accepted);
                ((SocketChannel) peer.transport.getExtraInfo("socket")).setOption(StandardSocketOptions.SO_LINGER, 0);
                peer.transport.abort(); // a reset, with our data unread
                Throwable exc = c.protocol().lost.await();
                assertInstanceOf(java.io.IOException.class, exc);
                assertEquals(0, t.getWriteBufferSize());
                assertTrue(t.isClosing());
            }
        });
    }

    /**
     * A write the socket takes whole costs no buffer and no write interest (the class's "an echo
     * costs no allocation"): nothing waits, so nothing is queued and the selector is not asked
     * for OP_WRITE.
     */
    @Test
    void aWriteTheSocketTakesWholeLeavesNoBufferAndNoWriteInterest() {
        Asyncio.run(() -> {
            List<Recorder> accepted = new ArrayList<>();
            try (Server server = Net.createServer(Recorder.collectedIn(accepted, Recorder::new), "127.0.0.1", 0)) {
                Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", server.port());
                StreamTransport t = (StreamTransport) c.transport();
                t.write(ascii("small"));
                assertNull(t.buffer, "a queue made for a write the socket took");
                assertEquals(0, t.key.interestOps() & java.nio.channels.SelectionKey.OP_WRITE);
                Recorder peer = Recorder.awaitFirst(accepted);
                peer.awaitReceived(5);
                t.close();
            }
        });
    }

    private static long warnings(LogCapture logs) {
        return logs.messages().stream().filter(m -> m.contains("the connection is lost, data dropped")).count();
    }
}
