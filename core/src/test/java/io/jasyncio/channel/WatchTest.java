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
class WatchTest {

    @Test
    void receiversWakeOnChangeAndSeeTheLatestValueOnce() {
        run(() -> {
            Watch<String> w = new Watch<>("v0");
            List<Task<String>> watchers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Watch.Receiver<String> rx = w.subscribe();
                assertFalse(rx.hasChanged());
                watchers.add(Asyncio.createTask(() -> {
                    rx.changed();
                    return rx.borrowAndUpdate();
                }));
            }
            runReady();
            assertTrue(watchers.stream().noneMatch(Task::done), "no change yet");
            w.set("v1");
            w.set("v2"); // before the watchers run: they see only the latest
            for (Task<String> t : watchers) assertEquals("v2", t.await());
            assertEquals("v2", w.get());
        });
    }

    @Test
    void changedReturnsAtOnceForAValueNotYetSeen() {
        run(() -> {
            Watch<Integer> w = new Watch<>(0);
            Watch.Receiver<Integer> rx = w.subscribe();
            w.set(1);
            assertTrue(rx.hasChanged());
            assertEquals(1, rx.borrow());
            assertTrue(rx.hasChanged(), "borrow() does not mark seen");
            rx.changed();
            assertFalse(rx.hasChanged());
        });
    }

    @Test
    void closeEndsTheWatchersOnceTheyHaveSeenTheLastValue() {
        run(() -> {
            Watch<Integer> w = new Watch<>(0);
            Watch.Receiver<Integer> rx = w.subscribe();
            Task<Void> waiting = Asyncio.createTask(rx::changed);
            runReady();
            w.close();
            assertEquals("Watch is closed and this receiver has seen its last value",
                    assertThrows(ChannelClosed.class, waiting::await).getMessage());
            assertThrows(ChannelClosed.class, () -> w.set(1));
            assertEquals(0, w.get());
        });
    }

    @Test
    void aCancelledWatcherDoesNotDisturbTheOthers() {
        run(() -> {
            Watch<Integer> w = new Watch<>(0);
            Watch.Receiver<Integer> r1 = w.subscribe();
            Watch.Receiver<Integer> r2 = w.subscribe();
            Task<Void> t1 = Asyncio.createTask(r1::changed);
            Task<Void> t2 = Asyncio.createTask(r2::changed);
            runReady();
            t1.cancel();
            assertThrows(CancelledError.class, t1::await);
            w.set(5);
            t2.await();
            assertTrue(r1.hasChanged(), "the cancelled watcher has not marked the change seen");
            assertThrows(NullPointerException.class, () -> w.set(null));
        });
    }
}
