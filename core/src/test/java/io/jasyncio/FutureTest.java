package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FutureTest {

    @Test
    void resultAndExceptionOnAPendingFutureAreInvalidState() {
        try (EventLoop loop = new EventLoop()) {
            Future<String> f = loop.createFuture();
            assertFalse(f.done());
            assertEquals("Result is not set.", assertThrows(InvalidStateError.class, f::result).getMessage());
            assertEquals("Exception is not set.", assertThrows(InvalidStateError.class, f::exception).getMessage());
        }
    }

    @Test
    void settingTwiceIsInvalidState() {
        try (EventLoop loop = new EventLoop()) {
            Future<String> f = loop.createFuture();
            f.setResult("a");
            assertThrows(InvalidStateError.class, () -> f.setResult("b"));
            assertThrows(InvalidStateError.class, () -> f.setException(new RuntimeException()));
            assertEquals("a", f.result());
            assertNull(f.exception());
            assertFalse(f.cancel());
        }
    }

    @Test
    void cancelledFutureThrowsCancelledErrorWithItsMessage() {
        try (EventLoop loop = new EventLoop()) {
            Future<String> f = loop.createFuture();
            assertTrue(f.cancel("no longer needed"));
            assertTrue(f.cancelled());
            assertTrue(f.done());
            assertEquals("no longer needed", assertThrows(CancelledError.class, f::result).getMessage());
            assertThrows(CancelledError.class, f::exception);
            assertThrows(InvalidStateError.class, () -> f.setResult("late"));
            assertFalse(f.cancel("again"));
        }
    }

    @Test
    void uncheckedExceptionsAreRethrownAsTheyAreAndCheckedOnesWrapped() {
        try (EventLoop loop = new EventLoop()) {
            Future<String> unchecked = loop.createFuture();
            IllegalArgumentException iae = new IllegalArgumentException("bad");
            unchecked.setException(iae);
            assertSame(iae, assertThrows(IllegalArgumentException.class, unchecked::result));
            assertSame(iae, unchecked.exception());

            Future<String> checked = loop.createFuture();
            IOException io = new IOException("disk");
            checked.setException(io);
            CompletionException ce = assertThrows(CompletionException.class, checked::result);
            assertSame(io, ce.getCause());

            Future<String> error = loop.createFuture();
            StackOverflowError soe = new StackOverflowError();
            error.setException(soe);
            assertSame(soe, assertThrows(StackOverflowError.class, error::result));
        }
    }

    @Test
    void doneCallbacksAreScheduledNeverInlineAndRunInOrder() {
        try (EventLoop loop = new EventLoop()) {
            Future<String> f = loop.createFuture();
            List<String> order = new ArrayList<>();
            f.addDoneCallback(x -> order.add("1:" + x.result()));
            f.addDoneCallback(x -> order.add("2:" + x.result()));
            loop.callSoon(() -> {
                f.setResult("v");
                order.add("after setResult");
                f.addDoneCallback(x -> order.add("3:late"));
                f.addDoneCallback(x -> loop.stop()); // after the others: a stop, not a timer, ends it
            });
            loop.callSoon(() -> order.add("queued before completion callbacks"));
            loop.runForever();
            assertEquals(List.of("after setResult", "queued before completion callbacks", "1:v", "2:v", "3:late"), order);
        }
    }

    @Test
    void removeDoneCallbackRemovesEveryRegistrationAndCountsThem() {
        try (EventLoop loop = new EventLoop()) {
            Future<String> f = loop.createFuture();
            List<String> order = new ArrayList<>();
            Consumer<Future<String>> a = x -> order.add("a");
            Consumer<Future<String>> b = x -> order.add("b");
            f.addDoneCallback(a);
            f.addDoneCallback(b);
            f.addDoneCallback(a);
            assertEquals(2, f.removeDoneCallback(a));
            assertEquals(0, f.removeDoneCallback(a));
            f.setResult("x");
            loop.callSoon(loop::stop);
            loop.runForever();
            assertEquals(List.of("b"), order);
        }
    }

    @Test
    void doneCallbackThatThrowsGoesToTheExceptionHandler() {
        try (EventLoop loop = new EventLoop()) {
            List<Throwable> errors = new ArrayList<>();
            loop.setExceptionHandler((l, ctx) -> errors.add(ctx.exception()));
            Future<String> f = loop.createFuture();
            f.addDoneCallback(x -> {
                throw new IllegalStateException("callback failed");
            });
            f.setResult("x");
            loop.callSoon(loop::stop);
            loop.runForever();
            assertEquals(1, errors.size());
            assertEquals("callback failed", errors.get(0).getMessage());
        }
    }

    @Test
    void awaitOutsideATaskFailsClearly() {
        try (EventLoop loop = new EventLoop()) {
            Future<String> f = loop.createFuture();
            IllegalStateException e = assertThrows(IllegalStateException.class, f::await);
            assertTrue(e.getMessage().contains("inside a task"), e.getMessage());
            AtomicReference<Throwable> inCallback = new AtomicReference<>();
            loop.callSoon(() -> {
                try {
                    f.await();
                } catch (Throwable t) {
                    inCallback.set(t);
                }
                loop.stop();
            });
            loop.runForever();
            assertTrue(inCallback.get().getMessage().contains("not in a callback"), inCallback.get().getMessage());
        }
    }

    @Test
    void awaitOnADoneFutureDoesNotSuspend() {
        List<String> order = Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<String> o = new ArrayList<>();
            Future<String> f = loop.createFuture();
            f.setResult("ready");
            loop.callSoon(() -> o.add("callback"));
            o.add(f.await());
            o.add("no suspension yet");
            Asyncio.sleep(0);
            return o;
        });
        assertEquals(List.of("ready", "no suspension yet", "callback"), order);
    }

    @Test
    void getFromAnotherThreadBlocksUntilTheLoopCompletesTheFuture() throws Exception {
        try (EventLoop loop = new EventLoop()) {
            Future<String> f = loop.createFuture();
            loop.callLater(Duration.ofMillis(50), () -> f.setResult("from loop"));
            loop.callLater(Duration.ofMillis(60), loop::stop);
            Thread loopThread = Thread.ofPlatform().start(loop::runForever);
            assertEquals("from loop", f.get(10, TimeUnit.SECONDS));
            loopThread.join();
        }
    }

    @Test
    void getReportsFailureAndCancellationTheJavaWay() throws Exception {
        try (EventLoop loop = new EventLoop()) {
            Future<String> failed = loop.createFuture();
            Future<String> cancelled = loop.createFuture();
            Future<String> never = loop.createFuture();
            IOException io = new IOException("x");
            failed.setException(io);
            cancelled.cancel("gone");
            Thread loopThread = Thread.ofPlatform().start(loop::runForever);
            ExecutionException ee = assertThrows(ExecutionException.class, failed::get);
            assertSame(io, ee.getCause());
            CancellationException ce = assertThrows(CancellationException.class, cancelled::get);
            assertEquals("gone", ce.getMessage());
            assertThrows(TimeoutException.class, () -> never.get(20, TimeUnit.MILLISECONDS));
            assertTrue(never.cancel(true));
            assertTrue(never.isCancelled());
            loop.callSoonThreadsafe(loop::stop);
            loopThread.join();
        }
    }

    @Test
    void getOnTheLoopThreadFailsInsteadOfDeadlocking() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Asyncio.run(() -> {
            Future<String> f = Asyncio.getRunningLoop().createFuture();
            return f.get();
        }));
        assertTrue(e.getMessage().contains("use await()"), e.getMessage());
    }

    @Test
    void completingFromAnotherThreadWhileRunningFails() throws Exception {
        try (EventLoop loop = new EventLoop()) {
            Future<String> f = loop.createFuture();
            CountDownLatch running = new CountDownLatch(1);
            loop.callSoon(running::countDown);
            Thread loopThread = Thread.ofPlatform().start(loop::runForever);
            running.await();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.setResult("x"));
            assertTrue(e.getMessage().contains("not thread-safe"), e.getMessage());
            assertFalse(f.done());
            loop.callSoonThreadsafe(loop::stop);
            loopThread.join();
        }
    }

    @Test
    void convertsToACompletableFuture() throws Exception {
        CompletableFuture<String> cf = Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<String> f = loop.createFuture();
            CompletableFuture<String> c = f.toCompletableFuture();
            assertFalse(c.isDone());
            loop.callSoon(() -> f.setResult("converted"));
            Asyncio.sleep(0.01);
            return c;
        });
        assertEquals("converted", cf.get(1, TimeUnit.SECONDS));

        CompletableFuture<String> failed = Asyncio.run(() -> {
            Future<String> f = Asyncio.getRunningLoop().createFuture();
            f.setException(new IllegalStateException("nope"));
            return f.toCompletableFuture();
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> failed.get(1, TimeUnit.SECONDS));
        assertEquals("nope", e.getCause().getMessage());
    }

    @Test
    void cancellingTheCompletableFutureCancelsTheFuture() {
        boolean cancelled = Asyncio.run(() -> {
            Future<String> f = Asyncio.getRunningLoop().createFuture();
            f.toCompletableFuture().cancel(false);
            Asyncio.sleep(0.01);
            return f.cancelled();
        });
        assertTrue(cancelled);
    }

    @Test
    void aTaskAwaitsACompletableFutureCompletedByAnotherThread() {
        String s = Asyncio.run(() -> {
            CompletableFuture<String> cf = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
                cf.complete("from thread");
            });
            return Asyncio.wrapFuture(cf).await();
        });
        assertEquals("from thread", s);

        CompletionException failure = assertThrows(CompletionException.class, () -> Asyncio.run(() -> {
            CompletableFuture<String> cf = CompletableFuture.failedFuture(new IOException("io"));
            return Asyncio.wrapFuture(cf).await();
        }));
        assertInstanceOf(IOException.class, failure.getCause());

        assertThrows(CancelledError.class, () -> Asyncio.run(() -> {
            CompletableFuture<String> cf = new CompletableFuture<>();
            cf.cancel(false);
            return Asyncio.wrapFuture(cf).await();
        }));
    }

    @Test
    void cancellingTheWrapperCancelsTheCompletableFuture() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Asyncio.run(() -> {
            Future<String> f = Asyncio.wrapFuture(cf);
            f.cancel();
            Asyncio.sleep(0);
        });
        assertTrue(cf.isCancelled());
    }

    @Test
    void anExceptionNobodyRetrievedIsReportedWhenTheFutureIsCollected() throws Exception {
        try (EventLoop loop = new EventLoop()) {
            List<ErrorContext> reports = new ArrayList<>();
            loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
            // The retrieved futures go first and, like the lost one, become unreachable at once:
            // each must be collected without a report.
            List<WeakReference<Future<String>>> seen = failAndRetrieveEachWay(loop).stream().map(WeakReference::new).toList();
            Runnable failUnseen = () -> {
                Future<String> f = loop.createFuture();
                f.setException(new IllegalStateException("lost"));
            };
            failUnseen.run();
            for (int i = 0; i < 500 && (reports.isEmpty() || seen.stream().anyMatch(r -> r.get() != null)); i++) {
                System.gc();
                Thread.sleep(10); // gives the cleaner thread its turn; the loop condition is the event
                loop.callSoon(loop::stop);
                loop.runForever();
            }
            assertTrue(seen.stream().allMatch(r -> r.get() == null), "retrieved futures were not collected");
            // A last report posted by the cleaner after the check above arrives with these turns.
            for (int i = 0; i < 3; i++) {
                loop.callSoon(loop::stop);
                loop.runForever();
            }
            assertEquals(List.of("lost"), reports.stream().map(r -> r.exception().getMessage()).toList());
            assertTrue(reports.get(0).message().startsWith("Future exception was never retrieved"));
        }
    }

    @Test
    void anExceptionNobodyRetrievedIsLoggedWhenTheFutureIsCollectedAfterItsLoopClosed() throws Exception {
        LogCapture log = LogCapture.start();
        try {
            List<ErrorContext> handled = new ArrayList<>();
            EventLoop loop = new EventLoop();
            loop.setExceptionHandler((l, ctx) -> handled.add(ctx));
            Runnable failUnseen = () -> {
                Future<String> f = loop.createFuture();
                f.setException(new IllegalStateException("lost after close"));
            };
            failUnseen.run();
            loop.close();
            // The cleaner thread reports once the future is collected: polled, the class's
            // @Timeout bounds it. A closed loop runs no handler, so the report must be logged.
            while (log.records().stream().noneMatch(r -> r.getThrown() != null
                    && "lost after close".equals(r.getThrown().getMessage()))) {
                System.gc();
                Thread.sleep(10);
            }
            java.util.logging.LogRecord r = log.records().stream()
                    .filter(x -> x.getThrown() != null && "lost after close".equals(x.getThrown().getMessage()))
                    .findFirst().orElseThrow();
            assertEquals(java.util.logging.Level.SEVERE, r.getLevel());
            assertTrue(r.getMessage().startsWith("Future exception was never retrieved"), r.getMessage());
            assertEquals(List.of(), handled, "the closed loop's handler is not called");
        } finally {
            log.stop();
        }
    }

    /** Failed futures, the exception of each read in one of the ways there are. */
    private static List<Future<String>> failAndRetrieveEachWay(EventLoop loop) throws Exception {
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Future<String> f = loop.createFuture();
            f.setException(new IllegalStateException("seen " + i));
            futures.add(f);
        }
        futures.get(0).exception();
        assertThrows(IllegalStateException.class, futures.get(1)::result);
        assertThrows(ExecutionException.class, futures.get(2)::get);
        assertTrue(futures.get(3).toCompletableFuture().isCompletedExceptionally());
        assertFalse(futures.get(4).cancel());
        assertThrows(ExecutionException.class, () -> futures.get(5).get(1, TimeUnit.SECONDS));
        return futures;
    }

    @Test
    void eachWayOfReadingAnExceptionCountsAsRetrievingIt() throws Exception {
        try (EventLoop loop = new EventLoop()) {
            for (Future<String> f : failAndRetrieveEachWay(loop)) {
                assertFalse(f.hasUnretrievedException(), f.toString());
            }
            Future<String> unread = loop.createFuture();
            unread.setException(new IllegalStateException("unread"));
            assertTrue(unread.hasUnretrievedException());
        }
    }

    @Test
    void cancellingAFailedFutureCountsAsRetrievingItsException() {
        // asyncio's Future.cancel() clears the "exception was never retrieved" flag before it
        // looks at the state: cancelling a future that already failed silences that report.
        try (EventLoop loop = new EventLoop()) {
            Future<String> f = loop.createFuture();
            f.setException(new IllegalStateException("nobody reads this"));
            assertTrue(f.hasUnretrievedException());
            assertFalse(f.cancel());
            assertFalse(f.hasUnretrievedException());
        }
    }

    @Test
    void addingACallbackToADoneFutureOfAClosedLoopFails() {
        // asyncio schedules it with call_soon, which raises "Event loop is closed": the callback
        // could never run, and must not be dropped silently.
        EventLoop loop = new EventLoop();
        Future<String> f = loop.createFuture();
        f.setResult("done");
        loop.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.addDoneCallback(x -> {}));
        assertEquals("Event loop is closed", e.getMessage());
    }
}
