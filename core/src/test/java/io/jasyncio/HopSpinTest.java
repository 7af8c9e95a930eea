package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jasyncio.internal.ProcCpu;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A hop off the loop and back (runInExecutor / toThread): the default executor's workers spin
 * briefly for the next job, the loop spins briefly for an expected result, and neither spins
 * while the program is idle.
 */
@Timeout(60)
class HopSpinTest {
    /** Waits for a condition another thread brings about (an event, not a delay). */
    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting until " + what);
            Thread.sleep(1);
        }
    }

    @Test
    void aJobSubmittedWhileAWorkerSpinsRunsOnThatWorker() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "workers spin only with a core to spare");
        DefaultExecutor executor = new DefaultExecutor(TimeUnit.SECONDS.toNanos(30));
        CompletableFuture<Thread> first = new CompletableFuture<>();
        executor.executor().execute(() -> first.complete(Thread.currentThread()));
        Thread worker = first.get(20, TimeUnit.SECONDS);
        awaitTrue(executor::workerSpinning, "the worker spins for the next job");
        CompletableFuture<Thread> second = new CompletableFuture<>();
        executor.executor().execute(() -> second.complete(Thread.currentThread()));
        // Without the hand-off the pool would start a new thread: it is below its core size.
        assertSame(worker, second.get(20, TimeUnit.SECONDS));
        // A shutdown ends a spin at once rather than after its 30 s.
        long t0 = System.nanoTime();
        assertTrue(executor.shutdownAndJoin(Duration.ofSeconds(20)));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20));
        assertFalse(worker.isAlive());
    }

    @Test
    void aJobHandedToASpinningWorkerDoesNotSeeTheLastJobsInterrupt() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "workers spin only with a core to spare");
        DefaultExecutor executor = new DefaultExecutor(TimeUnit.SECONDS.toNanos(30));
        try {
            CountDownLatch interrupted = new CountDownLatch(1);
            executor.executor().execute(() -> {
                Thread.currentThread().interrupt(); // as a cancelled interruptible file read leaves it
                interrupted.countDown();
            });
            interrupted.await();
            awaitTrue(executor::workerSpinning, "the worker spins for the next job");
            CompletableFuture<Boolean> sawInterrupt = new CompletableFuture<>();
            executor.executor().execute(() -> sawInterrupt.complete(Thread.currentThread().isInterrupted()));
            assertFalse(sawInterrupt.get(20, TimeUnit.SECONDS));
        } finally {
            executor.shutdownAndJoin(Duration.ofSeconds(20));
        }
    }

    @Test
    void aWorkerDoesNotSpinWhileJobsAreQueued() throws Exception {
        DefaultExecutor executor = new DefaultExecutor(TimeUnit.SECONDS.toNanos(30));
        int threads = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
        CountDownLatch[] release = new CountDownLatch[threads];
        CountDownLatch allBusy = new CountDownLatch(threads);
        try {
            for (int i = 0; i < threads; i++) {
                CountDownLatch mine = release[i] = new CountDownLatch(1);
                executor.executor().execute(() -> {
                    allBusy.countDown();
                    try {
                        mine.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            allBusy.await();
            CompletableFuture<Void> queued = new CompletableFuture<>();
            executor.executor().execute(() -> queued.complete(null)); // every thread is busy: it waits in the queue
            release[0].countDown();
            // The freed worker takes the queued job at once instead of spinning 30 s for a hand-off.
            queued.get(10, TimeUnit.SECONDS);
        } finally {
            for (CountDownLatch l : release) l.countDown();
            assertTrue(executor.shutdownAndJoin(Duration.ofSeconds(20)));
        }
    }

    @Test
    void aWorkerDoesNotSpinWhileOtherJobsKeepEveryCoreBusy() throws Exception {
        DefaultExecutor executor = new DefaultExecutor(TimeUnit.SECONDS.toNanos(30));
        int others = Math.max(0, Runtime.getRuntime().availableProcessors() - 1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch othersRunning = new CountDownLatch(others);
        try {
            for (int i = 0; i < others; i++) {
                executor.executor().execute(() -> {
                    othersRunning.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            othersRunning.await();
            executor.executor().execute(() -> {});
            // Its worker goes back to the pool at once rather than spinning 30 s on the last core.
            awaitTrue(() -> executor.completedJobs() == 1, "the short job's worker returned to the pool");
            assertFalse(executor.workerSpinning());
        } finally {
            release.countDown();
            assertTrue(executor.shutdownAndJoin(Duration.ofSeconds(20)));
        }
    }

    @Test
    void workersStopSpinningAfterRepeatedEmptySpins() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "workers spin only with a core to spare");
        DefaultExecutor executor = new DefaultExecutor(TimeUnit.MILLISECONDS.toNanos(5));
        try {
            for (int i = 1; i <= DefaultExecutor.MAX_MISSES; i++) {
                executor.executor().execute(() -> {});
                int misses = i;
                awaitTrue(() -> executor.misses() == misses, "spin " + misses + " ended empty");
            }
            executor.executor().execute(() -> {});
            awaitTrue(() -> executor.skipped() == 1, "the worker returned to the pool without spinning");
            assertEquals(DefaultExecutor.MAX_MISSES, executor.misses());
        } finally {
            assertTrue(executor.shutdownAndJoin(Duration.ofSeconds(20)));
        }
    }

    @Test
    void sequentialHopsReturnEveryResultAndLeaveNothingExpected() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            long sum = 0;
            for (int i = 0; i < 2_000; i++) {
                int n = i;
                sum += Asyncio.toThread(() -> n);
            }
            assertEquals(1_999L * 2_000 / 2, sum);
            assertEquals(0, loop.inbox().expected());
        });
    }

    @Test
    void aHopCancelledBeforeItsJobStartsWithdrawsTheExpectation() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<Runnable> held = new ArrayList<>();
            Future<Integer> f = loop.runInExecutor(held::add, () -> 1);
            assertEquals(1, loop.inbox().expected());
            f.cancel();
            Asyncio.sleep(Duration.ZERO); // the cancel's done callbacks run
            Asyncio.sleep(Duration.ZERO);
            assertEquals(0, loop.inbox().expected());
            held.forEach(Runnable::run); // the cancelled job does not run and sends nothing back
            Asyncio.sleep(Duration.ZERO);
            assertEquals(0, loop.inbox().expected());
        });
    }

    @Test
    void aHopCancelledAfterItsResultWasSentIsCountedOnce() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            // The job runs at once, so its result is already on its way when the future is cancelled.
            Executor inline = Runnable::run;
            Future<Integer> f = loop.runInExecutor(inline, () -> 1);
            f.cancel();
            for (int i = 0; i < 3; i++) Asyncio.sleep(Duration.ZERO);
            assertTrue(f.cancelled());
            assertEquals(0, loop.inbox().expected());
        });
    }

    @Test
    void anExecutorThatRejectsTheJobWithdrawsTheExpectation() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Executor full = r -> {
                throw new RejectedExecutionException("full");
            };
            assertThrows(RejectedExecutionException.class, () -> loop.runInExecutor(full, () -> 1));
            assertEquals(0, loop.inbox().expected());
        });
    }

    @Test
    void anIdleLoopWithARunningDefaultExecutorUsesNoCpu() throws Exception {
        CompletableFuture<Long> used = new CompletableFuture<>();
        Thread loopThread = Thread.ofPlatform().name("hop-idle-loop").start(() -> {
            try {
                Asyncio.run(() -> {
                    for (int i = 0; i < 1_000; i++) Asyncio.toThread(() -> null); // spinning is on, threads exist
                    long before = ProcCpu.threadsNamed("hop-idle-loop", "jasyncio-executor-");
                    Asyncio.sleep(Duration.ofSeconds(2));
                    used.complete(ProcCpu.threadsNamed("hop-idle-loop", "jasyncio-executor-") - before);
                });
            } catch (Throwable t) {
                used.completeExceptionally(t);
            }
        });
        long cpu = used.get(30, TimeUnit.SECONDS);
        loopThread.join();
        // Spinning while idle would burn most of the 2 s on the loop or a worker.
        assertTrue(cpu < TimeUnit.MILLISECONDS.toNanos(200), "loop and executor threads used " + cpu / 1e6 + " ms of CPU in 2 s idle");
    }
}
