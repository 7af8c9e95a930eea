package io.jasyncio.stream;

import static io.jasyncio.stream.StreamTesting.ascii;
import static io.jasyncio.stream.StreamTesting.text;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reader's buffer as memory, not as bytes: a chunk read whole is handed over without a second
 * copy (the returned array is the one the chunk was fed into), room is made by sliding when the
 * dead space at the front is at least what would move and by growing (to at least 512, doubling,
 * or exactly what is needed) otherwise, and an emptied reader holds no array. Observed through the
 * package-private {@code array()} and {@code capacity()}.
 */
@Timeout(10)
class ReaderBufferTest {

    private static byte[] filled(int n, char c) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }

    @Test
    void aChunkTakenWholeIsReturnedAsTheArrayItWasFedInto() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            reader.feedData(ascii("abcd"));
            byte[] held = reader.array();
            assertEquals(4, held.length);
            assertSame(held, reader.read(100), "read(n) larger than the chunk");
            assertEquals(0, reader.capacity());

            reader.feedData(ascii("efgh"));
            held = reader.array();
            assertSame(held, reader.read(4), "read(n) of exactly the chunk");

            reader.feedData(ascii("ijk\n"));
            held = reader.array();
            assertSame(held, reader.readLine(), "a line that is the whole chunk");

            reader.feedData(ascii("lmno"));
            held = reader.array();
            assertSame(held, reader.readExactly(4), "readExactly of the whole chunk");

            Task<byte[]> waiting = Asyncio.createTask(() -> reader.read(10));
            Asyncio.sleep(0);
            reader.feedData(ascii("pq"));
            held = reader.array();
            assertSame(held, waiting.await(), "a read that waited gets the chunk that woke it");

            reader.feedData(ascii("rs"));
            held = reader.array();
            reader.feedEof();
            IncompleteReadError e = assertThrows(IncompleteReadError.class, () -> reader.readExactly(3));
            assertSame(held, e.partial(), "the partial bytes at EOF are the chunk itself");
            assertEquals("rs", text(e.partial()));
            assertEquals(0, reader.capacity());
        });
    }

    @Test
    void partOfAChunkIsCopiedAndTheRestStaysInTheSameArray() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            reader.feedData(ascii("abcdef"));
            byte[] held = reader.array();
            byte[] first = reader.read(2);
            assertEquals("ab", text(first));
            assertNotSame(held, first);
            assertSame(held, reader.array(), "the unread rest stays where it was");
            byte[] rest = reader.read(100);
            assertEquals("cdef", text(rest));
            assertNotSame(held, rest, "the rest does not start at index 0: copied");
            assertEquals(0, reader.capacity(), "the emptied reader let its array go");
        });
    }

    @Test
    void aSecondChunkGrowsTheArrayToAtLeast512ThenDoublesOrTakesWhatIsNeeded() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            reader.feedData(ascii("ab"));
            assertEquals(2, reader.capacity());
            reader.feedData(ascii("cd"));
            assertEquals(512, reader.capacity(), "two chunks share an array of at least 512 bytes");
            byte[] all = reader.read(100);
            assertEquals("abcd", text(all));
            assertEquals(0, reader.capacity());

            reader.feedData(filled(250, 'a'));
            reader.feedData(filled(250, 'b'));
            assertEquals(512, reader.capacity());
            byte[] held = reader.array();
            reader.feedData(filled(12, 'c'));
            assertSame(held, reader.array(), "12 bytes fit exactly behind the 500: same array");
            reader.feedData(filled(100, 'd'));
            assertEquals(1024, reader.capacity(), "full: doubles");
            byte[] got = reader.read(1000);
            assertEquals(612, got.length);
            assertEquals('a', got[249]);
            assertEquals('b', got[250]);
            assertEquals('b', got[499]);
            assertEquals('c', got[500]);
            assertEquals('c', got[511]);
            assertEquals('d', got[512]);
            assertEquals('d', got[611]);

            reader.feedData(ascii("x"));
            reader.feedData(filled(5000, 'y'));
            assertEquals(5001, reader.capacity(), "more than double is needed: exactly that");
            got = reader.read(10_000);
            assertEquals(5001, got.length);
            assertEquals('x', got[0]);
            assertEquals('y', got[5000]);
        });
    }

    @Test
    void roomIsMadeBySlidingWhenTheDeadSpaceIsAtLeastWhatMoves() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            reader.feedData(filled(250, 'a'));
            reader.feedData(filled(52, 'b'));
            assertEquals(512, reader.capacity());
            reader.read(151); // dead space 151, unread 151: sliding costs no more than the reads did
            byte[] held = reader.array();
            reader.feedData(filled(361, 'c')); // 151 + 361 = 512: fits exactly after sliding
            assertSame(held, reader.array(), "slid to the front, not grown");
            assertEquals(512, reader.buffered());
            byte[] got = reader.read(1000);
            assertSame(held, got, "after the slide the array is exactly the unread bytes: handed over");
            byte[] expected = new byte[512];
            Arrays.fill(expected, 0, 99, (byte) 'a');
            Arrays.fill(expected, 99, 151, (byte) 'b');
            Arrays.fill(expected, 151, 512, (byte) 'c');
            assertArrayEquals(expected, got);
        });
    }

    @Test
    void roomIsMadeByGrowingWhenSlidingWouldMoveMoreThanTheDeadSpace() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            reader.feedData(filled(250, 'a'));
            reader.feedData(filled(52, 'b'));
            reader.read(150); // dead space 150 < 152 unread
            reader.feedData(filled(300, 'c')); // would fit after sliding, but grows instead
            assertEquals(1024, reader.capacity());
            byte[] got = reader.read(1000);
            assertEquals(452, got.length);
            assertEquals('a', got[99]);
            assertEquals('b', got[100]);
            assertEquals('b', got[151]);
            assertEquals('c', got[152]);
            assertEquals('c', got[451]);

            reader.feedData(filled(250, 'a'));
            reader.feedData(filled(52, 'b'));
            reader.read(151);
            reader.feedData(filled(362, 'c')); // one byte more than sliding could hold
            assertEquals(1024, reader.capacity());
            assertEquals(513, reader.buffered());
        });
    }

    @Test
    void readingEverythingAfterPartialReadsLeavesAReaderThatReadsAtEofAndFeedsAgain() {
        Asyncio.run(() -> {
            StreamReader reader = new StreamReader();
            reader.feedData(ascii("abc"));
            assertEquals("a", text(reader.read(1)));
            assertEquals("bc", text(reader.read(2)));
            assertEquals(0, reader.capacity());
            reader.feedData(ascii("de"));
            assertEquals("de", text(reader.read(5)), "the next chunk starts at index 0 of its own array");
            reader.feedEof();
            assertEquals(0, reader.read(5).length);
            assertTrue(reader.atEof());
        });
    }

    @Test
    void pausingCountsOnlyTheUnreadBytesNotTheSpaceAlreadyRead() {
        Asyncio.run(() -> {
            ReaderFeedTest.CountingTransport t = new ReaderFeedTest.CountingTransport();
            StreamReader reader = new StreamReader(10);
            reader.setTransport(t);
            reader.feedData(new byte[5]);
            reader.feedData(new byte[11]); // one array of 512 now, unread bytes at [0, 16)
            reader.read(10);               // unread at [10, 16)
            reader.feedData(new byte[5]);  // fits behind: unread at [10, 21), 11 bytes
            assertEquals(11, reader.buffered());
            assertEquals(0, t.pauses, "11 unread bytes are not above 2 x 10");
            assertEquals("StreamReader[11 bytes, limit=10, transport=" + t + "]", reader.toString());
        });
    }

    @Test
    void everyKindOfReadResumesAPausedTransportOnceTheBufferIsBackAtTheLimit() {
        Asyncio.run(() -> {
            ReaderFeedTest.CountingTransport t = new ReaderFeedTest.CountingTransport();
            StreamReader reader = new StreamReader(4);
            reader.setTransport(t);
            reader.feedData(ascii("abcd\nefgh"));
            assertEquals(1, t.pauses);
            reader.readUntil(ascii("\n"));
            assertEquals(1, t.resumes, "readUntil");
            reader.feedData(ascii("ijklmnop\n"));
            assertEquals(2, t.pauses);
            reader.readExactly(10);
            assertEquals(2, t.resumes, "readExactly");
            reader.feedData(ascii("0123456789"));
            assertEquals(3, t.pauses);
            assertEquals(9, reader.asInputStream().read(new byte[9], 0, 9));
            assertEquals(3, t.resumes, "the InputStream view");
            reader.read(100);
            reader.feedData(ascii("toolongline"));
            assertEquals(4, t.pauses);
            assertThrows(LimitOverrunError.class, reader::readLine);
            assertEquals(0, reader.buffered(), "no newline in sight: the whole buffer went");
            assertEquals(4, t.resumes, "readLine discarding an overlong line");
            reader.feedData(ascii("abcd;efgh"));
            assertEquals(5, t.pauses);
            assertEquals("abcd;", text(reader.readUntil(ascii(";"), ascii("|"))));
            assertEquals(5, t.resumes, "readUntil with several separators");
        });
    }
}
