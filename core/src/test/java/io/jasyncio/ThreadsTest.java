package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** toThread, runInExecutor, runCoroutineThreadsafe and wrapFuture: asyncio's threads support. */
@org.junit.jupiter.api.Timeout(30)
class ThreadsTest {

    @Test
    void closingTheLoopShutsItsDefaultExecutorDown() throws Exception {
        Thread[] worker = new Thread[1];
        try (EventLoop loop = new EventLoop()) {
            loop.runUntilComplete(loop.runInExecutor(null, () -> worker[0] = Thread.currentThread()));
        }
        // An idle pool thread would otherwise live on for its 60 s keep-alive.
        assertTrue(worker[0].join(Duration.ofSeconds(20)), "the default executor's thread outlived its loop: " + worker[0]);
    }

    @Test
    void toThreadRunsOnAPlatformThreadWithoutBlockingTheLoop() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch ticked = new CountDownLatch(1);
        Asyncio.run(() -> {
            Task<Void> ticker = Asyncio.createTask(() -> {
                for (int i = 0; i < 3; i++) {
                    Asyncio.sleep(Duration.ofMillis(1));
                    events.add("tick");
                }
                ticked.countDown();
            });
            Thread worker = Asyncio.toThread(() -> {
                // Really blocks its thread until the loop has ticked three times meanwhile.
                assertTrue(ticked.await(10, TimeUnit.SECONDS));
                events.add("worker done");
                return Thread.currentThread();
            });
            assertFalse(worker.isVirtual());
            assertTrue(worker.getName().startsWith("jasyncio-executor-"), worker.getName());
            ticker.await();
        });
        assertEquals(List.of("tick", "tick", "tick", "worker done"), events);
    }

    @Test
    void toThreadRunsInACopyOfTheContext() {
        ContextVar<String> var = new ContextVar<>("var");
        Asyncio.run(() -> {
            var.set("from task");
            assertEquals("from task", Asyncio.toThread(var::get));
            Asyncio.toThread(() -> {
                var.set("changed in thread");
                return null;
            });
            assertEquals("from task", var.get());
        });
    }

    @Test
    void toThreadFailuresSurfaceAsAwaitDoes() {
        Asyncio.run(() -> {
            assertThrows(IllegalStateException.class, () -> Asyncio.toThread(() -> {
                throw new IllegalStateException("unchecked");
            }));
            CompletionException e = assertThrows(CompletionException.class, () -> Asyncio.toThread(() -> {
                throw new IOException("checked");
            }));
            assertInstanceOf(IOException.class, e.getCause());
        });
    }

    @Test
    void runInExecutorUsesTheGivenExecutor() {
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "my-pool"));
        try {
            String name = Asyncio.run(() -> Asyncio.getRunningLoop().runInExecutor(pool, () -> Thread.currentThread().getName()).await());
            assertEquals("my-pool", name);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void runShutsTheDefaultExecutorDown() throws Exception {
        Thread[] worker = new Thread[1];
        Asyncio.run(() -> {
            worker[0] = Asyncio.toThread(Thread::currentThread);
        });
        // Asyncio.run waited for the default executor's threads to finish.
        worker[0].join(5_000);
        assertFalse(worker[0].isAlive());
    }

    @Test
    void theDefaultExecutorRefusesWorkAfterShutdown() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            loop.shutdownDefaultExecutor(Duration.ofSeconds(5)).await();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runInExecutor(null, () -> 1));
            assertEquals("Executor shutdown has been called", e.getMessage());
        });
    }

    /** Runs a loop in its own thread until the returned stopper is called. */
    private static EventLoop startLoopThread(Consumer<Runnable> stopperOut) throws Exception {
        CompletableFuture<EventLoop> started = new CompletableFuture<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().name("other-loop").start(() -> {
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Future<Void> stop = loop.createFuture();
                stopperOut.accept(() -> {
                    loop.callSoonThreadsafe(() -> stop.setResult(null));
                    try {
                        stopped.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
                started.complete(loop);
                stop.await();
            });
            stopped.countDown();
        });
        assertNotNull(t);
        return started.get(5, TimeUnit.SECONDS);
    }

    @Test
    void runCoroutineThreadsafeRunsATaskOnTheLoopAndReportsItsOutcome() throws Exception {
        Runnable[] stop = new Runnable[1];
        EventLoop loop = startLoopThread(s -> stop[0] = s);
        try {
            CompletableFuture<String> ok = Asyncio.runCoroutineThreadsafe(() -> {
                Asyncio.sleep(Duration.ofMillis(5));
                return Thread.currentThread().isVirtual() ? "ran in a task of " + Asyncio.getRunningLoop().hashCode() : "?";
            }, loop);
            assertEquals("ran in a task of " + loop.hashCode(), ok.get(5, TimeUnit.SECONDS));

            CompletableFuture<String> failed = Asyncio.runCoroutineThreadsafe(() -> {
                throw new IOException("disk");
            }, loop);
            ExecutionException e = assertThrows(ExecutionException.class, () -> failed.get(5, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, e.getCause()); // the exception itself, not wrapped twice

            CompletableFuture<Void> voidBody = Asyncio.runCoroutineThreadsafe(() -> Asyncio.sleep(0), loop);
            assertNull(voidBody.get(5, TimeUnit.SECONDS));
        } finally {
            stop[0].run();
        }
    }

    @Test
    void cancellingTheCompletableFutureCancelsTheTask() throws Exception {
        Runnable[] stop = new Runnable[1];
        EventLoop loop = startLoopThread(s -> stop[0] = s);
        try {
            CompletableFuture<String> started = new CompletableFuture<>();
            CompletableFuture<String> cancelledInTask = new CompletableFuture<>();
            CompletableFuture<String> cf = Asyncio.runCoroutineThreadsafe(() -> {
                started.complete("started");
                try {
                    Asyncio.sleep(Duration.ofSeconds(10));
                    return "slept";
                } catch (CancelledError e) {
                    cancelledInTask.complete("cancelled");
                    throw e;
                }
            }, loop);
            started.get(5, TimeUnit.SECONDS);
            assertTrue(cf.cancel(true));
            assertEquals("cancelled", cancelledInTask.get(5, TimeUnit.SECONDS));
            assertThrows(CancellationException.class, cf::join);
        } finally {
            stop[0].run();
        }
    }

    @Test
    void aTaskCancelledOnTheLoopCancelsTheCompletableFuture() throws Exception {
        Runnable[] stop = new Runnable[1];
        EventLoop loop = startLoopThread(s -> stop[0] = s);
        try {
            CompletableFuture<String> cf = Asyncio.runCoroutineThreadsafe(() -> {
                Asyncio.currentTask().cancel();
                Asyncio.sleep(Duration.ofSeconds(10));
                return "x";
            }, loop);
            assertThrows(CancellationException.class, () -> cf.get(5, TimeUnit.SECONDS));
            assertTrue(cf.isCancelled());
        } finally {
            stop[0].run();
        }
    }

    @Test
    void runCoroutineThreadsafeOnAClosedLoopFails() {
        EventLoop loop = new EventLoop();
        loop.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Asyncio.runCoroutineThreadsafe(() -> 1, loop));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void aCompletableFutureCancelledBeforeTheLoopGetsToItNeverStarts() {
        try (EventLoop loop = new EventLoop()) {
            boolean[] ran = {false};
            // The loop is not running yet: the submission waits in its queue.
            CompletableFuture<Integer> cf = Asyncio.runCoroutineThreadsafe(() -> {
                ran[0] = true;
                return 1;
            }, loop);
            cf.cancel(false);
            loop.runUntilComplete(() -> {
                // loop turns, not a sleep: the queued submission is handled in the first one
                for (int i = 0; i < 3; i++) Asyncio.sleep(0);
                return null;
            });
            assertFalse(ran[0]);
            assertTrue(loop.allTasks().isEmpty());
        }
    }

    @Test
    void aCompletableFutureCompletedByAnotherThreadCanBeAwaited() {
        Asyncio.run(() -> {
            CompletableFuture<String> cf = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
                cf.complete("from another thread");
            });
            assertEquals("from another thread", Asyncio.wrapFuture(cf).await());

            CompletableFuture<String> failing = CompletableFuture.supplyAsync(() -> {
                throw new IllegalArgumentException("async failure");
            });
            // CompletableFuture wraps it in a CompletionException; the wrapped future does not.
            assertEquals("async failure", assertThrows(IllegalArgumentException.class, () -> Asyncio.wrapFuture(failing).await()).getMessage());

            CompletableFuture<String> never = new CompletableFuture<>();
            Future<String> wrapped = Asyncio.wrapFuture(never);
            assertThrows(TimeoutError.class, () -> Asyncio.waitFor(wrapped, Duration.ofMillis(5)));
            assertTrue(never.isCancelled()); // the timeout cancelled the wrapper, which cancels the source
        });
    }

    @Test
    void aCoroutineOnAnotherLoopIsAwaitedThroughACompletableFuture() throws Exception {
        Runnable[] stop = new Runnable[1];
        EventLoop other = startLoopThread(s -> stop[0] = s);
        try {
            Asyncio.run(() -> {
                // Work on another loop is awaited through a CompletableFuture, never directly.
                CompletableFuture<Integer> cf = Asyncio.runCoroutineThreadsafe(() -> 41 + 1, other);
                assertEquals(42, Asyncio.wrapFuture(cf).await());
            });
        } finally {
            stop[0].run();
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(20)
    void shutdownDefaultExecutorWithoutATimeoutWaitsForTheThreads() {
        // asyncio's shutdown_default_executor(timeout=None) waits without limit.
        Thread[] worker = new Thread[1];
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            worker[0] = loop.runInExecutor(null, Thread::currentThread).await();
            Future<Void> done = loop.shutdownDefaultExecutor(null);
            Asyncio.waitFor(done, Duration.ofSeconds(10));
            assertFalse(worker[0].isAlive());
        });
    }
}
