package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SupervisorTest {

    private static void run(AsyncRunnable body) {
        Asyncio.run(body, RunOptions.defaults().virtualTime(true));
    }

    @Test
    void aFailingChildCancelsNeitherItsSiblingsNorTheBodyAndIsReportedIfUnread() {
        List<ErrorContext> reports = new ArrayList<>();
        run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> reports.add(ctx));
            List<String> done = new ArrayList<>();
            String result = Supervisor.call(sv -> {
                sv.createTask(() -> {
                    throw new IllegalStateException("child 1 failed");
                });
                Task<Void> read = sv.createTask(() -> {
                    throw new IllegalArgumentException("read by the body");
                });
                sv.createTask(() -> {
                    Asyncio.sleep(Duration.ofMillis(50));
                    done.add("sibling");
                });
                Asyncio.sleep(Duration.ofMillis(10));
                assertThrows(IllegalArgumentException.class, read::result);
                done.add("body");
                return "ok";
            });
            assertEquals("ok", result);
            assertEquals(List.of("body", "sibling"), done, "the scope waited for the sibling");
        });
        assertEquals(1, reports.size(), "only the unread failure is reported");
        assertEquals("child 1 failed", reports.get(0).exception().getMessage());
    }

    @Test
    void aFailingBodyCancelsTheChildrenWaitsAndThrowsAsItIs() {
        run(() -> {
            List<Task<?>> kids = new ArrayList<>();
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> Supervisor.run(sv -> {
                kids.add(sv.createTask(() -> Asyncio.sleep(Duration.ofHours(1))));
                Asyncio.sleep(Duration.ZERO);
                throw new java.io.IOException("body");
            }));
            assertEquals("body", e.getMessage());
            assertTrue(kids.get(0).cancelled(), "the child was cancelled and had ended before the scope threw");
        });
    }

    @Test
    void cancellingTheParentCancelsTheChildrenAndTheCancellationGoesOn() {
        run(() -> {
            List<Task<?>> kids = new ArrayList<>();
            Task<Void> parent = Asyncio.createTask(() -> Supervisor.run(sv -> {
                kids.add(sv.createTask(() -> Asyncio.sleep(Duration.ofHours(1))));
                // The body returns: the parent is then cancelled while the scope waits.
            }));
            while (kids.isEmpty()) Asyncio.sleep(Duration.ZERO);
            Asyncio.sleep(Duration.ZERO);
            parent.cancel("stop");
            CancelledError c = assertThrows(CancelledError.class, parent::await);
            assertTrue(kids.get(0).cancelled());
            assertTrue(parent.cancelled(), c.getMessage());
        });
    }

    @Test
    void creatingAChildAfterTheScopeEndedFails() {
        run(() -> {
            Supervisor[] leaked = new Supervisor[1];
            Supervisor.run(sv -> leaked[0] = sv);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> leaked[0].createTask(() -> {}));
            assertTrue(e.getMessage().endsWith("has ended: create tasks inside its body"), e.getMessage());
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Supervisor.run(sv -> {}));
        assertTrue(e.getMessage().startsWith("Supervisor needs a parent task"), e.getMessage());
    }

    @Test
    void aCancellationWhileWaitingAfterTheBodyFailedCarriesTheBodysFailure() {
        run(() -> {
            Task<Void> parent = Asyncio.createTask(() -> Supervisor.run(sv -> {
                sv.createTask(() -> {
                    try {
                        Asyncio.sleep(Duration.ofHours(1));
                    } finally {
                        // Slow to stop: the scope is still waiting when the parent is cancelled.
                        Asyncio.shield(Asyncio.createTask(() -> Asyncio.sleep(Duration.ofSeconds(1)))).await();
                    }
                });
                Asyncio.sleep(Duration.ZERO);
                throw new IllegalStateException("body failed");
            }));
            Asyncio.sleep(Duration.ofMillis(10));
            assertFalse(parent.done(), "the scope waits for the slow child");
            parent.cancel("outer");
            CancelledError c = assertThrows(CancelledError.class, parent::await);
            assertEquals(1, c.getSuppressed().length, "the body's failure is not lost");
            assertEquals("body failed", c.getSuppressed()[0].getMessage());
        });
    }
}
