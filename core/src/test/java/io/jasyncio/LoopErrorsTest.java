package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Where a loop's unclaimed errors go: the handler if set, else an ERROR log record with the context. */
@Timeout(30)
class LoopErrorsTest {

    @Test
    void withoutAHandlerAnErrorIsLoggedAtErrorWithItsContext() {
        LogCapture log = LogCapture.start();
        RuntimeException boom = new RuntimeException("boom");
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            assertNull(loop.getExceptionHandler());
            Future<String> f = loop.createFuture();
            loop.callExceptionHandler(new ErrorContext("something failed", boom, f, null));
        } finally {
            log.stop();
        }
        LogRecord r = only(log.records(), boom);
        assertEquals(Level.SEVERE, r.getLevel());
        assertTrue(r.getMessage().startsWith("something failed\n  future: Future[pending]"), r.getMessage());
    }

    @Test
    void aFailingHandlerIsLoggedWithTheContextItFailedOnAndTheLoopGoesOn() {
        LogCapture log = LogCapture.start();
        IllegalStateException handlerBug = new IllegalStateException("handler bug");
        boolean[] after = {false};
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            ExceptionHandler h = (l, ctx) -> {
                throw handlerBug;
            };
            loop.setExceptionHandler(h);
            assertSame(h, loop.getExceptionHandler());
            loop.callSoon(() -> {
                throw new RuntimeException("boom");
            });
            loop.callSoon(() -> after[0] = true);
            loop.callSoon(loop::stop);
            loop.runForever();
        } finally {
            log.stop();
        }
        assertTrue(after[0], "the loop went on");
        LogRecord r = only(log.records(), handlerBug);
        assertEquals(Level.SEVERE, r.getLevel());
        assertTrue(r.getMessage().startsWith("Unhandled error in exception handler (context: Exception in callback"), r.getMessage());
    }

    @Test
    void theDefaultLogNamesEveryObjectOfTheContextOnItsOwnLine() throws Exception {
        LogCapture log = LogCapture.start();
        RuntimeException boom = new RuntimeException("boom");
        io.jasyncio.net.BaseTransport transport = new io.jasyncio.net.BaseTransport() {
            @Override
            public Object getExtraInfo(String name) {
                return null;
            }

            @Override
            public boolean isClosing() {
                return false;
            }

            @Override
            public void close() {}

            @Override
            public String toString() {
                return "the-transport";
            }
        };
        io.jasyncio.net.BaseProtocol protocol = new io.jasyncio.net.BaseProtocol() {
            @Override
            public String toString() {
                return "the-protocol";
            }
        };
        try (EventLoop loop = new EventLoop(new VirtualClock());
                java.nio.channels.DatagramChannel socket = java.nio.channels.DatagramChannel.open()) {
            Handle handle = loop.callSoon(() -> {}); // never run: the loop closes first
            loop.defaultExceptionHandler(new ErrorContext("io failed", boom, null, handle, transport, protocol, socket));
            LogRecord r = only(log.records(), boom);
            assertEquals("io failed"
                    + "\n  handle: " + handle
                    + "\n  transport: the-transport"
                    + "\n  protocol: the-protocol"
                    + "\n  socket: " + socket, r.getMessage());
        } finally {
            log.stop();
        }
    }

    @Test
    void theDefaultLogOfAContextWithoutObjectsIsTheMessageAlone() {
        LogCapture log = LogCapture.start();
        RuntimeException boom = new RuntimeException("boom");
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            loop.defaultExceptionHandler(ErrorContext.of("plain", boom));
        } finally {
            log.stop();
        }
        assertEquals("plain", only(log.records(), boom).getMessage());
    }

    @Test
    void aVirtualMachineErrorFromACallbackLeavesTheLoopInsteadOfReachingTheHandler() {
        List<ErrorContext> reported = new java.util.ArrayList<>();
        StackOverflowError fatal = new StackOverflowError("callback overflowed");
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            loop.setExceptionHandler((l, ctx) -> reported.add(ctx));
            loop.callSoon(() -> {
                throw fatal;
            });
            loop.callSoon(loop::stop);
            assertSame(fatal, assertThrows(StackOverflowError.class, loop::runForever));
        }
        assertEquals(List.of(), reported);
    }

    @Test
    void aVirtualMachineErrorFromTheHandlerLeavesTheLoopInsteadOfBeingLogged() {
        LogCapture log = LogCapture.start();
        OutOfMemoryError fatal = new OutOfMemoryError("handler ran out");
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            loop.setExceptionHandler((l, ctx) -> {
                throw fatal;
            });
            loop.callSoon(() -> {
                throw new IllegalStateException("ordinary");
            });
            loop.callSoon(loop::stop);
            assertSame(fatal, assertThrows(OutOfMemoryError.class, loop::runForever));
        } finally {
            log.stop();
        }
        assertEquals(List.of(), log.records().stream().filter(r -> r.getThrown() == fatal).toList());
    }

    @Test
    void aTaskInTheContextIsLoggedWithWhereItWasCreatedInDebugMode() {
        LogCapture log = LogCapture.start();
        RuntimeException boom = new RuntimeException("boom");
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            loop.setDebug(true);
            Task<String> task = loop.createTask(() -> "done", "recorded");
            loop.runUntilComplete(task);
            loop.callExceptionHandler(new ErrorContext("task failed", boom, task, null));
            String m = only(log.records(), boom).getMessage();
            assertTrue(m.startsWith("task failed\n  future: " + task + "\n  task created at (most recent call first):\n    at "), m);
        } finally {
            log.stop();
        }
    }

    private static LogRecord only(List<LogRecord> records, Throwable thrown) {
        List<LogRecord> matching = records.stream().filter(r -> r.getThrown() == thrown).toList();
        assertEquals(1, matching.size(), records.stream().map(LogRecord::getMessage).toList().toString());
        return matching.get(0);
    }
}
