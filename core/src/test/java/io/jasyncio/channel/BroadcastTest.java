package io.jasyncio.channel;

import static io.jasyncio.channel.ChannelTesting.run;
import static io.jasyncio.channel.ChannelTesting.runReady;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BroadcastTest {

    @Test
    void everyReceiverGetsEveryMessageInOrderAndIterationEndsAtClose() {
        run(() -> {
            Broadcast<Integer> b = new Broadcast<>(4);
            List<Task<List<Integer>>> rxs = new ArrayList<>();
            for (int r = 0; r < 50; r++) {
                Broadcast.Receiver<Integer> rx = b.subscribe();
                rxs.add(Asyncio.createTask(() -> {
                    List<Integer> got = new ArrayList<>();
                    for (int x : rx) got.add(x);
                    return got;
                }));
            }
            runReady();
            for (int i = 0; i < 100; i++) {
                assertEquals(50, b.send(i));
                runReady(); // receivers keep up: nobody lags
            }
            b.close();
            List<Integer> expected = java.util.stream.IntStream.range(0, 100).boxed().toList();
            for (Task<List<Integer>> t : rxs) assertEquals(expected, t.await());
        });
    }

    @Test
    void aLaggingReceiverIsToldByHowMuchAndGoesOnFromTheOldestHeld() {
        run(() -> {
            Broadcast<Integer> b = new Broadcast<>(3);
            Broadcast.Receiver<Integer> rx = b.subscribe();
            for (int i = 0; i < 10; i++) b.send(i);
            assertEquals(3, rx.pending());
            Lagged e = assertThrows(Lagged.class, rx::receive);
            assertEquals(7, e.skipped());
            assertEquals("receiver lagged by 7 messages: they were overwritten before it received them; it goes on from the "
                    + "oldest message still held (receive faster, or give the Broadcast a larger capacity)", e.getMessage());
            assertEquals(7, rx.receive());
            assertEquals(8, rx.tryReceive());
            assertEquals(9, rx.receive());
            assertNull(rx.tryReceive());
        });
    }

    @Test
    void aReceiverSubscribedLaterSeesOnlyLaterMessages() {
        run(() -> {
            Broadcast<String> b = new Broadcast<>(8);
            b.send("before");
            Broadcast.Receiver<String> rx = b.subscribe();
            b.send("after");
            assertEquals("after", rx.receive());
        });
    }

    @Test
    void closeLetsReceiversDrainThenFails() {
        run(() -> {
            Broadcast<String> b = new Broadcast<>(8);
            Broadcast.Receiver<String> rx = b.subscribe();
            b.send("last");
            b.close();
            assertEquals("Broadcast is closed: close() was called", assertThrows(ChannelClosed.class, () -> b.send("x")).getMessage());
            assertEquals("last", rx.receive());
            assertEquals("Broadcast is closed and this receiver has every message",
                    assertThrows(ChannelClosed.class, rx::receive).getMessage());
            Task<String> waiting = Asyncio.createTask(() -> {
                Broadcast<String> b2 = new Broadcast<>(1);
                Broadcast.Receiver<String> r2 = b2.subscribe();
                Asyncio.getRunningLoop().callSoon(b2::close);
                return r2.receive();
            });
            assertThrows(ChannelClosed.class, waiting::await, "a waiting receiver is woken by the close");
        });
    }

    @Test
    void aCancelledReceiveLosesNothingForItselfOrTheOthers() {
        run(() -> {
            Broadcast<String> b = new Broadcast<>(8);
            Broadcast.Receiver<String> r1 = b.subscribe();
            Broadcast.Receiver<String> r2 = b.subscribe();
            Task<String> t1 = Asyncio.createTask(r1::receive);
            Task<String> t2 = Asyncio.createTask(r2::receive);
            runReady();
            t1.cancel();
            assertThrows(CancelledError.class, t1::await);
            b.send("m");
            assertEquals("m", t2.await(), "the other waiter was not disturbed");
            assertEquals("m", r1.receive(), "the cancelled receiver still has the message");
        });
    }

    @Test
    void badInputFailsPrecisely() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Broadcast<String>(0));
        assertEquals("Broadcast capacity must be positive, got 0: it is how many messages are kept for receivers that are behind",
                e.getMessage());
        run(() -> assertThrows(NullPointerException.class, () -> new Broadcast<String>(1).send(null)));
    }
}
