package io.jasyncio;

import static io.jasyncio.SignalHandlerTest.currentHandler;
import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sun.misc.SignalHandler;

/**
 * Who holds a signal, and that a refused call changes nothing: no handler left installed by an
 * add from the wrong thread or on a closed loop, no handler taken from another loop or another
 * owner. (SignalHandlerTest sends real signals; nothing is sent here.)
 */
@Timeout(60)
class SignalOwnershipTest {

    @Test
    void anAddRefusedForTheThreadOrAClosedLoopLeavesNoHandlerInstalled() throws Exception {
        SignalHandler before = currentHandler("USR1");
        EventLoop loop = new EventLoop();
        loop.addSignalHandler("WINCH", () -> {}); // the loop's close hook is registered already
        CompletableFuture<Throwable> fromOther = new CompletableFuture<>();
        loop.runUntilComplete(() -> Asyncio.toThread(() -> {
            try {
                loop.addSignalHandler("USR1", () -> {});
                fromOther.complete(null);
            } catch (Throwable e) {
                fromOther.complete(e);
            }
            return null;
        }));
        assertInstanceOf(IllegalStateException.class, fromOther.get());
        assertFalse(LoopSignals.isTaken("USR1"));
        assertSame(before, currentHandler("USR1"));
        loop.close();
        assertThrows(IllegalStateException.class, () -> loop.addSignalHandler("USR1", () -> {}));
        assertFalse(LoopSignals.isTaken("USR1"));
        assertSame(before, currentHandler("USR1"));
    }

    @Test
    void aRemoveFromAnotherThreadIsRefusedAndTheHandlerStays() throws Exception {
        try (EventLoop loop = new EventLoop()) {
            loop.addSignalHandler("USR1", () -> {});
            CompletableFuture<Throwable> fromOther = new CompletableFuture<>();
            loop.runUntilComplete(() -> Asyncio.toThread(() -> {
                try {
                    loop.removeSignalHandler("USR1");
                    fromOther.complete(null);
                } catch (Throwable e) {
                    fromOther.complete(e);
                }
                return null;
            }));
            assertInstanceOf(IllegalStateException.class, fromOther.get());
            assertTrue(LoopSignals.isTaken("USR1"));
        }
        assertFalse(LoopSignals.isTaken("USR1"), "closing gave it back");
    }

    @Test
    void aNullSignalNameIsRefusedByName() {
        try (EventLoop loop = new EventLoop()) {
            assertEquals("signal", assertThrows(NullPointerException.class, () -> loop.addSignalHandler(null, () -> {})).getMessage());
            assertEquals("signal", assertThrows(NullPointerException.class, () -> loop.removeSignalHandler(null)).getMessage());
        }
    }

    @Test
    void closingALoopGivesBackOnlyItsOwnSignals() {
        SignalHandler winch = currentHandler("WINCH");
        try (EventLoop keeper = new EventLoop()) {
            EventLoop closer = new EventLoop();
            keeper.addSignalHandler("WINCH", () -> {});
            closer.addSignalHandler("USR1", () -> {});
            SignalHandler keepers = currentHandler("WINCH");
            closer.close();
            assertFalse(LoopSignals.isTaken("USR1"));
            assertTrue(LoopSignals.isTaken("WINCH"), "the other loop still holds its signal");
            assertSame(keepers, currentHandler("WINCH"));
        }
        assertSame(winch, currentHandler("WINCH"));
    }

    @Test
    void aHandlerIsRemovedOnlyByTheOwnerThatInstalledIt() {
        SignalHandler before = currentHandler("USR1");
        try (EventLoop loop = new EventLoop()) {
            SignalHandler mine = s -> {};
            SignalHandler someoneElses = s -> {};
            LoopSignals.install(loop, "USR1", mine);
            assertFalse(LoopSignals.removeIfInstalled(loop, "USR1", someoneElses));
            assertTrue(LoopSignals.isTaken("USR1"));
            assertSame(mine, currentHandler("USR1"));
            assertTrue(LoopSignals.removeIfInstalled(loop, "USR1", mine));
            assertFalse(LoopSignals.isTaken("USR1"));
        }
        assertSame(before, currentHandler("USR1"));
    }

    @Test
    void installingAgainKeepsTheHandlerFromBeforeTheLoopAsTheOneToPutBack() {
        SignalHandler before = currentHandler("USR1");
        try (EventLoop loop = new EventLoop()) {
            SignalHandler first = s -> {};
            SignalHandler second = s -> {};
            assertSame(before, LoopSignals.install(loop, "USR1", first), "install returns the handler it displaced");
            assertSame(before, LoopSignals.install(loop, "USR1", second), "the one from before the loop, not the loop's first");
            assertTrue(LoopSignals.removeIfInstalled(loop, "USR1", second));
            assertSame(before, currentHandler("USR1"));
        }
    }

    @Test
    void aClosedLoopIsNotKeptReachableByTheSignalsItHeld() throws Exception {
        java.lang.ref.WeakReference<EventLoop> ref = closedLoopThatHeld("USR1");
        for (int i = 0; i < 100 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(ref.get(), "the closed loop is still reachable");
    }

    private static java.lang.ref.WeakReference<EventLoop> closedLoopThatHeld(String signal) {
        EventLoop loop = new EventLoop();
        loop.addSignalHandler(signal, () -> {});
        loop.close();
        return new java.lang.ref.WeakReference<>(loop);
    }
}
