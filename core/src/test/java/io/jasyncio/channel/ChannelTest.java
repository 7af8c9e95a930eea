package io.jasyncio.channel;

import static io.jasyncio.channel.ChannelTesting.awaitAll;
import static io.jasyncio.channel.ChannelTesting.run;
import static io.jasyncio.channel.ChannelTesting.runReady;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ChannelTest {

    @Test
    void bufferedValuesComeOutInFifoOrder() {
        run(() -> {
            Channel<String> ch = Channel.bounded(3);
            assertEquals(3, ch.capacity());
            ch.send("a");
            assertTrue(ch.trySend("b"));
            ch.send("c");
            assertEquals(3, ch.size());
            assertFalse(ch.trySend("d"), "full");
            assertEquals("a", ch.receive());
            assertEquals("b", ch.tryReceive());
            assertEquals("c", ch.receive());
            assertNull(ch.tryReceive(), "empty");
        });
    }

    @Test
    void sendWaitsWhileFullAndItsValueFollowsTheBufferedOnes() {
        run(() -> {
            Channel<Integer> ch = Channel.bounded(1);
            ch.send(1);
            Task<Void> sender = Asyncio.createTask(() -> ch.send(2));
            runReady(3);
            assertFalse(sender.done(), "the send waits while the channel is full");
            assertFalse(ch.trySend(3), "trySend does not overtake the waiting sender");
            assertEquals(1, ch.receive());
            assertEquals(1, ch.size(), "the waiting sender's value moved into the freed slot");
            sender.await();
            assertEquals(2, ch.receive());
        });
    }

    @Test
    void rendezvousSendWaitsUntilAReceiverTakesTheValue() {
        run(() -> {
            Channel<String> ch = Channel.rendezvous();
            assertEquals(0, ch.capacity());
            assertFalse(ch.trySend("x"), "no receiver waits");
            Task<Void> sender = Asyncio.createTask(() -> ch.send("hello"));
            runReady(3);
            assertFalse(sender.done());
            assertEquals(0, ch.size());
            assertEquals("hello", ch.receive());
            sender.await();
            // And the other way round: a waiting receiver lets trySend through.
            Task<String> receiver = Asyncio.createTask(ch::receive);
            runReady();
            assertTrue(ch.trySend("direct"));
            assertEquals("direct", receiver.await());
        });
    }

    @Test
    void unboundedSendNeverWaits() {
        run(() -> {
            Channel<Integer> ch = Channel.unbounded();
            for (int i = 0; i < 100_000; i++) assertTrue(ch.trySend(i));
            assertEquals(100_000, ch.size());
            for (int i = 0; i < 100_000; i++) assertEquals(i, ch.receive());
        });
    }

    @Test
    void waitingReceiversAreServedFirstInFirstOut() {
        run(() -> {
            Channel<Integer> ch = Channel.unbounded();
            List<Integer> order = new ArrayList<>();
            List<Task<Void>> receivers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int id = i;
                receivers.add(Asyncio.createTask(() -> {
                    ch.receive();
                    order.add(id);
                }));
            }
            runReady();
            for (int i = 0; i < 5; i++) ch.send(i);
            awaitAll(receivers);
            assertEquals(List.of(0, 1, 2, 3, 4), order);
        });
    }

    @Test
    void closeLetsReceiversDrainThenEveryReceiveFails() {
        run(() -> {
            Channel<Integer> ch = Channel.bounded(5);
            ch.send(1);
            ch.send(2);
            ch.close();
            ch.close(); // idempotent
            assertTrue(ch.isClosedForSend());
            ChannelClosed e = assertThrows(ChannelClosed.class, () -> ch.send(3));
            assertEquals("Channel is closed for sending: close() was called", e.getMessage());
            assertThrows(ChannelClosed.class, () -> ch.trySend(3));
            assertEquals(1, ch.receive());
            assertEquals(2, ch.tryReceive());
            ChannelClosed end = assertThrows(ChannelClosed.class, ch::receive);
            assertEquals("Channel is closed and every value was received", end.getMessage());
            assertThrows(ChannelClosed.class, ch::tryReceive);
        });
    }

    @Test
    void closeWakesWaitingReceiversToSeeTheEnd() {
        run(() -> {
            Channel<Integer> ch = Channel.rendezvous();
            List<Task<Integer>> receivers = new ArrayList<>();
            for (int i = 0; i < 3; i++) receivers.add(Asyncio.createTask(ch::receive));
            runReady();
            ch.close();
            for (Task<Integer> r : receivers) assertThrows(ChannelClosed.class, r::await);
        });
    }

    @Test
    void sendersWaitingAtCloseStillDeliverTheirValues() {
        run(() -> {
            Channel<Integer> ch = Channel.rendezvous();
            Task<Void> s1 = Asyncio.createTask(() -> ch.send(1));
            Task<Void> s2 = Asyncio.createTask(() -> ch.send(2));
            runReady();
            ch.close();
            List<Integer> got = new ArrayList<>();
            for (int x : ch) got.add(x);
            assertEquals(List.of(1, 2), got);
            s1.await();
            s2.await();
        });
    }

    @Test
    void iterationSuspendsForEachValueAndEndsAtClose() {
        run(() -> {
            Channel<Integer> ch = Channel.bounded(1);
            Task<Void> producer = Asyncio.createTask(() -> {
                for (int i = 0; i < 100; i++) ch.send(i);
                ch.close();
            });
            int expected = 0;
            for (int x : ch) assertEquals(expected++, x);
            assertEquals(100, expected);
            producer.await();
            var it = ch.iterator();
            assertFalse(it.hasNext());
            assertThrows(NoSuchElementException.class, it::next);
        });
    }

    @Test
    void cancelReturnsTheBufferedValuesAndFailsWaitingSendersAndReceivers() {
        run(() -> {
            Channel<Integer> full = Channel.bounded(2);
            full.send(1);
            full.send(2);
            Task<Void> sender = Asyncio.createTask(() -> full.send(3));
            runReady();
            assertEquals(List.of(1, 2), full.cancel());
            ChannelClosed e = assertThrows(ChannelClosed.class, sender::await);
            assertEquals("Channel was cancelled by its receiving side while this send waited: the value was not delivered", e.getMessage());
            assertEquals(List.of(), full.cancel(), "idempotent");
            assertThrows(ChannelClosed.class, full::receive);
            assertThrows(ChannelClosed.class, () -> full.send(4));
            assertEquals(0, full.size());

            Channel<Integer> empty = Channel.rendezvous();
            Task<Integer> receiver = Asyncio.createTask(empty::receive);
            runReady();
            empty.cancel();
            ChannelClosed r = assertThrows(ChannelClosed.class, receiver::await);
            assertEquals("Channel was cancelled by its receiving side: nothing can be received", r.getMessage());
            // Iteration does not hide a cancel by the receiving side: that is not a normal end.
            assertThrows(ChannelClosed.class, () -> empty.iterator().hasNext());
        });
    }

    @Test
    void manyProducersAndConsumersDeliverEveryValueExactlyOnce() {
        for (int capacity : new int[] {0, 1, 16}) {
            run(() -> {
                Channel<Integer> ch = capacity == 0 ? Channel.rendezvous() : Channel.bounded(capacity);
                int producers = 8;
                int perProducer = 500;
                List<Task<Void>> ps = new ArrayList<>();
                for (int p = 0; p < producers; p++) {
                    int base = p * perProducer;
                    ps.add(Asyncio.createTask(() -> {
                        for (int i = 0; i < perProducer; i++) ch.send(base + i);
                    }));
                }
                List<Task<List<Integer>>> cs = new ArrayList<>();
                for (int c = 0; c < 5; c++) {
                    cs.add(Asyncio.createTask(() -> {
                        List<Integer> got = new ArrayList<>();
                        for (int x : ch) got.add(x);
                        return got;
                    }));
                }
                awaitAll(ps);
                ch.close();
                Set<Integer> all = new HashSet<>();
                int count = 0;
                for (Task<List<Integer>> c : cs) {
                    List<Integer> got = c.await();
                    count += got.size();
                    all.addAll(got);
                    // Each producer's values reach any one consumer in the order they were sent.
                    int[] last = new int[producers];
                    java.util.Arrays.fill(last, -1);
                    for (int x : got) {
                        assertTrue(x > last[x / perProducer], "per-producer order in capacity " + capacity);
                        last[x / perProducer] = x;
                    }
                }
                assertEquals(producers * perProducer, count, "capacity " + capacity);
                assertEquals(producers * perProducer, all.size(), "no duplicates, capacity " + capacity);
            });
        }
    }

    @Test
    void aReceiverCancelledAfterItWasWokenTakesNothingAndPassesTheWakeUpOn() {
        run(() -> {
            Channel<String> ch = Channel.bounded(1);
            Task<String> first = Asyncio.createTask(ch::receive);
            Task<String> second = Asyncio.createTask(ch::receive);
            runReady();
            ch.send("v");    // wakes first
            first.cancel(); // before it runs
            assertThrows(CancelledError.class, first::await);
            assertEquals("v", second.await());
        });
    }

    @Test
    void aSendCancelledAfterItsValueWasTakenReturnsAndIsCancelledAtTheNextSuspension() {
        run(() -> {
            Channel<String> ch = Channel.rendezvous();
            boolean[] sendReturned = {false};
            Task<Void> sender = Asyncio.createTask(() -> {
                ch.send("v");
                sendReturned[0] = true;
                Asyncio.sleep(java.time.Duration.ofHours(1));
            });
            runReady();
            assertEquals("v", ch.tryReceive()); // takes the value and completes the sender's wait
            sender.cancel("stop");               // in the same instant, before the sender runs
            CancelledError e = assertThrows(CancelledError.class, sender::await);
            assertTrue(sendReturned[0], "the value was delivered, so send returned");
            assertEquals("stop", e.getMessage());
        });
    }

    @Test
    void aSendCancelledWhileWaitingDeliversNothing() {
        run(() -> {
            Channel<String> ch = Channel.rendezvous();
            Task<Void> sender = Asyncio.createTask(() -> ch.send("v"));
            runReady();
            sender.cancel();
            assertThrows(CancelledError.class, sender::await);
            assertNull(ch.tryReceive());
        });
    }

    @Test
    void aRendezvousValueHandedToAReceiverCancelledBeforeItRanWaitsForTheNextReceiver() {
        run(() -> {
            Channel<String> ch = Channel.rendezvous();
            Task<String> receiver = Asyncio.createTask(ch::receive);
            runReady();
            ch.send("v"); // returns at once: a receiver was waiting
            receiver.cancel();
            assertThrows(CancelledError.class, receiver::await);
            assertEquals(1, ch.size(), "the value was not lost");
            assertEquals("v", ch.receive());
        });
    }

    @Test
    void badInputFailsPrecisely() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Channel.bounded(0));
        assertEquals("Channel capacity must be positive, got 0: use Channel.rendezvous() for a channel without buffer, "
                + "Channel.unbounded() for one without limit", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Channel.bounded(-1));
        run(() -> {
            Channel<String> ch = Channel.unbounded();
            assertThrows(NullPointerException.class, () -> ch.send(null));
            assertThrows(NullPointerException.class, () -> ch.trySend(null));
            assertEquals(0, ch.size());
        });
    }

    @Test
    void useFromAnotherLoopOrAThreadWithoutLoopFails() throws Exception {
        Channel<String> ch = Channel.unbounded();
        run(() -> ch.send("x"));
        run(() -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, ch::tryReceive);
            assertTrue(e.getMessage().startsWith("Channel.tryReceive() was called on the event loop running in thread"), e.getMessage());
            assertTrue(e.getMessage().contains("callSoonThreadsafe"), e.getMessage());
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ch.trySend("y"));
        assertTrue(e.getMessage().startsWith("Channel.trySend() was called from thread"), e.getMessage());
        // Suspending operations need a task, not a callback.
        run(() -> {
            Channel<String> c = Channel.unbounded();
            CompletableFuture<Throwable> seen = new CompletableFuture<>();
            Asyncio.getRunningLoop().callSoon(() -> {
                try {
                    c.receive();
                    seen.complete(null);
                } catch (Throwable t) {
                    seen.complete(t);
                }
            });
            runReady(2);
            Throwable t = seen.get(1, TimeUnit.SECONDS);
            assertInstanceOf(IllegalStateException.class, t);
            assertTrue(t.getMessage().startsWith("Channel.receive() suspends, so it can only be called inside a task"), t.getMessage());
        });
    }
}
