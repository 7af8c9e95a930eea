package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the loop prints about callbacks and failed tasks is readable by the person debugging. */
@Timeout(30)
class LogReadabilityTest {

    @Test
    void aLambdaHandlePrintsTheClassThatWroteItNotTheHiddenClass() {
        try (EventLoop loop = new EventLoop()) {
            Handle h = loop.callSoon(() -> {});
            assertEquals("Handle[lambda in LogReadabilityTest]", h.toString());
            Handle ref = loop.callSoon(loop::stop);
            assertEquals("Handle[lambda in LogReadabilityTest]", ref.toString());
            h.cancel();
            assertEquals("Handle[cancelled]", h.toString());
        }
    }

    @Test
    void aCallbackWithItsOwnToStringKeepsIt() {
        try (EventLoop loop = new EventLoop()) {
            Runnable named = new Runnable() {
                @Override
                public void run() {}

                @Override
                public String toString() {
                    return "flushMetrics";
                }
            };
            assertEquals("Handle[flushMetrics]", loop.callSoon(named).toString());
            Runnable failing = new Runnable() {
                @Override
                public void run() {}

                @Override
                public String toString() {
                    throw new IllegalStateException("broken toString");
                }
            };
            String s = loop.callSoon(failing).toString();
            assertTrue(s.contains("toString() failed") && s.contains("broken toString"), s);
        }
    }

    @Test
    void anErrorInACallbackNamesTheCallbackReadably() {
        List<ErrorContext> reports = new ArrayList<>();
        try (EventLoop loop = new EventLoop()) {
            loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
            loop.callSoon(() -> {
                throw new IllegalStateException("boom");
            });
            loop.callSoon(loop::stop);
            loop.runForever();
        }
        assertEquals(1, reports.size());
        assertEquals("Exception in callback Handle[lambda in LogReadabilityTest]", reports.get(0).message());
    }

    @Test
    void aDoneCallbackPrintsTheUsersCallbackNotTheLoopsWrapper() {
        try (EventLoop loop = new EventLoop()) {
            List<ErrorContext> reports = new ArrayList<>();
            loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
            Future<String> f = loop.createFuture();
            f.addDoneCallback(x -> {
                throw new IllegalStateException("in done callback");
            });
            f.setResult("ok");
            loop.callSoon(loop::stop);
            loop.runForever();
            assertEquals(1, reports.size());
            assertEquals("Exception in callback DoneCallback[lambda in LogReadabilityTest]", reports.get(0).message());
        }
    }

    @Test
    void theDefaultHandlerPrintsTheTransportProtocolAndSocketUnderTheMessage() {
        LogCapture log = LogCapture.start();
        try (EventLoop loop = new EventLoop()) {
            java.nio.channels.Channel socket = new java.nio.channels.Channel() {
                @Override
                public boolean isOpen() {
                    return true;
                }

                @Override
                public void close() {}

                @Override
                public String toString() {
                    return "the-socket";
                }
            };
            loop.callExceptionHandler(new ErrorContext("it broke", null, null, null, null, null, socket));
        } finally {
            log.stop();
        }
        assertTrue(log.messages().stream().anyMatch(m -> m.equals("it broke\n  socket: the-socket")), log.messages().toString());
    }
}
