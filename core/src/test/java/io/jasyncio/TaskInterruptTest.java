package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * A lock held by a platform thread until {@link #release()}: a task that calls
     * {@link #lockAndUnlock()} sits in a JDK call that ignores interrupts, so a cancellation sent
     * meanwhile only sets the task's interrupt flag.
     */
    private static final class HeldLock implements AutoCloseable {
        private final ReentrantLock lock = new ReentrantLock();
        private final CountDownLatch release = new CountDownLatch(1);
        private final Thread holder;

        HeldLock() throws InterruptedException {
            CountDownLatch held = new CountDownLatch(1);
            holder = Thread.ofPlatform().start(() -> {
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
        }

        void lockAndUnlock() {
            lock.lock(); // uninterruptible
            lock.unlock();
        }

        void release() {
            release.countDown();
        }

        @Override
        public void close() throws InterruptedException {
            release();
            holder.join();
        }
    }

    @Test
    void uncancelToZeroWithdrawsAnInterruptTheTaskIgnored() throws Exception {
        boolean[] afterUncancel = new boolean[1];
        try (HeldLock lock = new HeldLock()) {
            Asyncio.run(() -> {
                Task<Void> t = Asyncio.createTask(() -> {
                    lock.lockAndUnlock();
                    assertTrue(Thread.currentThread().isInterrupted());
                    assertEquals(0, Asyncio.currentTask().uncancel());
                    afterUncancel[0] = Thread.currentThread().isInterrupted();
                    Thread.sleep(1); // would throw InterruptedException for a request that no longer exists
                });
                while (!t.blockedOutsideLoop()) Asyncio.sleep(0);
                t.cancel("ignored");
                lock.release();
                t.await();
                assertFalse(t.cancelled());
            });
        }
        assertFalse(afterUncancel[0], "the withdrawn request's interrupt is cleared");
    }

    @Test
    void aCancelAlreadySentAsAnInterruptIsNotHeldByAShieldEnteredAfterIt() throws Exception {
        List<String> log = new ArrayList<>();
        try (HeldLock lock = new HeldLock()) {
            Asyncio.run(() -> {
                Task<Void> t = Asyncio.createTask(() -> {
                    lock.lockAndUnlock();
                    CancelScope shield = CancelScope.create();
                    shield.shield(true);
                    try {
                        shield.run(() -> {
                            Asyncio.sleep(Duration.ofMillis(10));
                            log.add("slept in the shield");
                        });
                    } catch (CancelledError e) {
                        log.add("cancelled in the shield: " + e.getMessage());
                        throw e;
                    }
                });
                while (!t.blockedOutsideLoop()) Asyncio.sleep(0);
                t.cancel("sent");
                lock.release();
                assertThrows(CancelledError.class, t::await);
            });
        }
        // The interrupt went out before the shield existed and cannot be recalled from another
        // thread, so the request is delivered at the first suspension rather than held twice
        // (as an interrupt and by the shield).
        assertEquals(List.of("cancelled in the shield: sent"), log);
    }

    @Test
    void uncancelToZeroKeepsAnInterruptThatNoCancellationSent() {
        boolean[] keptAfterUncancel = new boolean[1];
        Asyncio.run(() -> {
            Task<Void> t = Asyncio.createTask(() -> {
                Task<?> me = Asyncio.currentTask();
                me.cancel("self"); // from the task itself: pending, no interrupt needed
                Thread.currentThread().interrupt(); // the code's own interrupt, not ours to clear
                assertEquals(0, me.uncancel());
                keptAfterUncancel[0] = Thread.interrupted();
            });
            t.await();
            assertFalse(t.cancelled(), "the withdrawn request is not delivered");
        });
        assertTrue(keptAfterUncancel[0], "uncancel withdraws only an interrupt a cancellation sent");
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
