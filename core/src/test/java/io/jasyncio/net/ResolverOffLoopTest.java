package io.jasyncio.net;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.LoopTicker;
import io.jasyncio.Task;
import io.jasyncio.stream.StreamPair;
import io.jasyncio.stream.Streams;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Name resolution never blocks the loop: with a resolver that takes one second per lookup
 * ({@link SlowNamesResolverProvider}, the JDK's resolver SPI), a 10 ms ticker keeps its pace
 * while tasks call getaddrinfo, getnameinfo and openConnection by name at the same time.
 */
@Timeout(60)
class ResolverOffLoopTest {
    /** Fresh names per attempt: the JDK caches successful lookups for 30 s. */
    private static final AtomicInteger NAMES = new AtomicInteger();

    private static String slowName(String what) {
        return what + NAMES.incrementAndGet() + SlowNamesResolverProvider.SUFFIX;
    }

    /**
     * Runs a 10 ms ticker alone for half a second, then while four slow lookups run at once; returns
     * {worst lateness alone, worst lateness during the lookups} in ms; adds the threads the lookups
     * ran on to {@code used}, then the loop thread.
     */
    private static double[] latenessAloneAndDuringLookups(List<Thread> used) {
        double[] worst = new double[2];
        Asyncio.run(() -> {
            Thread loopThread = Thread.currentThread();
            Server server = Streams.startServer((r, w) -> {
                w.write("hi\n".getBytes(US_ASCII));
                w.close();
            }, "127.0.0.1", 0);
            LoopTicker ticker = LoopTicker.start();
            Asyncio.sleep(Duration.ofMillis(500));
            ticker.phase(1);
            int before = SlowNamesResolverProvider.LOOKUP_THREADS.size();
            long t0 = System.nanoTime();
            String a = slowName("a"), b = slowName("b"), c = slowName("c");
            List<Task<Object>> lookups = new ArrayList<>();
            lookups.add(Asyncio.createTask(() -> Net.getaddrinfo(a, 80)));
            lookups.add(Asyncio.createTask(() -> Net.getaddrinfo(b, 443)));
            lookups.add(Asyncio.createTask(() -> Net.getnameinfo(InetAddress.getByAddress(SlowNamesResolverProvider.SLOW_REVERSE))));
            lookups.add(Asyncio.createTask(() -> {
                try (StreamPair conn = Streams.openConnection(c, server.port())) {
                    return new String(conn.reader().readLine(), US_ASCII);
                }
            }));
            List<Object> results = new ArrayList<>();
            for (Task<Object> t : lookups) results.add(t.await());
            long nanos = System.nanoTime() - t0;
            ticker.cancel();
            worst[0] = ticker.worstMillis(0);
            worst[1] = ticker.worstMillis(1);
            server.close();
            server.waitClosed();

            assertEquals(List.of(new InetSocketAddress(InetAddress.getByAddress(a, new byte[] {127, 0, 0, 1}), 80)), results.get(0));
            assertEquals(List.of(new InetSocketAddress(InetAddress.getByAddress(b, new byte[] {127, 0, 0, 1}), 443)), results.get(1));
            assertEquals("reverse" + SlowNamesResolverProvider.SUFFIX, results.get(2));
            assertEquals("hi\n", results.get(3));
            assertTrue(nanos >= 900_000_000L, "the lookups waited for the slow resolver: " + nanos / 1e6 + " ms");
            assertTrue(nanos < 3_500_000_000L, "the four lookups ran at the same time, not one after another: " + nanos / 1e6 + " ms");
            assertTrue(ticker.ticks(1) >= 10, "the ticker ran during the lookups: " + ticker.ticks(1) + " ticks");
            used.addAll(SlowNamesResolverProvider.LOOKUP_THREADS.subList(before, SlowNamesResolverProvider.LOOKUP_THREADS.size()));
            used.add(loopThread);
        });
        return worst;
    }

    /**
     * The bound is 20 ms at the worst tick. On this shared, often loaded machine the
     * scheduler alone can delay a tick by more, so an attempt also passes when the lookups added at
     * most 20 ms to the lateness the ticker showed alone just before; up to three attempts. A loop
     * blocked by a lookup is ~1000 ms late in every attempt.
     */
    @Test
    void theLoopKeepsTickingWhileTasksResolveNamesThroughAResolverThatTakesOneSecond() {
        List<String> attempts = new ArrayList<>();
        double best = Double.MAX_VALUE;
        boolean loadedAlone = true;
        for (int i = 0; i < 3; i++) {
            List<Thread> used = new ArrayList<>();
            double[] w = latenessAloneAndDuringLookups(used);
            attempts.add(String.format("alone %.1f ms, during lookups %.1f ms", w[0], w[1]));
            if (w[1] <= 20 || w[1] <= w[0] + 20) {
                System.out.println("[dns ticker] " + attempts);
                assertRanOffTheLoop(used);
                return;
            }
            best = Math.min(best, w[1]);
            loadedAlone = loadedAlone && w[0] > 5;
        }
        if (loadedAlone && best < 250) {
            System.out.println("[dns ticker] loaded machine, not blocked: " + attempts);
            return;
        }
        fail("the ticker was late while names resolved: " + attempts);
    }

    /** {@code used}: the threads the slow lookups ran on, then the loop thread. */
    private static void assertRanOffTheLoop(List<Thread> used) {
        Thread loopThread = used.removeLast();
        assertEquals(4, used.size(), "four slow lookups: " + used);
        for (Thread t : used) {
            assertFalse(t.isVirtual(), "a lookup ran in a task: " + t);
            assertNotSame(loopThread, t, "a lookup ran on the loop thread");
        }
    }

    /** The test resolver is really installed (a lookup by name, blocking, outside any loop). */
    @Test
    void theSlowResolverIsInstalledForThisJvm() throws Exception {
        String name = slowName("direct");
        long t0 = System.nanoTime();
        assertEquals("127.0.0.1", InetAddress.getByName(name).getHostAddress());
        assertTrue(System.nanoTime() - t0 >= 900_000_000L);
        assertTrue(InetAddress.getByName("localhost").isLoopbackAddress(), "other names still go to the built-in resolver");
    }
}
