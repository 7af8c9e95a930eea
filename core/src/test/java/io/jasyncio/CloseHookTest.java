package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.internal.LoopAccess;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** LoopAccess.addCloseHook: what the I/O layers use to release resources when a loop closes. */
@Timeout(30)
class CloseHookTest {

    @Test
    void hooksRunAtCloseLastRegisteredFirstAndAFailingOneGoesToTheHandler() {
        List<String> events = new ArrayList<>();
        EventLoop loop = new EventLoop();
        loop.setExceptionHandler((l, ctx) -> events.add("handler: " + ctx.message() + ": " + ctx.exception().getMessage()));
        LoopAccess.get().addCloseHook(loop, () -> events.add("first"));
        LoopAccess.get().addCloseHook(loop, () -> {
            throw new IllegalStateException("boom");
        });
        LoopAccess.get().addCloseHook(loop, () -> events.add("third"));
        loop.runUntilComplete(() -> events.add("ran"));
        assertEquals(List.of("ran"), events, "hooks wait for close()");
        loop.close();
        assertEquals(List.of("ran", "third", "handler: a close hook failed while the event loop closed: boom", "first"), events);
        loop.close(); // idempotent: the hooks do not run twice
        assertEquals(4, events.size());
        assertThrows(IllegalStateException.class, () -> LoopAccess.get().addCloseHook(loop, () -> {}));
    }
}
