package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What one iteration of the loop does beyond running callbacks in order (EventLoopTest): when
 * it waits and when it must not, polling I/O while busy, the urgent steps under the random
 * schedule, what close() drops, and a task resumed after its loop closed.
 */
@Timeout(30)
class LoopSchedulerIterationTest {

    @Test
    void stopBeforeRunForeverWithOnlyAFarTimerReturnsWithoutWaitingForIt() {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            boolean[] fired = {false};
            loop.callLater(Duration.ofHours(1), () -> fired[0] = true);
            loop.stop();
            loop.runForever();
            assertFalse(fired[0]);
            assertEquals(0.0, loop.time(), "the stopping iteration does not wait, so virtual time did not jump");
        }
    }

    @Test
    void ioReadinessIsPolledWhileCallbacksKeepTheLoopBusy() throws Exception {
        Pipe pipe = Pipe.open();
        try {
            pipe.source().configureBlocking(false);
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            int spins = Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                boolean[] readable = {false};
                loop.addReader(pipe.source(), () -> {
                    readable[0] = true;
                    loop.removeReader(pipe.source());
                });
                int n = 0;
                while (!readable[0] && n < 10_000) { // the ready queue is never empty meanwhile
                    Asyncio.sleep(Duration.ZERO);
                    n++;
                }
                return n;
            });
            assertTrue(spins < 10_000, "the reader never ran while a task kept yielding");
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    /** The CPU time of a thread (java.management through reflection: the module does not read it). */
    private static long cpuNanos(Thread t) throws Exception {
        Class<?> bean = Class.forName("java.lang.management.ThreadMXBean");
        Object mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        return (Long) bean.getMethod("getThreadCpuTime", long.class).invoke(mx, t.threadId());
    }

    @Test
    void anIdleLoopSleepsInsteadOfSpinning() {
        long used = Asyncio.run(() -> {
            Thread loopThread = Asyncio.getRunningLoop().owner.thread();
            long before = cpuNanos(loopThread);
            // Real time on purpose: the subject is what the loop thread does while it waits.
            Asyncio.sleep(Duration.ofMillis(500));
            return cpuNanos(loopThread) - before;
        });
        // Sleeping in select costs a few wake-ups; a spinning loop burns CPU for the whole
        // half second (even at load 12 on 2 cores, several times this bound).
        assertTrue(used < 40_000_000L, "the idle loop thread used " + used / 1_000_000 + " ms of CPU in 500 ms");
    }

    @Test
    // A lost urgent step leaves the loop with nothing to run and main unable to take the timeout's
    // interrupt: fail from another thread rather than hang the run.
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void eagerTasksStartUnderTheRandomSchedule() {
        String v = Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            loop.setRandomSchedule(7);
            loop.setTaskFactory(Asyncio.eagerTaskFactory());
            Asyncio.sleep(Duration.ZERO); // from the next iteration on, batches are shuffled
            Task<String> child = Asyncio.createTask(() -> "eager");
            assertTrue(child.done(), "its first step ran before createTask returned");
            Task<String> grandparent = Asyncio.createTask(() -> Asyncio.createTask(() -> "nested").await());
            return child.await() + " " + grandparent.await();
        });
        assertEquals("eager nested", v);
    }

    @Test
    void closeDropsTheReadyCallbacksAndTimersItWillNeverRun() {
        EventLoop loop = new EventLoop(new VirtualClock());
        loop.callSoon(() -> {});
        loop.callLater(Duration.ofSeconds(1), () -> {});
        assertTrue(loop.scheduler.hasReadyWork());
        assertTrue(loop.scheduler.hasTimers());
        loop.close();
        assertFalse(loop.scheduler.hasReadyWork());
        assertFalse(loop.scheduler.hasTimers());
        assertEquals(0, loop.scheduler.timerCount());
    }

    @Test
    void aTaskResumedByTheJdkAfterItsLoopClosedIsDroppedWithAWarning() throws Exception {
        LogCapture log = LogCapture.start();
        List<String> resumed;
        try {
            EventLoop loop = new EventLoop();
            loop.runUntilComplete(() -> {
                Asyncio.createTask(() -> Thread.sleep(200)); // parked by the JDK, resumed by its timer
                Asyncio.sleep(Duration.ZERO); // let it start sleeping
            });
            loop.close();
            long deadline = System.nanoTime() + 10_000_000_000L;
            do {
                Thread.sleep(10);
                resumed = log.messages().stream().filter(m -> m.startsWith("a task was resumed after its event loop closed")).toList();
            } while (resumed.isEmpty() && System.nanoTime() < deadline);
        } finally {
            log.stop();
        }
        assertEquals(1, resumed.size(), log.messages().toString());
    }

    @Test
    void anInterruptOfTheThreadBetweenRunsIsTheCallersNotTheNextRunsOfTheLoop() throws Exception {
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            loop.callSoon(loop::stop);
            loop.runForever();
            // Meant for this thread while the loop does not run, and handled here. From another
            // thread, as a real one comes (Thread.interrupt() skips I/O hooks for a self-interrupt).
            Thread interrupter = Thread.ofPlatform().start(Thread.currentThread()::interrupt);
            while (!Thread.currentThread().isInterrupted()) Thread.onSpinWait();
            assertTrue(Thread.interrupted());
            interrupter.join(); // its interrupt() has returned: any I/O hook has seen it
            List<String> ran = new java.util.ArrayList<>();
            loop.callSoon(() -> {
                ran.add("first iteration");
                loop.callSoon(() -> {
                    ran.add("second iteration");
                    loop.stop();
                });
            });
            loop.runForever();
            assertEquals(List.of("first iteration", "second iteration"), ran, "the loop ran until stop(), not stopped by an old interrupt");
            assertFalse(Thread.interrupted());
        }
    }

    @Test
    void virtualTimeDoesNotJumpWhileAnIoCallbackIsReady() throws Exception {
        Pipe pipe = Pipe.open();
        try {
            pipe.source().configureBlocking(false);
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            double readAt = Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Future<Double> read = loop.createFuture();
                loop.addReader(pipe.source(), () -> {
                    loop.removeReader(pipe.source());
                    read.setResult(loop.time());
                });
                Asyncio.sleep(Duration.ofSeconds(10)); // the only timer: where a jump would go
                return read.result();
            }, RunOptions.defaults().virtualTime(true));
            assertEquals(0.0, readAt, "the readable channel was served before time moved");
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    @Test
    void virtualTimeJumpsWithoutWaitingInRealTimeWhenNoChannelIsRegistered() {
        long t0 = System.nanoTime();
        Asyncio.run(() -> {
            for (int i = 0; i < 2000; i++) Asyncio.sleep(Duration.ofSeconds(1));
        }, RunOptions.defaults().virtualTime(true));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        // The subject is real time: with a channel registered each jump waits 1 ms for bytes in
        // flight (2000 jumps: over 2 s); without one it does not wait at all.
        assertTrue(millis < 1500, "2000 virtual jumps took " + millis + " ms of real time");
    }

    @Test
    void anInterruptOfTheLoopThreadIsTakenAfterACallbackDidChannelIoOnIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("f"), "x");
        Throwable outcome = null;
        int[] steps = {0};
        try {
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Future<Long> size = loop.createFuture();
                loop.callSoon(() -> { // channel I/O on the loop thread replaces, then clears, its interrupt hook
                    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
                        size.setResult(ch.size());
                    } catch (java.io.IOException e) {
                        size.setException(e);
                    }
                });
                assertEquals(1L, size.await());
                // Sent while this task's step runs on the loop thread: mounting and unmounting a
                // task clears the carrier's interrupt status, so only the loop's watch keeps it.
                loop.owner.thread().interrupt();
                while (steps[0] < 1000) {
                    Asyncio.sleep(Duration.ZERO);
                    steps[0]++;
                }
            });
        } catch (CancelledError e) {
            outcome = e;
        } finally {
            Thread.interrupted(); // Asyncio.run hands the interrupt back to its caller
        }
        assertNotNull(outcome, "the interrupt was lost: the main task ran " + steps[0] + " more steps");
        assertEquals("interrupted", outcome.getMessage());
    }
}
