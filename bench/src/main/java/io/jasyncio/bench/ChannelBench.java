package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.channel.Broadcast;
import io.jasyncio.channel.Channel;
import io.jasyncio.channel.Select;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * io.jasyncio.channel against jox ({@code com.softwaremill.jox:channels}) between two plain
 * virtual threads, in one JMH run. Results: RESULTS-beyond.md.
 *
 * <ul>
 *   <li>{@code pingPong*}: round trips per second. The main side sends a token on {@code ping}
 *       and receives it back on {@code pong}; an echo side receives and sends back. jasyncio: two
 *       tasks of one loop; jox: the benchmark thread and one virtual thread.</li>
 *   <li>{@code select4*}: selects per second. A producer sends to four buffered channels (16
 *       each) in turn; the consumer selects over the four receives.</li>
 *   <li>{@code broadcast1000*}: deliveries per second (messages × receivers). 100 messages to
 *       1,000 receivers. jasyncio: one {@link Broadcast} (capacity 100, so nobody lags) and 1,000
 *       receiving tasks. jox has no broadcast; a Java user fans out to one buffered channel per
 *       receiver (1,000 virtual threads), which is the baseline.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ChannelBench {
    static final int ROUND_TRIPS = 100_000;
    static final int SELECTS = 100_000;
    static final int MESSAGES = 100;
    static final int RECEIVERS = 1_000;
    private static final Integer TOKEN = 42;

    // ---- ping-pong ----

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public int pingPongRendezvousJasyncio() {
        return pingPongJasyncio(0);
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public int pingPongBuffered1Jasyncio() {
        return pingPongJasyncio(1);
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public int pingPongRendezvousJox() throws Exception {
        return pingPongJox(0);
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public int pingPongBuffered1Jox() throws Exception {
        return pingPongJox(1);
    }

    private static int pingPongJasyncio(int capacity) {
        return Asyncio.run(() -> {
            Channel<Integer> ping = capacity == 0 ? Channel.rendezvous() : Channel.bounded(capacity);
            Channel<Integer> pong = capacity == 0 ? Channel.rendezvous() : Channel.bounded(capacity);
            Task<Void> echo = Asyncio.createTask(() -> {
                for (int i = 0; i < ROUND_TRIPS; i++) pong.send(ping.receive());
            });
            int sum = 0;
            for (int i = 0; i < ROUND_TRIPS; i++) {
                ping.send(TOKEN);
                sum += pong.receive();
            }
            echo.await();
            return sum;
        });
    }

    private static int pingPongJox(int capacity) throws Exception {
        com.softwaremill.jox.Channel<Integer> ping = capacity == 0
                ? com.softwaremill.jox.Channel.newRendezvousChannel() : com.softwaremill.jox.Channel.newBufferedChannel(capacity);
        com.softwaremill.jox.Channel<Integer> pong = capacity == 0
                ? com.softwaremill.jox.Channel.newRendezvousChannel() : com.softwaremill.jox.Channel.newBufferedChannel(capacity);
        int[] sum = {0};
        Thread main = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    ping.send(TOKEN);
                    sum[0] += pong.receive();
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread echo = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < ROUND_TRIPS; i++) pong.send(ping.receive());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        main.join();
        echo.join();
        return sum[0];
    }

    // ---- select over 4 channels ----

    @Benchmark
    @OperationsPerInvocation(SELECTS)
    public int select4Jasyncio() {
        return Asyncio.run(() -> {
            List<Channel<Integer>> chs = new ArrayList<>();
            for (int i = 0; i < 4; i++) chs.add(Channel.bounded(16));
            Task<Void> producer = Asyncio.createTask(() -> {
                for (int i = 0; i < SELECTS; i++) chs.get(i & 3).send(TOKEN);
            });
            Select<Integer> select = new Select<Integer>()
                    .onReceive(chs.get(0), v -> v)
                    .onReceive(chs.get(1), v -> v)
                    .onReceive(chs.get(2), v -> v)
                    .onReceive(chs.get(3), v -> v);
            int sum = 0;
            for (int i = 0; i < SELECTS; i++) sum += select.await();
            producer.await();
            return sum;
        });
    }

    @Benchmark
    @OperationsPerInvocation(SELECTS)
    public int select4Jox() throws Exception {
        List<com.softwaremill.jox.Channel<Integer>> chs = new ArrayList<>();
        for (int i = 0; i < 4; i++) chs.add(com.softwaremill.jox.Channel.newBufferedChannel(16));
        Thread producer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < SELECTS; i++) chs.get(i & 3).send(TOKEN);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        int[] sum = {0};
        Thread consumer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < SELECTS; i++) {
                    sum[0] += com.softwaremill.jox.Select.select(
                            chs.get(0).receiveClause(), chs.get(1).receiveClause(),
                            chs.get(2).receiveClause(), chs.get(3).receiveClause());
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        producer.join();
        consumer.join();
        return sum[0];
    }

    // ---- broadcast to 1,000 receivers ----

    @Benchmark
    @OperationsPerInvocation(MESSAGES * RECEIVERS)
    public long broadcast1000Jasyncio() {
        return Asyncio.run(() -> {
            Broadcast<Integer> b = new Broadcast<>(MESSAGES);
            List<Task<Long>> rxs = new ArrayList<>(RECEIVERS);
            for (int r = 0; r < RECEIVERS; r++) {
                Broadcast.Receiver<Integer> rx = b.subscribe();
                rxs.add(Asyncio.createTask(() -> {
                    long s = 0;
                    for (int x : rx) s += x;
                    return s;
                }));
            }
            for (int i = 0; i < MESSAGES; i++) b.send(TOKEN);
            b.close();
            long total = 0;
            for (Task<Long> t : rxs) total += t.await();
            return total;
        });
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES * RECEIVERS)
    public long broadcast1000JoxFanOut() throws Exception {
        List<com.softwaremill.jox.Channel<Integer>> chs = new ArrayList<>(RECEIVERS);
        long[] sums = new long[RECEIVERS];
        List<Thread> threads = new ArrayList<>(RECEIVERS);
        for (int r = 0; r < RECEIVERS; r++) {
            com.softwaremill.jox.Channel<Integer> ch = com.softwaremill.jox.Channel.newBufferedChannel(MESSAGES);
            chs.add(ch);
            int id = r;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    long s = 0;
                    for (int i = 0; i < MESSAGES; i++) s += ch.receive();
                    sums[id] = s;
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        Thread sender = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < MESSAGES; i++) {
                    for (com.softwaremill.jox.Channel<Integer> ch : chs) ch.send(TOKEN);
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        sender.join();
        long total = 0;
        for (int r = 0; r < RECEIVERS; r++) {
            threads.get(r).join();
            total += sums[r];
        }
        return total;
    }
}
