package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RunTest {

    @Test
    void runReturnsMainsResultAndRethrowsItsFailure() {
        assertEquals(3, Asyncio.run(() -> 1 + 2));
        IllegalStateException ise = new IllegalStateException("main failed");
        assertSame(ise, assertThrows(IllegalStateException.class, () -> Asyncio.run(() -> {
            throw ise;
        })));
        CompletionException ce = assertThrows(CompletionException.class, () -> Asyncio.run(() -> {
            throw new IOException("checked");
        }));
        assertInstanceOf(IOException.class, ce.getCause());
    }

    @Test
    void runCancelsLeftoverTasksAndWaitsForThem() {
        List<String> events = new ArrayList<>();
        Task<?>[] leftover = new Task<?>[1];
        Asyncio.run(() -> {
            leftover[0] = Asyncio.createTask(() -> {
                try {
                    Asyncio.sleep(60);
                } finally {
                    events.add("cleanup started");
                    Asyncio.sleep(0.01); // may still suspend while being cancelled
                    events.add("cleanup finished");
                }
            });
            Asyncio.sleep(0);
        });
        assertEquals(List.of("cleanup started", "cleanup finished"), events);
        assertTrue(leftover[0].cancelled());
    }

    @Test
    void aLeftoverTaskFailingDuringShutdownIsReported() {
        List<ErrorContext> reports = new ArrayList<>();
        try (Runner runner = new Runner()) {
            runner.getLoop().setExceptionHandler((l, ctx) -> reports.add(ctx));
            runner.run(() -> {
                Asyncio.createTask(() -> {
                    try {
                        Asyncio.sleep(60);
                    } catch (CancelledError e) {
                        throw new IllegalStateException("failed while cancelled");
                    }
                });
                Asyncio.sleep(0);
            });
        }
        assertEquals(1, reports.size());
        assertEquals("unhandled exception during Asyncio.run() shutdown", reports.get(0).message());
        assertEquals("failed while cancelled", reports.get(0).exception().getMessage());
    }

    @Test
    void runShutsTheDefaultExecutorDown() {
        AtomicReference<Thread> worker = new AtomicReference<>();
        String s = Asyncio.run(() -> Asyncio.toThread(() -> {
            worker.set(Thread.currentThread());
            return "worked";
        }));
        assertEquals("worked", s);
        assertFalse(worker.get().isAlive(), "executor thread still alive after run()");
    }

    @Test
    void aRunnerRunsSeveralCallsOnOneLoopInOneContext() {
        ContextVar<String> v = new ContextVar<>("v", "unset");
        try (Runner runner = new Runner()) {
            EventLoop first = runner.run(() -> {
                v.set("kept between runs");
                return Asyncio.getRunningLoop();
            });
            EventLoop second = runner.run(Asyncio::getRunningLoop);
            assertSame(first, second);
            assertEquals("kept between runs", runner.run(() -> v.get()));
            runner.close();
            assertTrue(first.isClosed());
            assertThrows(IllegalStateException.class, () -> runner.run(() -> 1));
        }
    }

    @Test
    void runInsideARunningLoopFails() {
        Asyncio.run(() -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Asyncio.run(() -> 1));
            assertEquals("Asyncio.run() cannot be called from a running event loop", e.getMessage());
            try (Runner r = new Runner()) {
                assertThrows(IllegalStateException.class, () -> r.run(() -> 1));
            }
        });
    }

    @Test
    void runFromAVirtualThreadRunsTheLoopOnAPlatformThread() throws Exception {
        AtomicReference<Object> out = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                out.set(Asyncio.run(() -> {
                    Asyncio.sleep(0.01);
                    return "from a virtual caller";
                }));
            } catch (Throwable t) {
                out.set(t);
            }
        }).join();
        assertEquals("from a virtual caller", out.get());
    }

    @Test
    void debugFlagReachesTheLoop() {
        assertTrue(Asyncio.run(() -> Asyncio.getRunningLoop().getDebug(), true));
    }

    @Test
    void interruptingTheLoopThreadCancelsTheMainTask() throws Exception {
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        CountDownLatch running = new CountDownLatch(1);
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread runner = Thread.ofPlatform().start(() -> {
            try {
                Asyncio.run(() -> {
                    // Counted down by a callback, so that the interrupt arrives while no task is
                    // mounted on the loop thread (see the report: an interrupt that lands while a
                    // task is mounted is cleared by the JDK when the task unmounts).
                    Asyncio.getRunningLoop().callSoon(running::countDown);
                    Asyncio.sleep(30);
                });
            } catch (Throwable t) {
                outcome.set(t);
            }
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        assertTrue(running.await(20, TimeUnit.SECONDS));
        runner.interrupt();
        runner.join(5_000);
        assertFalse(runner.isAlive());
        assertInstanceOf(CancelledError.class, outcome.get());
        assertEquals("interrupted", outcome.get().getMessage());
        assertTrue(stillInterrupted.get());
    }

    @Test
    void interruptingARawLoopStopsIt() throws Exception {
        try (EventLoop loop = new EventLoop()) {
            loop.callLater(Duration.ofSeconds(30), loop::stop);
            CountDownLatch running = new CountDownLatch(1);
            loop.callSoon(running::countDown);
            AtomicReference<Boolean> interrupted = new AtomicReference<>();
            Thread t = Thread.ofPlatform().start(() -> {
                loop.runForever();
                interrupted.set(Thread.currentThread().isInterrupted());
            });
            assertTrue(running.await(20, TimeUnit.SECONDS));
            t.interrupt();
            t.join(5_000);
            assertFalse(t.isAlive());
            assertTrue(interrupted.get());
        }
    }

    @Test
    void sleepOutsideATaskFailsClearly() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Asyncio.sleep(Duration.ZERO));
        assertTrue(e.getMessage().contains("inside a task"), e.getMessage());
    }

    @Test
    void sleepZeroYieldsToEveryReadyTaskOnce() {
        List<String> order = Asyncio.run(() -> {
            List<String> o = new ArrayList<>();
            Task<Void> a = Asyncio.createTask(() -> {
                for (int i = 0; i < 3; i++) {
                    o.add("a" + i);
                    Asyncio.sleep(0);
                }
            });
            Task<Void> b = Asyncio.createTask(() -> {
                for (int i = 0; i < 3; i++) {
                    o.add("b" + i);
                    Asyncio.sleep(-1.0);
                }
            });
            a.await();
            b.await();
            return o;
        });
        assertEquals(List.of("a0", "b0", "a1", "b1", "a2", "b2"), order);
    }

    @Test
    void sleepReturnsItsResultAfterTheDelay() {
        double[] elapsed = new double[1];
        String s = Asyncio.run(() -> {
            double start = Asyncio.getRunningLoop().time();
            String r = Asyncio.sleep(Duration.ofMillis(30), "late");
            elapsed[0] = Asyncio.getRunningLoop().time() - start;
            return r;
        }, RunOptions.defaults().virtualTime(true));
        assertEquals("late", s);
        assertEquals(0.030, elapsed[0], 1e-9);
    }

    @Test
    void sleepsWakeInDeadlineOrder() {
        List<Integer> order = Asyncio.run(() -> {
            List<Integer> o = new ArrayList<>();
            List<Task<Void>> ts = new ArrayList<>();
            for (int d : new int[] {30, 10, 20}) {
                ts.add(Asyncio.createTask(() -> {
                    Asyncio.sleep(Duration.ofMillis(d));
                    o.add(d);
                }));
            }
            for (Task<Void> t : ts) t.await();
            return o;
        }, RunOptions.defaults().virtualTime(true));
        assertEquals(List.of(10, 20, 30), order);
    }
}
