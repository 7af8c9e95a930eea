package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A task's interrupt status and pending cancellation requests at the edges: interrupts from
 * other code, a request withdrawn after its interrupt was ignored, a request pending while a
 * scope exits with another exception, and the loop-thread rule for cancel/uncancel.
 */
@Timeout(30)
class TaskInterruptTest {

    @Test
    void anInterruptFromOtherCodeWhileSuspendedIsKeptForTheTaskAfterItResumes() {
        boolean interrupted = Asyncio.run(() -> {
            Future<String> f = Asyncio.getRunningLoop().createFuture();
            Task<Boolean> t = Asyncio.createTask(() -> {
                assertEquals("done", f.await());
                return Thread.currentThread().isInterrupted();
            });
            while (!t.suspendedInLoop()) Asyncio.sleep(0);
            Thread.ofPlatform().start(() -> t.thread().interrupt()).join();
            for (int i = 0; i < 3; i++) Asyncio.sleep(0); // the task wakes, sees no result, parks again
            assertFalse(t.done(), "an interrupt is not a wake-up");
            f.setResult("done");
            return t.await();
        });
        assertTrue(interrupted, "the foreign interrupt is restored, not swallowed");
    }

    @Test
    void uncancelToZeroWithdrawsAnInterruptTheTaskIgnored() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
            lock.lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            } finally {
                lock.unlock();
            }
        });
        held.await();
        boolean[] afterUncancel = new boolean[1];
        Asyncio.run(() -> {
            Task<Void> t = Asyncio.createTask(() -> {
                lock.lock(); // uninterruptible: the cancel's interrupt only sets the flag
                lock.unlock();
                assertTrue(Thread.currentThread().isInterrupted());
                assertEquals(0, Asyncio.currentTask().uncancel());
                afterUncancel[0] = Thread.currentThread().isInterrupted();
                Thread.sleep(1); // would throw InterruptedException for a request that no longer exists
            });
            while (!t.blockedOutsideLoop()) Asyncio.sleep(0);
            t.cancel("ignored");
            release.countDown();
            t.await();
            assertFalse(t.cancelled());
        });
        holder.join();
        assertFalse(afterUncancel[0], "the withdrawn request's interrupt is cleared");
    }

    @Test
    void aPendingCancellationIsNotMistakenForTheScopesOwnWhenTheBodyThrowsSomethingElse() {
        String[] seen = new String[2];
        Asyncio.run(() -> {
            Task<Void> t = Asyncio.createTask(() -> {
                IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                        Asyncio.timeout(Duration.ofHours(1), () -> {
                            Asyncio.currentTask().cancel("pending");
                            throw new IllegalStateException("the body's own");
                        }));
                seen[0] = e.getMessage();
                try {
                    Asyncio.sleep(0);
                } catch (CancelledError c) {
                    seen[1] = c.getMessage();
                    throw c;
                }
            });
            assertThrows(CancelledError.class, t::await);
        });
        assertArrayEquals(new String[] {"the body's own", "pending"}, seen,
                "the body's exception leaves the scope, the request is delivered at the next suspension");
    }

    @Test
    void cancelAndUncancelWithAMessageAreForTheLoopThreadOnly() {
        Asyncio.run(() -> {
            Task<Void> t = Asyncio.createTask(() -> Asyncio.sleep(Duration.ofHours(1)));
            Asyncio.sleep(0);
            AtomicReference<Throwable> cancel = new AtomicReference<>();
            AtomicReference<Throwable> uncancel = new AtomicReference<>();
            Thread.ofPlatform().start(() -> {
                try {
                    t.cancel("from elsewhere");
                } catch (Throwable e) {
                    cancel.set(e);
                }
                try {
                    t.uncancel();
                } catch (Throwable e) {
                    uncancel.set(e);
                }
            }).join();
            assertInstanceOf(IllegalStateException.class, cancel.get());
            assertTrue(cancel.get().getMessage().contains("callSoonThreadsafe"), cancel.get().getMessage());
            assertInstanceOf(IllegalStateException.class, uncancel.get());
            assertEquals(0, t.cancelling(), "the refused request was not counted");
            assertFalse(t.done());
            t.cancel();
            assertThrows(CancelledError.class, t::await);
        });
    }
}
