package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Asyncio.shield: asyncio's shield. */
@org.junit.jupiter.api.Timeout(30)
class ShieldTest {

    @Test
    void cancellingTheAwaitingTaskLeavesTheShieldedTaskRunning() {
        List<String> events = new ArrayList<>();
        Asyncio.run(() -> {
            Future<Void> release = Asyncio.getRunningLoop().createFuture();
            Task<String> inner = Asyncio.createTask(() -> {
                release.await();
                events.add("inner finished");
                return "saved";
            });
            Task<String> outer = Asyncio.createTask(() -> Asyncio.shield(inner).await());
            Asyncio.sleep(0);
            outer.cancel("go away");
            assertEquals("go away", assertThrows(CancelledError.class, outer::await).getMessage());
            events.add("outer cancelled");
            assertFalse(inner.done());
            release.setResult(null);
            assertEquals("saved", inner.await());
        });
        assertEquals(List.of("outer cancelled", "inner finished"), events);
    }

    @Test
    void theShieldFollowsTheResultAndTheFailureOfTheInnerTask() {
        Asyncio.run(() -> {
            assertEquals(5, Asyncio.shield(() -> {
                Asyncio.sleep(0);
                return 5;
            }).await());
            Future<Integer> failing = Asyncio.shield(() -> {
                Asyncio.sleep(0);
                throw new IllegalStateException("inner failed");
            });
            assertEquals("inner failed", assertThrows(IllegalStateException.class, failing::await).getMessage());
        });
    }

    @Test
    void cancellingTheInnerTaskCancelsTheShield() {
        Asyncio.run(() -> {
            Task<String> inner = Asyncio.createTask(() -> {
                Asyncio.sleep(Duration.ofSeconds(10));
                return "x";
            });
            Future<String> shielded = Asyncio.shield(inner);
            Asyncio.sleep(0);
            inner.cancel();
            assertThrows(CancelledError.class, shielded::await);
            assertTrue(shielded.cancelled());
        });
    }

    @Test
    void aDoneFutureIsReturnedAsItIs() {
        Asyncio.run(() -> {
            Future<String> f = Asyncio.getRunningLoop().createFuture();
            f.setResult("done");
            assertSame(f, Asyncio.shield(f));
        });
    }

    @Test
    void cancellingTheShieldDirectlyDoesNotCancelTheInnerFuture() {
        Asyncio.run(() -> {
            Future<String> inner = Asyncio.getRunningLoop().createFuture();
            Future<String> shielded = Asyncio.shield(inner);
            assertTrue(shielded.cancel());
            assertFalse(inner.cancelled());
            inner.setResult("still fine");
            Asyncio.sleep(0);
            assertEquals("still fine", inner.result());
            assertTrue(shielded.cancelled());
        });
    }
}
