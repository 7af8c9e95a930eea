package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.LogCapture;
import io.jasyncio.net.PipesTest.Source;
import io.jasyncio.net.ReadPipeCallbacksTest.Hooked;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the pipe transports log at DEBUG (asyncio logs a pipe's fatal I/O error in debug): a read
 * or write error with the transport that met it, and a stream whose close fails at the end.
 */
@Timeout(30)
class PipeDebugLogTest {

    /** Runs {@code body} with the net package's logger at DEBUG (FINE); returns what it logged at FINE. */
    static List<LogRecord> debugRecords(Runnable body) {
        Logger net = Logger.getLogger("io.jasyncio.net");
        Level before = net.getLevel();
        LogCapture log = LogCapture.start();
        net.setLevel(Level.FINE);
        try {
            body.run();
        } finally {
            net.setLevel(before);
            log.stop();
        }
        return log.records().stream().filter(r -> r.getLevel() == Level.FINE).toList();
    }

    static LogRecord only(List<LogRecord> records, String prefix) {
        List<LogRecord> found = records.stream().filter(r -> r.getMessage().startsWith(prefix)).toList();
        assertEquals(1, found.size(), records.stream().map(LogRecord::getMessage).toList().toString());
        return found.get(0);
    }

    @Test
    void aReadErrorIsLoggedAtDebugWithTheTransportAndTheError() {
        IOException failure = new IOException("read failed");
        String[] transport = new String[1];
        List<LogRecord> records = debugRecords(() -> Asyncio.run(() -> {
            CountDownLatch go = new CountDownLatch(1);
            InputStream failing = new InputStream() {
                @Override
                public int read() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    try {
                        go.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                    throw failure;
                }
            };
            Hooked p = new Hooked();
            PipeConnection<ReadTransport, Hooked> c = Pipes.connectReadPipe(() -> p, failing);
            transport[0] = c.transport().toString(); // printed open, as when the error comes
            go.countDown();
            assertSame(failure, ReadPipeCallbacksTest.awaitLost(p));
        }));
        LogRecord r = only(records, "Fatal read error");
        assertEquals("Fatal read error on pipe transport " + transport[0], r.getMessage());
        assertSame(failure, r.getThrown());
    }

    @Test
    void aWriteErrorIsLoggedAtDebugWithTheTransportAndTheError() {
        IOException failure = new IOException("Broken pipe");
        String[] transport = new String[1];
        List<LogRecord> records = debugRecords(() -> Asyncio.run(() -> {
            OutputStream failing = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    throw failure;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    throw failure;
                }
            };
            PipeConnection<WriteTransport, Source> c = Pipes.connectWritePipe(Source::new, failing);
            c.transport().write(new byte[10]);
            transport[0] = c.transport().toString(); // open, 10 bytes buffered, as when the error comes
            assertSame(failure, WritePipeStatesTest.awaitLost(c.protocol()));
        }));
        LogRecord r = only(records, "Fatal write error");
        assertEquals("Fatal write error on pipe transport " + transport[0], r.getMessage());
        assertSame(failure, r.getThrown());
    }

    /** A stream whose close throws: the pipe still ends; the failure is only logged at DEBUG. */
    @Test
    void aStreamWhoseCloseFailsIsLoggedAtDebugAndThePipesStillEnd() {
        IOException readEnd = new IOException("close of the read end failed");
        IOException writeEnd = new IOException("close of the write end failed");
        List<LogRecord> records = debugRecords(() -> Asyncio.run(() -> {
            InputStream in = new InputStream() {
                @Override
                public int read() {
                    return -1;
                }

                @Override
                public void close() throws IOException {
                    throw readEnd;
                }
            };
            OutputStream out = new OutputStream() {
                @Override
                public void write(int b) {
                }

                @Override
                public void close() throws IOException {
                    throw writeEnd;
                }
            };
            Hooked p = new Hooked();
            PipeConnection<ReadTransport, Hooked> r = Pipes.connectReadPipe(() -> p, in);
            PipeConnection<WriteTransport, Source> w = Pipes.connectWritePipe(Source::new, out);
            w.transport().close();
            assertNull(ReadPipeCallbacksTest.awaitLost(p)); // EOF, then the release closes the stream
            assertNull(WritePipeStatesTest.awaitLost(w.protocol()));
            for (Thread t : List.of(((ThreadReadPipe) r.transport()).thread(), ((ThreadWritePipe) w.transport()).thread())) {
                Asyncio.toThread(() -> {
                    t.join(10_000);
                    return null;
                });
                assertFalse(t.isAlive());
            }
        }));
        List<Throwable> closeFailures = records.stream()
                .filter(x -> x.getMessage().equals("closing a pipe failed")).map(LogRecord::getThrown).toList();
        assertEquals(2, closeFailures.size(), closeFailures.toString());
        assertTrue(closeFailures.contains(readEnd) && closeFailures.contains(writeEnd), closeFailures.toString());
    }
}
