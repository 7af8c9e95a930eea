package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.internal.LoopAccess;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** LoopAccess.addCloseHook: what the I/O, process and signal layers rely on at close. */
@Timeout(30)
class LoopCloseHookTest {
    private static final LoopAccess ACCESS = LoopAccess.get();

    @Test
    void hooksRunAtCloseNewestFirstWhileTheSelectorIsStillOpen() {
        EventLoop loop = new EventLoop();
        List<String> order = new ArrayList<>();
        for (String name : List.of("first", "second", "third")) {
            ACCESS.addCloseHook(loop, () -> order.add(name + (ACCESS.selector(loop).isOpen() ? "" : " (selector closed)")));
        }
        assertEquals(List.of(), order, "hooks must not run before close()");
        loop.close();
        assertEquals(List.of("third", "second", "first"), order);
        assertFalse(ACCESS.selector(loop).isOpen());
    }

    @Test
    void aFailingHookGoesToTheExceptionHandlerAndTheOthersStillRun() {
        EventLoop loop = new EventLoop();
        List<ErrorContext> errors = new ArrayList<>();
        loop.setExceptionHandler((l, ctx) -> errors.add(ctx));
        List<String> ran = new ArrayList<>();
        ACCESS.addCloseHook(loop, () -> ran.add("older"));
        IllegalStateException boom = new IllegalStateException("boom");
        ACCESS.addCloseHook(loop, () -> {
            throw boom;
        });
        loop.close();
        assertEquals(List.of("older"), ran);
        assertEquals(1, errors.size());
        assertSame(boom, errors.get(0).exception());
        assertTrue(errors.get(0).message().contains("close hook"), errors.get(0).message());
        assertTrue(loop.isClosed());
    }

    @Test
    void hooksRunOnceEvenWhenAHookClosesTheLoopAgain() {
        EventLoop loop = new EventLoop();
        int[] runs = {0};
        ACCESS.addCloseHook(loop, () -> {
            runs[0]++;
            loop.close(); // re-entrant close: a no-op, not a second round of hooks
        });
        loop.close();
        loop.close();
        assertEquals(1, runs[0]);
    }

    @Test
    void hooksCanStillUseTheLoopAndReleaseChannelsBeforeTheLeftoverSweep() throws Exception {
        EventLoop loop = new EventLoop();
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.configureBlocking(false);
        server.register(ACCESS.selector(loop), SelectionKey.OP_ACCEPT, ACCESS.ioHandle(loop, () -> {}));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ACCESS.addCloseHook(loop, () -> {
            try {
                loop.callSoon(() -> {}).cancel(); // the loop is not closed yet while hooks run
                server.close();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        LogCapture log = LogCapture.start();
        try {
            loop.close();
        } finally {
            log.stop();
        }
        assertNull(failure.get());
        assertFalse(server.isOpen());
        assertTrue(log.messages().stream().noneMatch(m -> m.contains("left open")), log.messages().toString());
    }

    @Test
    void aLeftoverChannelIsStillClosedWithAWarningWhenNoHookReleasesIt() throws Exception {
        EventLoop loop = new EventLoop();
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.configureBlocking(false);
        server.register(ACCESS.selector(loop), SelectionKey.OP_ACCEPT, ACCESS.ioHandle(loop, () -> {}));
        AtomicReference<Boolean> openInHook = new AtomicReference<>();
        ACCESS.addCloseHook(loop, () -> openInHook.set(server.isOpen()));
        LogCapture log = LogCapture.start();
        try {
            loop.close();
        } finally {
            log.stop();
        }
        assertTrue(openInHook.get(), "hooks run before the leftover channels are closed");
        assertFalse(server.isOpen());
        assertTrue(log.messages().stream().anyMatch(m -> m.contains("left open")), log.messages().toString());
    }

    @Test
    void aCallbackSentTooLateIsDroppedAtCloseWithAWarningUnlessItWasCancelled() throws Exception {
        EventLoop loop = new EventLoop();
        boolean[] ran = {false, false};
        // Sent from another thread to a loop that will never run again: they wait in its inbox.
        Thread sender = Thread.ofPlatform().start(() -> {
            loop.callSoonThreadsafe(new Runnable() {
                @Override
                public void run() {
                    ran[0] = true;
                }

                @Override
                public String toString() {
                    return "late-callback";
                }
            });
            loop.callSoonThreadsafe(() -> ran[1] = true).cancel();
        });
        sender.join();
        LogCapture log = LogCapture.start();
        try {
            loop.close();
        } finally {
            log.stop();
        }
        assertArrayEquals(new boolean[] {false, false}, ran, "close() runs no callback");
        List<String> dropped = log.messages().stream().filter(m -> m.contains("callback dropped because the loop closed")).toList();
        assertEquals(1, dropped.size(), "only the live callback is reported: " + log.messages());
        assertTrue(dropped.get(0).contains("late-callback"), dropped.get(0));
    }

    @Test
    void aVirtualMachineErrorFromAHookIsNotSwallowed() {
        EventLoop loop = new EventLoop();
        List<ErrorContext> errors = new ArrayList<>();
        loop.setExceptionHandler((l, ctx) -> errors.add(ctx));
        StackOverflowError fatal = new StackOverflowError("hook overflowed");
        ACCESS.addCloseHook(loop, () -> {
            throw fatal;
        });
        assertSame(fatal, assertThrows(StackOverflowError.class, loop::close));
        assertEquals(List.of(), errors, "a VirtualMachineError is not an error to report and go on from");
    }

    @Test
    void addingAHookToAClosedLoopFails() {
        EventLoop loop = new EventLoop();
        loop.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ACCESS.addCloseHook(loop, () -> {}));
        assertEquals("Event loop is closed", e.getMessage());
    }

    @Test
    void addingAHookWhileTheLoopClosesFails() {
        EventLoop loop = new EventLoop();
        AtomicReference<Throwable> seen = new AtomicReference<>();
        ACCESS.addCloseHook(loop, () -> {
            try {
                ACCESS.addCloseHook(loop, () -> {});
            } catch (Throwable t) {
                seen.set(t);
            }
        });
        loop.close();
        assertInstanceOf(IllegalStateException.class, seen.get());
    }

    @Test
    void aNullHookIsRefused() {
        try (EventLoop loop = new EventLoop()) {
            NullPointerException e = assertThrows(NullPointerException.class, () -> ACCESS.addCloseHook(loop, null));
            assertEquals("hook", e.getMessage());
        }
    }

    @Test
    void addingAHookFromAnotherThreadWhileTheLoopRunsFails() throws Exception {
        try (EventLoop loop = new EventLoop()) {
            AtomicReference<Throwable> seen = new AtomicReference<>();
            loop.runUntilComplete(() -> {
                Thread other = Thread.ofPlatform().start(() -> {
                    try {
                        ACCESS.addCloseHook(loop, () -> {});
                    } catch (Throwable t) {
                        seen.set(t);
                    }
                });
                other.join(); // a blocking join parks only this task's virtual thread
            });
            assertInstanceOf(IllegalStateException.class, seen.get());
            assertTrue(seen.get().getMessage().contains("callSoonThreadsafe"), seen.get().getMessage());
        }
    }

    @Test
    void closingTheLoopClosesTheChannelsLeftRegisteredAndNamesEach() throws Exception {
        java.nio.channels.Pipe leaked = java.nio.channels.Pipe.open();
        java.nio.channels.Pipe closedByOwner = java.nio.channels.Pipe.open();
        EventLoop loop = new EventLoop(new VirtualClock());
        leaked.source().configureBlocking(false);
        closedByOwner.source().configureBlocking(false);
        loop.addReader(leaked.source(), () -> {});
        loop.addReader(closedByOwner.source(), () -> {});
        closedByOwner.source().close(); // its key stays in the selector's key set until a select
        LogCapture log = LogCapture.start();
        try {
            loop.close();
        } finally {
            log.stop();
            leaked.sink().close();
            closedByOwner.sink().close();
        }
        assertFalse(leaked.source().isOpen(), "the loop closed the channel nobody closed");
        List<String> warned = log.messages().stream().filter(m -> m.contains("left open when the event loop closed")).toList();
        assertEquals(1, warned.size(), "only the channel still open is reported: " + log.messages());
        assertTrue(warned.get(0).startsWith("closing " + leaked.source()), warned.get(0));
    }
}
