package io.jasyncio.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class InboxTest {
    private static final long SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(150);

    /** How long a select with a 150 ms timeout really slept: ~150 ms unless a wake-up was pending. */
    private static long timedSelect(Inbox<Integer> inbox) throws Exception {
        long t0 = System.nanoTime();
        inbox.select(SLEEP_NANOS);
        return System.nanoTime() - t0;
    }

    @Test
    void offersWhileTheLoopIsAwakeLeaveNoWakeupBehind() throws Exception {
        try (Selector selector = Selector.open()) {
            Inbox<Integer> inbox = new Inbox<>(selector);
            Thread producer = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 1000; i++) inbox.offer(i);
            });
            producer.join();
            ArrayDeque<Integer> ready = new ArrayDeque<>();
            inbox.drainTo(ready);
            assertEquals(1000, ready.size());
            assertEquals(0, ready.peekFirst());
            assertEquals(999, ready.peekLast());
            // No select was armed during the offers, so none of them may have called wakeup():
            // a pending wake-up would make this select return at once.
            assertTrue(timedSelect(inbox) >= SLEEP_NANOS * 2 / 3, "a redundant wake-up was left pending");
        }
    }

    @Test
    void aSleepingLoopIsWokenOnceByABurstOfOffers() throws Exception {
        try (Selector selector = Selector.open()) {
            Inbox<Integer> inbox = new Inbox<>(selector);
            CompletableFuture<Long> woke = new CompletableFuture<>();
            Thread loop = Thread.ofPlatform().start(() -> {
                try {
                    inbox.select(-1); // forever, until an offer wakes it
                    woke.complete(System.nanoTime());
                } catch (Exception e) {
                    woke.completeExceptionally(e);
                }
            });
            Thread.sleep(50); // let it block
            long sent = System.nanoTime();
            for (int i = 0; i < 500; i++) inbox.offer(i);
            long wokeAt = woke.get(5, TimeUnit.SECONDS);
            loop.join();
            assertTrue(wokeAt - sent < TimeUnit.MILLISECONDS.toNanos(500), "woke after " + (wokeAt - sent) / 1e6 + " ms");
            for (int i = 500; i < 1000; i++) inbox.offer(i); // the loop is awake: no more wake-ups
            ArrayDeque<Integer> ready = new ArrayDeque<>();
            inbox.drainTo(ready);
            assertEquals(1000, ready.size());
            assertTrue(timedSelect(inbox) >= SLEEP_NANOS * 2 / 3, "a redundant wake-up was left pending");
        }
    }

    @Test
    void selectDoesNotSleepWhenWorkIsAlreadyQueued() throws Exception {
        try (Selector selector = Selector.open()) {
            Inbox<Integer> inbox = new Inbox<>(selector);
            inbox.offer(1);
            long t0 = System.nanoTime();
            inbox.select(TimeUnit.SECONDS.toNanos(10));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2));
        }
    }
}
