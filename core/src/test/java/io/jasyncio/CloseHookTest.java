package io.jasyncio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.internal.LoopAccess;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LoopAccess.addCloseHook: how subsystems (signal handlers, debug mode) release what they hold. */
class CloseHookTest {

    @Test
    void hooksRunOnCloseInReverseOrderBeforeTheSelectorClosesAndErrorsGoToTheHandler() {
        EventLoop loop = new EventLoop();
        List<String> ran = new ArrayList<>();
        List<ErrorContext> errors = new ArrayList<>();
        loop.setExceptionHandler((l, ctx) -> errors.add(ctx));
        Selector selector = LoopAccess.get().selector(loop);
        LoopAccess.get().addCloseHook(loop, () -> ran.add("first, selector open: " + selector.isOpen()));
        LoopAccess.get().addCloseHook(loop, () -> {
            throw new IllegalStateException("hook failed");
        });
        LoopAccess.get().addCloseHook(loop, () -> ran.add("third"));
        loop.close();
        assertEquals(List.of("third", "first, selector open: true"), ran);
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).message().startsWith("close hook failed"), errors.get(0).message());
        assertEquals("hook failed", errors.get(0).exception().getMessage());
        loop.close(); // idempotent: hooks do not run twice
        assertEquals(2, ran.size());
        assertThrows(IllegalStateException.class, () -> LoopAccess.get().addCloseHook(loop, () -> {}));
    }
}
