package io.jasyncio.channel;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Channels and select under the loop's randomized schedule: no order assumption hides in them. */
@Timeout(60)
class ChannelRandomScheduleTest {

    @Test
    void everyValueIsDeliveredExactlyOnceUnderManySchedules() {
        for (long seed = 0; seed < 40; seed++) {
            for (int capacity : new int[] {0, 2}) {
                try (EventLoop loop = new EventLoop()) {
                    loop.setRandomSchedule(seed);
                    long s = seed;
                    loop.runUntilComplete(() -> {
                        Channel<Integer> a = capacity == 0 ? Channel.rendezvous() : Channel.bounded(capacity);
                        Channel<Integer> b = capacity == 0 ? Channel.rendezvous() : Channel.bounded(capacity);
                        List<Task<Void>> producers = new ArrayList<>();
                        for (int p = 0; p < 4; p++) {
                            int base = p * 100;
                            producers.add(Asyncio.createTask(() -> {
                                for (int i = 0; i < 100; i++) {
                                    int v = base + i;
                                    if (i % 3 == 0) new Select<Void>().onSend(a, v, () -> null).onSend(b, v, () -> null).await();
                                    else (i % 2 == 0 ? a : b).send(v);
                                }
                            }));
                        }
                        List<Task<List<Integer>>> consumers = new ArrayList<>();
                        for (int c = 0; c < 3; c++) {
                            consumers.add(Asyncio.createTask(() -> {
                                List<Integer> got = new ArrayList<>();
                                while (true) {
                                    try {
                                        got.add(new Select<Integer>().onReceive(a, x -> x).onReceive(b, x -> x).await());
                                    } catch (ChannelClosed end) {
                                        // one channel is closed and drained: drain the other
                                        for (int x : a) got.add(x);
                                        for (int x : b) got.add(x);
                                        return got;
                                    }
                                }
                            }));
                        }
                        for (Task<Void> p : producers) p.await();
                        a.close();
                        b.close();
                        Set<Integer> all = new HashSet<>();
                        int count = 0;
                        for (Task<List<Integer>> c : consumers) {
                            List<Integer> got = c.await();
                            count += got.size();
                            all.addAll(got);
                        }
                        assertEquals(400, count, "seed " + s + ", capacity " + capacity);
                        assertEquals(400, all.size(), "no duplicates, seed " + s + ", capacity " + capacity);
                        return null;
                    });
                }
            }
        }
    }
}
