package io.jasyncio.channel;

import static io.jasyncio.channel.ChannelTesting.run;
import static io.jasyncio.channel.ChannelTesting.runReady;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Future;
import io.jasyncio.Task;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SelectTest {

    @Test
    void theFirstReadyBranchInOrderWinsAndTheOthersConsumeNothing() {
        run(() -> {
            Channel<String> a = Channel.unbounded();
            Channel<String> b = Channel.unbounded();
            Channel<String> out = Channel.bounded(1);
            a.send("a1");
            b.send("b1");
            String r = new Select<String>()
                    .onReceive(b, v -> "b:" + v)
                    .onReceive(a, v -> "a:" + v)
                    .onSend(out, "o", () -> "sent")
                    .await();
            assertEquals("b:b1", r);
            assertEquals(1, a.size(), "a's value is still there");
            assertEquals(0, out.size(), "nothing was sent");
            assertEquals("a:a1", new Select<String>().onReceive(b, v -> "b").onReceive(a, v -> "a:" + v).await());
            assertEquals("sent", new Select<String>().onReceive(b, v -> "b").onSend(out, "o", () -> "sent").await());
            assertEquals("o", out.receive());
        });
    }

    @Test
    void aWaitingSelectTakesTheFirstValueToArriveAndOnlyThatOne() {
        run(() -> {
            Channel<Integer> a = Channel.rendezvous();
            Channel<Integer> b = Channel.rendezvous();
            Task<String> sel = Asyncio.createTask(() -> new Select<String>()
                    .onReceive(a, v -> "a" + v)
                    .onReceive(b, v -> "b" + v)
                    .await());
            runReady();
            Task<Void> sendB = Asyncio.createTask(() -> b.send(2));
            runReady();
            assertEquals("b2", sel.await());
            sendB.await();
            assertFalse(a.trySend(1), "the select no longer waits on a");
        });
    }

    @Test
    void aSendBranchHappensWhenAReceiverArrivesAndTheOtherBranchesAreWithdrawn() {
        run(() -> {
            Channel<String> out1 = Channel.rendezvous();
            Channel<String> out2 = Channel.rendezvous();
            Channel<String> in = Channel.rendezvous();
            Task<String> sel = Asyncio.createTask(() -> new Select<String>()
                    .onSend(out1, "x", () -> "out1")
                    .onSend(out2, "y", () -> "out2")
                    .onReceive(in, v -> "in")
                    .await());
            runReady();
            assertEquals("y", out2.receive());
            assertEquals("out2", sel.await());
            assertNull(out1.tryReceive(), "the other send was withdrawn");
            assertFalse(in.trySend("z"), "the receive was withdrawn");
        });
    }

    @Test
    void aFutureBranchGetsTheResultAndAFailedFutureThrowsAsAwaitWould() {
        run(() -> {
            Channel<String> never = Channel.rendezvous();
            Future<Integer> f = Asyncio.getRunningLoop().createFuture();
            Asyncio.getRunningLoop().callLater(Duration.ofMillis(10), () -> f.setResult(7));
            assertEquals(8, new Select<Integer>().onReceive(never, v -> 0).onFuture(f, x -> x + 1).await());

            Future<Integer> failed = Asyncio.getRunningLoop().createFuture();
            failed.setException(new IllegalStateException("boom"));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new Select<Integer>().onFuture(failed, x -> x).await());
            assertEquals("boom", e.getMessage());
        });
    }

    @Test
    void aTimeoutWinsOnlyWhenNothingElseIsReady() {
        run(() -> {
            Channel<String> ch = Channel.unbounded();
            assertEquals("idle", new Select<String>().onReceive(ch, v -> v).onTimeout(Duration.ofMillis(20), () -> "idle").await());
            assertEquals("default", new Select<String>().onTimeout(Duration.ZERO, () -> "default").onReceive(ch, v -> v).await());
            ch.send("v");
            assertEquals("v", new Select<String>().onTimeout(Duration.ZERO, () -> "default").onReceive(ch, v -> v).await(),
                    "a ready branch beats a zero timeout whatever the order");
        });
    }

    @Test
    void closedChannelsMakeTheirBranchesFailWithChannelClosed() {
        run(() -> {
            Channel<String> in = Channel.rendezvous();
            Task<String> sel = Asyncio.createTask(() -> new Select<String>().onReceive(in, v -> v).await());
            runReady();
            in.close();
            ChannelClosed e = assertThrows(ChannelClosed.class, sel::await);
            assertEquals("Channel is closed and every value was received", e.getMessage());
            Channel<String> out = Channel.unbounded();
            out.close();
            assertThrows(ChannelClosed.class, () -> new Select<String>().onSend(out, "x", () -> "sent").await());
        });
    }

    @Test
    void aCancelledSelectConsumesNothingAndPassesItsWakeUpOn() {
        run(() -> {
            Channel<String> ch = Channel.bounded(1);
            Task<String> sel = Asyncio.createTask(() -> new Select<String>().onReceive(ch, v -> v).await());
            Task<String> plain = Asyncio.createTask(ch::receive);
            runReady();
            ch.send("v");  // wakes the select first
            sel.cancel(); // before it runs
            assertThrows(CancelledError.class, sel::await);
            assertEquals("v", plain.await());
        });
    }

    @Test
    void aSelectWokenByOneChannelThatTakesAnotherPassesTheWakeUpOn() {
        run(() -> {
            Channel<String> a = Channel.bounded(1);
            Channel<String> b = Channel.bounded(1);
            Task<String> sel = Asyncio.createTask(() -> new Select<String>()
                    .onReceive(a, v -> "a" + v)
                    .onReceive(b, v -> "b" + v)
                    .await());
            Task<String> plainB = Asyncio.createTask(b::receive);
            runReady();
            b.send("1"); // wakes the select (first waiter of b)
            a.send("2"); // a is earlier in order: the select will take a
            assertEquals("a2", sel.await());
            assertEquals("1", plainB.await(), "b's value reached b's other receiver");
        });
    }

    @Test
    void badSelectsFailPrecisely() {
        Channel<String> ch = Channel.unbounded();
        IllegalArgumentException dupReceive = assertThrows(IllegalArgumentException.class,
                () -> new Select<String>().onReceive(ch, v -> v).onReceive(ch, v -> v));
        assertTrue(dupReceive.getMessage().startsWith("select already has a receive branch for Channel[unbounded"), dupReceive.getMessage());
        IllegalArgumentException dupSend = assertThrows(IllegalArgumentException.class,
                () -> new Select<String>().onSend(ch, "a", () -> "a").onSend(ch, "b", () -> "b"));
        assertTrue(dupSend.getMessage().startsWith("select already has a send branch for"), dupSend.getMessage());
        IllegalArgumentException dupTimeout = assertThrows(IllegalArgumentException.class,
                () -> new Select<String>().onTimeout(Duration.ZERO, () -> "").onTimeout(Duration.ZERO, () -> ""));
        assertEquals("select already has a timeout of PT0S: one timeout per select", dupTimeout.getMessage());
        run(() -> {
            Future<String> f = Asyncio.getRunningLoop().createFuture();
            IllegalArgumentException dupFuture = assertThrows(IllegalArgumentException.class,
                    () -> new Select<String>().onFuture(f, v -> v).onFuture(f, v -> v));
            assertTrue(dupFuture.getMessage().endsWith(": one branch per future"), dupFuture.getMessage());
            IllegalStateException none = assertThrows(IllegalStateException.class, () -> new Select<String>().await());
            assertEquals("select has no branches: add at least one with onReceive, onSend, onFuture or onTimeout", none.getMessage());
        });
        // A future of another loop.
        AtomicReference<Future<String>> foreign = new AtomicReference<>();
        run(() -> foreign.set(Asyncio.getRunningLoop().createFuture()));
        run(() -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Select<String>().onFuture(foreign.get(), v -> v).await());
            assertTrue(e.getMessage().contains("belongs to another event loop"), e.getMessage());
        });
    }
}
