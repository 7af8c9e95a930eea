package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The parts of Future's contract that its mutants showed unguarded: the thread rule of each
 * method, null and double completion, awaiting a future already done, cancel(boolean) and get()
 * from other threads, the cancellation message, removing a single callback, and toString.
 */
@Timeout(30)
class FutureContractTest {

    /** Runs {@code call} on another thread (the default executor) and returns what it threw. */
    private static Throwable thrownElsewhere(Callable<?> call) {
        return Asyncio.toThread(() -> {
            try {
                call.call();
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
    }

    @Test
    void everyMutatingCallFromAnotherThreadIsRefusedAndNamesTheMethod() {
        Asyncio.run(() -> {
            Future<String> f = Asyncio.getRunningLoop().createFuture();
            List<String> methods = List.of("Future.cancel()", "Future.addDoneCallback()", "Future.removeDoneCallback()",
                    "Future.setException()", "Future.setResult()");
            List<Callable<?>> calls = List.of(
                    () -> f.cancel("elsewhere"),
                    () -> { f.addDoneCallback(x -> {}); return null; },
                    () -> f.removeDoneCallback(x -> {}),
                    () -> { f.setException(new IllegalStateException("x")); return null; },
                    () -> { f.setResult("x"); return null; });
            for (int i = 0; i < calls.size(); i++) {
                Throwable e = thrownElsewhere(calls.get(i));
                assertInstanceOf(IllegalStateException.class, e, methods.get(i));
                assertTrue(e.getMessage().startsWith(methods.get(i) + " was called from thread"), e.getMessage());
                assertTrue(e.getMessage().contains("callSoonThreadsafe"), e.getMessage());
            }
            assertFalse(f.done(), "none of the refused calls changed the future");
        });
    }

    @Test
    void nullsAndASecondCompletionAreRefusedAndLeaveTheOutcome() {
        Asyncio.run(() -> {
            Future<String> f = Asyncio.getRunningLoop().createFuture();
            assertEquals("fn", assertThrows(NullPointerException.class, () -> f.addDoneCallback(null)).getMessage());
            assertEquals("error", assertThrows(NullPointerException.class, () -> f.setException(null)).getMessage());
            assertFalse(f.done());
            f.setResult("first");
            InvalidStateError e = assertThrows(InvalidStateError.class, () -> f.setException(new IllegalStateException("late")));
            assertEquals("finished: Future[finished result=first]", e.getMessage());
            assertThrows(InvalidStateError.class, () -> f.setResult("late"));
            assertEquals("first", f.result());
            assertNull(f.exception());
        });
    }

    @Test
    void awaitingAFutureThatIsAlreadyDoneReturnsAtOnce() {
        Asyncio.run(() -> {
            Future<String> f = Asyncio.getRunningLoop().createFuture();
            f.setResult("ready");
            assertEquals("ready", f.await());
            Future<String> failed = Asyncio.getRunningLoop().createFuture();
            failed.setException(new IllegalArgumentException("bad"));
            assertEquals("bad", assertThrows(IllegalArgumentException.class, failed::await).getMessage());
        });
    }

    @Test
    void getFromAnotherThreadReturnsForADoneFutureAndWaitsForAPendingOne() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<String> done = loop.createFuture();
            assertSame(loop, done.getLoop());
            done.setResult("now");
            assertEquals("now", Asyncio.toThread(() -> done.get(10, TimeUnit.SECONDS)));
            assertEquals("now", Asyncio.toThread(() -> done.get()));

            Future<String> later = loop.createFuture();
            Task<String> getter = Asyncio.createTask(() -> Asyncio.toThread(() -> later.get(10, TimeUnit.SECONDS)));
            Future<String> later2 = loop.createFuture();
            Task<String> getter2 = Asyncio.createTask(() -> Asyncio.toThread(() -> later2.get()));
            Asyncio.sleep(0);
            loop.callLater(Duration.ofMillis(10), () -> later.setResult("later"));
            loop.callLater(Duration.ofMillis(10), () -> later2.setResult("later too"));
            assertEquals("later", getter.await());
            assertEquals("later too", getter2.await());
        });
    }

    @Test
    void theCancellationMessageTravelsToEveryReader() {
        Asyncio.run(() -> {
            Future<String> f = Asyncio.getRunningLoop().createFuture();
            assertTrue(f.cancel("why"));
            assertEquals("why", assertThrows(CancelledError.class, f::result).getMessage());
            assertEquals("why", assertThrows(CancelledError.class, f::exception).getMessage());
            assertEquals("why", assertThrows(CancelledError.class, f::await).getMessage());
            Throwable fromGet = thrownElsewhere(f::get);
            assertInstanceOf(CancellationException.class, fromGet);
            assertEquals("why", fromGet.getMessage());
            assertEquals("Future[cancelled]", f.toString());
        });
    }

    @Test
    void onlyACancelledFutureHasACancellationMessage() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<String> pending = loop.createFuture();
            Future<String> finished = loop.createFuture();
            finished.setResult("a result, not a message");
            Future<String> failed = loop.createFuture();
            failed.setException(new IllegalStateException("x"));
            failed.exception();
            assertNull(pending.cancelMessage());
            assertNull(finished.cancelMessage());
            assertNull(failed.cancelMessage());
            pending.cancel();
            assertNull(pending.cancelMessage(), "cancelled without a message");
        });
    }

    @Test
    void anInternalDoneSinkIsRefusedByAFutureThatIsAlreadyDone() {
        Asyncio.run(() -> {
            Future<String> f = Asyncio.getRunningLoop().createFuture();
            f.setResult("done");
            // It would never be called: the caller must check first.
            assertThrows(IllegalStateException.class, () -> f.addDoneSink(done -> fail("called")));
        });
    }

    @Test
    void cancelWithMayInterruptWorksOnTheLoopAndFromAnotherThread() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<String> onLoop = loop.createFuture();
            assertFalse(onLoop.isCancelled());
            assertTrue(onLoop.cancel(true)); // on the loop thread: directly, not through the loop
            assertTrue(onLoop.isCancelled());
            // From a plain callback on the loop thread, where waiting for the loop would hang it.
            Future<String> fromCallback = loop.createFuture();
            Future<Boolean> answered = loop.createFuture();
            loop.callSoon(() -> answered.setResult(fromCallback.cancel(true)));
            assertTrue(answered.await());
            assertTrue(fromCallback.isCancelled());
            Future<String> doneOnLoop = loop.createFuture();
            doneOnLoop.setResult("done");
            assertFalse(doneOnLoop.cancel(true));

            Future<String> pending = loop.createFuture();
            assertFalse(pending.isDone());
            assertEquals(Boolean.TRUE, Asyncio.toThread(() -> pending.cancel(true)));
            assertTrue(pending.isDone());
            assertTrue(pending.toCompletableFuture().isCancelled(), "a cancelled future converts to a cancelled one");
            assertTrue(pending.isCancelled());

            Future<String> finished = loop.createFuture();
            finished.setResult("done");
            assertEquals(Boolean.FALSE, Asyncio.toThread(() -> finished.cancel(true)));
            assertFalse(finished.isCancelled());
            assertTrue(finished.isDone());
        });
    }

    @Test
    void removingTheOnlyCallbackCountsItAndItNeverRuns() {
        Asyncio.run(() -> {
            Future<String> f = Asyncio.getRunningLoop().createFuture();
            List<String> ran = new ArrayList<>();
            java.util.function.Consumer<Future<String>> cb = x -> ran.add("ran");
            f.addDoneCallback(cb);
            assertEquals(0, f.removeDoneCallback(x -> {}), "another callback is not removed");
            assertEquals(1, f.removeDoneCallback(cb));
            assertEquals(0, f.removeDoneCallback(cb));
            f.setResult("x");
            Asyncio.sleep(0);
            Asyncio.sleep(0);
            assertEquals(List.of(), ran);
        });
    }

    @Test
    void toStringShowsTheStateAndTheOutcome() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Integer> f = loop.createFuture();
            assertEquals("Future[pending]", f.toString());
            f.setResult(7);
            assertEquals("Future[finished result=7]", f.toString());
            Future<Integer> failed = loop.createFuture();
            failed.setException(new IllegalStateException("x"));
            assertEquals("Future[finished exception=java.lang.IllegalStateException: x]", failed.toString());
            failed.exception();
        });
    }

    @Test
    void getReportsAFailureAsExecutionExceptionWithTheCause() {
        Asyncio.run(() -> {
            Future<String> f = Asyncio.getRunningLoop().createFuture();
            IllegalStateException cause = new IllegalStateException("boom");
            f.setException(cause);
            Throwable e = thrownElsewhere(f::get);
            assertInstanceOf(ExecutionException.class, e);
            assertSame(cause, e.getCause());
        });
    }
}
