package io.jasyncio.stream;

import static io.jasyncio.stream.StreamTesting.ascii;
import static io.jasyncio.stream.StreamTesting.text;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reader's edges: a buffer whose unread bytes do not start at index 0, exact limit
 * boundaries, zero sizes, empty feeds, separators arriving alone, a failed reader, another loop.
 * Each test fails if the check or the index arithmetic it names is removed or shifted.
 */
@Timeout(10)
class ReaderEdgesTest {

    /** Runs {@code reader}'s read in a task and lets the loop turn twice: done only if it did not wait. */
    private static <T> Task<T> startAndSettle(io.jasyncio.Coroutine<T> read) {
        Task<T> t = Asyncio.createTask(read);
        Asyncio.sleep(0);
        Asyncio.sleep(0);
        return t;
    }

    @Test
    void theInputStreamViewCopiesOnlyTheUnreadBytesWhenTheyDoNotStartAtZero() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            reader.feedData(ascii("abcdef"));
            assertEquals("ab", text(reader.readExactly(2))); // the unread bytes now start at 2
            InputStream in = reader.asInputStream();
            assertEquals(4, in.available());
            byte[] b = new byte[10];
            Arrays.fill(b, (byte) '.');
            assertEquals(4, in.read(b, 3, 7));
            assertEquals("...cdef...", text(b), "only the four unread bytes, at the offset asked for");
            assertEquals(0, in.available());
            reader.feedData(ascii("g"));
            assertEquals('g', in.read());
            reader.feedEof();
            assertEquals(-1, in.read(b, 0, 10));
            assertEquals(0, in.read(b, 0, 0), "a zero-length read returns 0 at once, even at EOF");
            assertThrows(IndexOutOfBoundsException.class, () -> in.read(b, 8, 5));
        });
    }

    @Test
    void readLineDiscardsExactlyTheOverlongLineWhenTheBufferDoesNotStartAtZero() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader(4);
            reader.feedData(ascii("ab\ntoolong\nok\n"));
            assertEquals("ab\n", text(reader.readLine())); // unread bytes start at 3
            LimitOverrunError e = assertThrows(LimitOverrunError.class, reader::readLine);
            assertEquals(7, e.consumed());
            assertEquals("ok\n", text(reader.readLine()), "the long line and its newline went, nothing more");
            assertEquals(0, reader.buffered());
        });
    }

    @Test
    void readUntilFindsASeparatorAfterTheFirstReadMovedTheStart() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            reader.feedData(ascii("x|yy|"));
            assertEquals("x|", text(reader.readUntil(ascii("|"))));
            assertEquals("yy|", text(reader.readUntil(ascii("|"))));
            assertEquals("StreamReader[0 bytes]", reader.toString());
        });
    }

    @Test
    void aLineOfExactlyTheLimitIsReadAndOneByteMoreIsRefused() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader(4);
            reader.feedData(ascii("abcd\nabcde\n"));
            assertEquals("abcd\n", text(reader.readUntil(ascii("\n"))));
            LimitOverrunError e = assertThrows(LimitOverrunError.class, () -> reader.readUntil(ascii("\n")));
            assertEquals("Separator is found, but chunk is longer than limit", e.getMessage());
            assertEquals(5, e.consumed());
        });
    }

    @Test
    void withoutASeparatorTheReaderWaitsUpToTheLimitAndRefusesOneByteMore() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader(4);
            reader.feedData(ascii("abcd"));
            Task<byte[]> line = startAndSettle(() -> reader.readUntil(ascii("\n")));
            assertFalse(line.done(), "4 bytes without a separator are within the limit: wait for more");
            reader.feedData(ascii("\n"));
            assertEquals("abcd\n", text(line.await()));

            reader.feedData(ascii("abcde"));
            LimitOverrunError e = assertThrows(LimitOverrunError.class, () -> reader.readUntil(ascii("\n")));
            assertEquals("Separator is not found, and chunk exceed the limit", e.getMessage());
            assertEquals(5, e.consumed());
        });
    }

    @Test
    void forTheLimitTheShortestOfTwoSeparatorsEndingTogetherCounts() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader(2);
            reader.feedData(ascii("ab\r\n"));
            // asyncio sorts the separators by length and keeps the first of equal ends: "\n" at 3.
            LimitOverrunError e = assertThrows(LimitOverrunError.class, () -> reader.readUntil(ascii("\r\n"), ascii("\n")));
            assertEquals("Separator is found, but chunk is longer than limit", e.getMessage());
            assertEquals(3, e.consumed());
            assertEquals(4, reader.buffered(), "the data stays in the buffer");
        });
    }

    @Test
    void aLongerSeparatorThatEndsEarlierWins() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            reader.feedData(ascii("abx"));
            assertEquals("ab", text(reader.readUntil(ascii("x"), ascii("ab"))), "the shortest chunk, not the shortest separator");
            assertEquals("StreamReader[1 bytes]", reader.toString(), "counts the unread bytes only");
        });
    }

    @Test
    void anIncompleteReadOfZeroExpectedBytesSaysZero() {
        assertEquals("0 bytes read on a total of 0 expected bytes", new IncompleteReadError(new byte[0], 0).getMessage());
    }

    @Test
    void aSeparatorArrivingAloneInAChunkEndsTheWait() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            reader.feedData(ascii("abc"));
            Task<byte[]> single = startAndSettle(() -> reader.readUntil(ascii("\n")));
            assertFalse(single.done());
            reader.feedData(ascii("\n"));
            assertEquals("abc\n", text(single.await()));

            reader.feedData(ascii("def"));
            Task<byte[]> pair = startAndSettle(() -> reader.readUntil(ascii("\r\n")));
            reader.feedData(ascii("\r"));
            Asyncio.sleep(0);
            assertFalse(pair.done(), "half a separator is no separator");
            reader.feedData(ascii("\n"));
            assertEquals("def\r\n", text(pair.await()));

            Task<byte[]> several = startAndSettle(() -> reader.readUntil(ascii("\r\n"), ascii("\n\n")));
            reader.feedData(ascii("\r\n"));
            assertEquals("\r\n", text(several.await()));
        });
    }

    @Test
    void dataOrAFailureArrivingForACancelledReadIsKeptForTheNextRead() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            Task<byte[]> cancelled = startAndSettle(() -> reader.read(5));
            cancelled.cancel(); // its waiter is cancelled at once; the task has not run yet
            reader.feedData(ascii("x"));
            assertThrows(io.jasyncio.CancelledError.class, cancelled::await);
            assertEquals("x", text(reader.read(5)), "the chunk went to nobody");

            Task<byte[]> alsoCancelled = startAndSettle(() -> reader.read(5));
            alsoCancelled.cancel();
            SocketException boom = new SocketException("Connection reset");
            reader.setException(boom);
            assertThrows(io.jasyncio.CancelledError.class, alsoCancelled::await);
            assertSame(boom, assertThrows(SocketException.class, () -> reader.read(1)));
        });
    }

    @Test
    void aFailedReaderThrowsItsErrorBeforeLookingForASeparatorWithOneOrSeveral() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            reader.feedData(ascii("line\n"));
            SocketException boom = new SocketException("Connection reset");
            reader.setException(boom);
            assertSame(boom, assertThrows(SocketException.class, () -> reader.readUntil(ascii("\n"))));
            assertSame(boom, assertThrows(SocketException.class, () -> reader.readUntil(ascii("\n"), ascii(";"))));
            assertEquals(5, reader.buffered(), "nothing was taken");
        });
    }

    @Test
    void aWokenReadIsNoLongerShownAsWaiting() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            Task<byte[]> read = startAndSettle(() -> reader.read(5));
            assertEquals("StreamReader[0 bytes, waiting]", reader.toString());
            reader.feedData(ascii("x"));
            assertEquals("StreamReader[1 bytes]", reader.toString(), "woken, though it has not run yet");
            assertEquals("x", text(read.await()));
            Task<byte[]> failed = startAndSettle(() -> reader.read(5));
            reader.setException(new SocketException("gone"));
            assertEquals("StreamReader[0 bytes, exception=java.net.SocketException: gone]", reader.toString());
            assertThrows(Throwable.class, failed::await);
        });
    }

    @Test
    void aFailureThatIsNeitherAnIOExceptionNorUncheckedIsThrownWrappedInOne() {
        Asyncio.run(() -> {
            StreamReader checked = new StreamReader();
            Exception cause = new Exception("protocol said no");
            checked.setException(cause);
            IOException e = assertThrows(IOException.class, () -> checked.read(1));
            assertEquals("protocol said no", e.getMessage());
            assertSame(cause, e.getCause());

            StreamReader unchecked = new StreamReader();
            IllegalStateException bug = new IllegalStateException("bug");
            unchecked.setException(bug);
            assertSame(bug, assertThrows(IllegalStateException.class, () -> unchecked.read(1)), "thrown as it is");

            StreamReader error = new StreamReader();
            AssertionError fatal = new AssertionError("fatal");
            error.setException(fatal);
            assertSame(fatal, assertThrows(AssertionError.class, () -> error.readExactly(1)), "thrown as it is");
        });
    }

    @Test
    void readUntilWithoutASeparatorReadsALine() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            reader.feedData(ascii("one\ntwo"));
            assertEquals("one\n", text(reader.readUntil()));
            assertEquals(3, reader.buffered());
        });
    }

    @Test
    void theLineIteratorReadsOneLinePerNextAndStaysDoneAtEof() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            reader.feedData(ascii("a\nb\n"));
            reader.feedEof();
            var it = reader.iterator();
            assertTrue(it.hasNext());
            assertTrue(it.hasNext(), "asking twice reads no second line");
            assertEquals("a\n", text(it.next()));
            assertEquals("b\n", text(it.next()), "next() without hasNext() reads the line itself");
            assertFalse(it.hasNext());
            reader.setException(new SocketException("after the end"));
            assertFalse(it.hasNext(), "done at EOF: the reader is not asked again");
            assertEquals("the stream is at EOF", assertThrows(java.util.NoSuchElementException.class, it::next).getMessage());
        });
    }

    @Test
    void theInputStreamViewNamesItsReader() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            assertEquals("InputStream of StreamReader[0 bytes]", reader.asInputStream().toString());
        });
    }

    @Test
    void anEmptyFeedWakesNobody() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            Task<byte[]> read = startAndSettle(() -> reader.read(10));
            Task<byte[]> exactly = null;
            reader.feedData(new byte[0]);
            reader.feedData(java.nio.ByteBuffer.allocate(0));
            Asyncio.sleep(0);
            Asyncio.sleep(0);
            assertFalse(read.done(), "an empty chunk is not data, and not EOF either");
            reader.feedData(ascii("x"));
            assertEquals("x", text(read.await()));
            exactly = startAndSettle(() -> reader.readExactly(1));
            reader.feedData(new byte[0]);
            Asyncio.sleep(0);
            assertFalse(exactly.done());
            reader.feedData(ascii("y"));
            assertEquals("y", text(exactly.await()));
        });
    }

    @Test
    void zeroSizedReadsReturnAtOnceOnAnEmptyOpenStream() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            Task<byte[]> read0 = startAndSettle(() -> reader.read(0));
            Task<byte[]> exactly0 = startAndSettle(() -> reader.readExactly(0));
            assertTrue(read0.done(), "read(0) does not wait for data");
            assertTrue(exactly0.done(), "readExactly(0) does not wait for data");
            assertEquals(0, read0.await().length);
            assertEquals(0, exactly0.await().length);
            assertFalse(reader.atEof());
        });
    }

    @Test
    void aFailedReaderFailsEveryReadEvenWithDataBuffered() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            reader.feedData(ascii("line\nmore"));
            SocketException boom = new SocketException("Connection reset");
            reader.setException(boom);
            List<io.jasyncio.Coroutine<?>> reads = List.of(
                    () -> reader.read(1), () -> reader.read(0), () -> reader.read(-1),
                    () -> reader.readExactly(1), () -> reader.readExactly(0),
                    () -> reader.readUntil(ascii("\n")), reader::readLine,
                    () -> reader.asInputStream().read(), () -> reader.asInputStream().read(new byte[4], 0, 4));
            for (io.jasyncio.Coroutine<?> r : reads) {
                assertSame(boom, assertThrows(SocketException.class, r::call));
            }
            assertEquals(9, reader.buffered(), "the failure discards nothing");
        });
    }

    @Test
    void everyCallFromAnotherLoopIsRefusedAndNamesTheMethod() throws Exception {
        StreamReader reader = Asyncio.run(() -> {
            StreamReader r = new StreamReader();
            r.feedData(ascii("abc\n"));
            return r;
        });
        InputStream in = reader.asInputStream();
        Asyncio.run(() -> { // a different loop
            List<String> methods = List.of("feedData()", "feedData()", "feedEof()", "setException()", "setTransport()",
                    "read()", "readExactly()", "readUntil()", "readUntil()", "readUntil()", "read()", "read()");
            List<io.jasyncio.Coroutine<?>> calls = List.of(
                    () -> { reader.feedData(ascii("x")); return null; },
                    () -> { reader.feedData(java.nio.ByteBuffer.wrap(ascii("x"))); return null; },
                    () -> { reader.feedEof(); return null; },
                    () -> { reader.setException(new IOException("x")); return null; },
                    () -> { reader.setTransport(new ReaderFeedTest.CountingTransport()); return null; },
                    () -> reader.read(1), () -> reader.readExactly(1), () -> reader.readUntil(ascii("\n")),
                    () -> reader.readUntil(ascii("\n"), ascii(";")), reader::readLine, in::read, () -> in.read(new byte[2], 0, 2));
            for (int i = 0; i < calls.size(); i++) {
                IllegalStateException e = assertThrows(IllegalStateException.class, calls.get(i)::call);
                assertTrue(e.getMessage().startsWith("StreamReader." + methods.get(i) + " was called on another event loop"),
                        e.getMessage());
                assertTrue(e.getMessage().contains("callSoonThreadsafe"), e.getMessage());
            }
        });
        assertEquals("StreamReader[4 bytes]", reader.toString(), "nothing was fed, read or failed");
    }

    @Test
    void theInputStreamViewReturnsHighBytesAsPositiveAndRefusesUseAfterClose() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            reader.feedData(new byte[] {(byte) 0xff, (byte) 0x80});
            InputStream in = reader.asInputStream();
            assertSame(in, reader.asInputStream(), "one view per reader");
            assertEquals(255, in.read());
            assertEquals(128, in.read());
            in.close();
            assertEquals("Stream closed", assertThrows(IOException.class, in::available).getMessage());
            assertEquals("Stream closed", assertThrows(IOException.class, () -> in.read(new byte[1], 0, 1)).getMessage());
        });
    }

    @Test
    void toStringShowsEveryPartOfTheState() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader(10);
            assertEquals("StreamReader[0 bytes, limit=10]", reader.toString());
            Task<byte[]> waiting = startAndSettle(() -> reader.read(5));
            assertEquals("StreamReader[0 bytes, limit=10, waiting]", reader.toString());
            reader.feedData(ascii("abc"));
            waiting.await();
            ReaderFeedTest.CountingTransport t = new ReaderFeedTest.CountingTransport();
            reader.setTransport(t);
            reader.feedData(new byte[21]);
            assertEquals("StreamReader[21 bytes, limit=10, transport=" + t + ", paused]", reader.toString());
            reader.feedEof();
            reader.setException(new IOException("gone"));
            assertEquals("StreamReader[21 bytes, eof, limit=10, exception=java.io.IOException: gone, transport=" + t + ", paused]",
                    reader.toString());
            assertEquals("StreamReader[0 bytes]", new StreamReader().toString());
        });
    }
}
