package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * "Is the caller on this loop?" is answered by thread identity (the loop thread, or the thread of
 * the task whose step runs now), not by asking the JDK for the carrier: these tests pin down that
 * it accepts exactly the loop's own callbacks and tasks and rejects everything else.
 */
@Timeout(30)
class LoopThreadCheckTest {

    @Test
    void aCallbackAndATaskOfTheLoopAreOnTheLoop() {
        EventLoop loop = new EventLoop();
        try {
            boolean[] seen = new boolean[2];
            loop.runUntilComplete(() -> {
                seen[0] = loop.owner.isLoopThread();
                Future<Void> f = loop.createFuture();
                loop.callSoon(() -> {
                    seen[1] = loop.owner.isLoopThread();
                    f.setResult(null); // a loop-only call, from a callback
                });
                f.await();
                return null;
            });
            assertTrue(seen[0], "task");
            assertTrue(seen[1], "callback");
        } finally {
            loop.close();
        }
    }

    /**
     * A platform thread that is not the loop's is refused while the loop runs; the error names
     * it, by its id when it has no name (not as "''").
     */
    @Test
    void aForeignPlatformThreadIsRejectedWhileTheLoopRunsAndNamedInTheError() throws Exception {
        EventLoop loop = new EventLoop();
        try {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> onLoop = new AtomicReference<>();
            AtomicReference<String> who = new AtomicReference<>();
            loop.runUntilComplete(() -> {
                Future<Void> f = loop.createFuture();
                Thread other = Thread.ofPlatform().name("").start(() -> {
                    onLoop.set(loop.owner.isLoopThread());
                    who.set(Thread.currentThread().toString());
                    try {
                        f.setResult(null);
                    } catch (Throwable t) {
                        thrown.set(t);
                    }
                });
                // Keep this task's step running (so the loop is mid-step) until the thread is done.
                other.join();
                return null;
            });
            assertFalse(onLoop.get());
            IllegalStateException e = assertInstanceOf(IllegalStateException.class, thrown.get());
            assertTrue(e.getMessage().contains("callSoonThreadsafe"), e.getMessage());
            assertTrue(e.getMessage().startsWith("Future.setResult() was called from thread '" + who.get() + "' but"), e.getMessage());
        } finally {
            loop.close();
        }
    }

    @Test
    void aVirtualThreadStartedInsideATaskIsNotOnTheLoop() {
        EventLoop loop = new EventLoop();
        try {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> onLoop = new AtomicReference<>();
            AtomicReference<EventLoop> running = new AtomicReference<>();
            loop.runUntilComplete(() -> {
                Future<Void> f = loop.createFuture();
                // Inherits the task's scheduler, but runs on the carrier pool, not as a task.
                Thread vt = Thread.ofVirtual().start(() -> {
                    onLoop.set(loop.owner.isLoopThread());
                    running.set(RunningLoops.current());
                    try {
                        f.setResult(null);
                    } catch (Throwable t) {
                        thrown.set(t);
                    }
                });
                vt.join(); // parks this task in a JDK call; the loop goes on
                return null;
            });
            assertFalse(onLoop.get());
            assertNull(running.get());
            assertInstanceOf(IllegalStateException.class, thrown.get());
        } finally {
            loop.close();
        }
    }

    @Test
    void aTaskOfAnotherLoopIsRejected() throws Exception {
        EventLoop mine = new EventLoop();
        CountDownLatch mineRuns = new CountDownLatch(1);
        CountDownLatch otherDone = new CountDownLatch(1);
        AtomicReference<Future<Void>> futureOfMine = new AtomicReference<>();
        Thread mineThread = Thread.ofPlatform().start(() -> mine.runUntilComplete(() -> {
            futureOfMine.set(mine.createFuture());
            mineRuns.countDown();
            // Suspended in a JDK call: mine keeps running (no task step of it is current).
            assertTrue(otherDone.await(20, TimeUnit.SECONDS));
            return null;
        }));
        try {
            assertTrue(mineRuns.await(20, TimeUnit.SECONDS));
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            boolean[] onMine = new boolean[1];
            EventLoop[] runningThere = new EventLoop[1];
            Asyncio.run(() -> {
                onMine[0] = mine.owner.isLoopThread();
                runningThere[0] = Asyncio.getRunningLoop();
                try {
                    futureOfMine.get().setResult(null);
                    thrown.complete(null);
                } catch (Throwable t) {
                    thrown.complete(t);
                }
            });
            assertFalse(onMine[0]);
            assertNotSame(mine, runningThere[0]);
            IllegalStateException e = assertInstanceOf(IllegalStateException.class, thrown.get());
            assertTrue(e.getMessage().contains("callSoonThreadsafe"), e.getMessage());
            assertFalse(futureOfMine.get().isDone());
        } finally {
            otherDone.countDown();
            mineThread.join();
            mine.close();
        }
    }

    @Test
    void theRunningLoopIsFoundFromTasksOfTwoLoopsTakingTurns() throws Exception {
        // Two loops on two threads, each asking for its running loop from its own tasks many
        // times: the one-entry cache in front of the map must never answer with the other loop.
        int rounds = 2_000;
        EventLoop[] loops = {new EventLoop(), new EventLoop()};
        AtomicReference<String> wrong = new AtomicReference<>();
        Thread[] threads = new Thread[2];
        for (int i = 0; i < 2; i++) {
            EventLoop loop = loops[i];
            threads[i] = Thread.ofPlatform().start(() -> loop.runUntilComplete(() -> {
                for (int r = 0; r < rounds; r++) {
                    if (Asyncio.getRunningLoop() != loop) wrong.compareAndSet(null, "task saw another loop");
                    Asyncio.sleep(java.time.Duration.ZERO);
                    loop.callSoon(() -> {
                        if (Asyncio.getRunningLoop() != loop) wrong.compareAndSet(null, "callback saw another loop");
                    });
                }
                return null;
            }));
        }
        for (Thread t : threads) t.join();
        for (EventLoop l : loops) l.close();
        assertNull(wrong.get());
    }

    @Test
    void afterTheLoopStopsItsFormerTaskThreadIsForgotten() {
        EventLoop loop = new EventLoop();
        try {
            loop.runUntilComplete(() -> null);
            // Not running: any thread may use it (isOwnerThread), but nobody is on it.
            assertFalse(loop.owner.isLoopThread());
            assertTrue(loop.owner.isOwnerThread());
            assertNull(RunningLoops.current());
        } finally {
            loop.close();
        }
    }
}
