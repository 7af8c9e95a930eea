package io.jasyncio.stream;

import static io.jasyncio.stream.StreamTesting.ascii;
import static io.jasyncio.stream.StreamTesting.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * readUntil with one separator (and so readLine) has a path of its own that skips copying and
 * sorting a separator array; it must behave exactly as the general several-separator search.
 * Two readers get the same seeded random chunks; one is read with {@code readUntil(sep)}, the other
 * with {@code readUntil(sep, sep)} (two separators: the general path). Their logs of results,
 * limit overruns and the final IncompleteReadError must be identical.
 */
@Timeout(20)
class ReaderSeparatorPathsTest {

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r\n\r\n", "ab"})
    void oneSeparatorPathMatchesTheGeneralSearch(String separator) {
        byte[] sep = ascii(separator);
        for (int seed = 0; seed < 20; seed++) {
            int s = seed;
            List<List<String>> logs = Asyncio.run(() -> {
                Random rnd = new Random(s);
                // Short lines and long runs without a separator, so that matches, overruns of the
                // limit (16) and separators split across chunks all occur.
                byte[] alphabet = ascii("ab\r\nxxxxxxxx");
                byte[] data = new byte[3000];
                for (int i = 0; i < data.length; i++) data[i] = alphabet[rnd.nextInt(alphabet.length)];
                StreamReader one = new StreamReader(16);
                StreamReader general = new StreamReader(16);
                Task<List<String>> a = Asyncio.createTask(() -> drain(one, () -> one.readUntil(sep)));
                Task<List<String>> b = Asyncio.createTask(() -> drain(general, () -> general.readUntil(sep, sep)));
                for (int off = 0; off < data.length; ) {
                    int n = Math.min(data.length - off, 1 + rnd.nextInt(40));
                    one.feedData(java.nio.ByteBuffer.wrap(data, off, n));
                    general.feedData(java.nio.ByteBuffer.wrap(data, off, n));
                    off += n;
                    if (rnd.nextBoolean()) Asyncio.sleep(0);
                }
                one.feedEof();
                general.feedEof();
                return List.of(a.await(), b.await());
            });
            assertEquals(logs.get(1), logs.get(0), "seed " + seed);
            assertTrue(logs.get(0).size() > 10, "too few reads to compare: " + logs.get(0));
            assertTrue(logs.get(0).stream().anyMatch(e -> e.startsWith("limit")) || separator.equals("\n"),
                    "the data should overrun the limit at least once: " + logs.get(0));
        }
    }

    private interface Read {
        byte[] read() throws Exception;
    }

    /** Reads until the stream ends; after an overrun skips the offending bytes to make progress. */
    private static List<String> drain(StreamReader reader, Read read) throws Exception {
        List<String> log = new ArrayList<>();
        while (true) {
            try {
                log.add("ok " + text(read.read()));
            } catch (LimitOverrunError e) {
                log.add("limit " + e.consumed() + " " + e.getMessage());
                log.add("skip " + text(reader.readExactly(Math.max(1, Math.min(e.consumed(), reader.buffered())))));
            } catch (IncompleteReadError e) {
                log.add("eof " + text(e.partial()));
                return log;
            }
        }
    }
}
