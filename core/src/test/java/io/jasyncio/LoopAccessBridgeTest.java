package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.internal.LoopAccess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bridge through which the I/O packages reach a loop's internals (LoopAccess, implemented by LoopAccessImpl). */
@Timeout(30)
class LoopAccessBridgeTest {
    private static final LoopAccess ACCESS = LoopAccess.get();

    @Test
    void theSelectorIsTheOneTheLoopSleepsIn() {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            assertSame(loop.scheduler.selector(), ACCESS.selector(loop));
        }
    }

    @Test
    void anIoHandleRunsItsCallbackInTheContextOfWhereItWasMade() {
        ContextVar<String> who = new ContextVar<>("who", "nobody");
        List<String> seen = new ArrayList<>();
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            assertEquals("onReady", assertThrows(NullPointerException.class, () -> ACCESS.ioHandle(loop, null)).getMessage());
            who.set("the task");
            Handle h = ACCESS.ioHandle(loop, () -> seen.add(who.get()));
            loop.callSoon(h::invoke, new Context()); // run later, from a callback in another context
            Asyncio.sleep(Duration.ZERO);
        });
        assertEquals(List.of("the task"), seen);
    }

    @Test
    void checkThreadRefusesAnotherThreadWhileTheLoopRuns() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            ACCESS.checkThread(loop, "here()"); // the loop's own task: fine
            IllegalStateException e = Asyncio.toThread(() -> assertThrows(IllegalStateException.class,
                    () -> ACCESS.checkThread(loop, "elsewhere()")));
            assertTrue(e.getMessage().startsWith("elsewhere() was called from thread"), e.getMessage());
        });
    }

    @Test
    void aCloseHookRunsAtCloseAndIsRefusedOnceTheLoopIsClosed() {
        List<String> ran = new ArrayList<>();
        EventLoop loop = new EventLoop(new VirtualClock());
        ACCESS.addCloseHook(loop, () -> ran.add("hook"));
        loop.close();
        assertEquals(List.of("hook"), ran);
        assertThrows(IllegalStateException.class, () -> ACCESS.addCloseHook(loop, () -> ran.add("late")));
        assertEquals(List.of("hook"), ran);
    }

    @Test
    void aRedeliveredCancellationKeepsItsCountAndMessageAndReachesTheNextSuspension() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Task<Void> t = Asyncio.createTask(() -> {
                Task<?> me = Asyncio.currentTask();
                try {
                    Asyncio.sleep(Duration.ofHours(1));
                } catch (CancelledError caught) {
                    // Caught by a library on the way out; it hands the cancellation back.
                    ACCESS.redeliverCancel(me, caught.getMessage());
                    log.add("count " + me.cancelling());
                }
                try {
                    Asyncio.sleep(Duration.ofHours(1));
                    log.add("not cancelled");
                } catch (CancelledError again) {
                    log.add("cancelled again: " + again.getMessage());
                    throw again;
                }
            });
            Asyncio.sleep(Duration.ZERO);
            t.cancel("stop");
            assertThrows(CancelledError.class, t::await);
        }, RunOptions.defaults().virtualTime(true));
        assertEquals(List.of("count 1", "cancelled again: stop"), log);
    }

    @Test
    void theRunningLoopIsKnownOnlyOnItsThread() {
        assertNull(ACCESS.runningLoopOrNull());
        Asyncio.run(() -> assertSame(Asyncio.getRunningLoop(), ACCESS.runningLoopOrNull()));
    }
}
