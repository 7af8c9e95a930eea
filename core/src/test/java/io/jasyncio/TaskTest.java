package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TaskTest {

    @Test
    void tasksHaveGeneratedOrGivenNamesAndVirtualThreadsOfThatName() {
        Asyncio.run(() -> {
            Task<Void> a = Asyncio.createTask(() -> {});
            Task<Void> b = Asyncio.createTask(() -> {}, "worker");
            assertTrue(a.getName().matches("Task-\\d+"), a.getName());
            assertEquals("worker", b.getName());
            assertTrue(b.thread().isVirtual());
            assertEquals("worker", b.thread().getName());
            b.setName("renamed");
            assertEquals("renamed", b.thread().getName());
            assertThrows(NullPointerException.class, () -> b.setName(null));
            a.await();
            b.await();
        });
    }

    @Test
    void aTaskWithTheDefaultNameRunsInAnUnnamedThreadUnlessTheLoopIsInDebugMode() {
        String[] seen = Asyncio.run(() -> {
            Task<String> t = Asyncio.createTask(() -> Thread.currentThread().getName());
            return new String[] {t.getName(), t.await()};
        }, RunOptions.defaults().debug(false));
        assertTrue(seen[0].matches("Task-\\d+"), seen[0]);
        assertEquals("", seen[1], "no String per task for the thread's name");
        String[] debug = Asyncio.run(() -> {
            Task<String> t = Asyncio.createTask(() -> Thread.currentThread().getName());
            return new String[] {t.getName(), t.await()};
        }, RunOptions.defaults().debug(true));
        assertEquals(debug[0], debug[1], "in debug mode thread dumps show the task's name");
    }

    @Test
    void theDefaultNameKeepsItsNumberBeyondTheRangeOfAnInt() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            long big = Integer.MAX_VALUE + 5L;
            assertEquals("Task-" + big, new Task<>(loop, () -> null, null, big, loop.current.contextMap()).getName());
            assertEquals("Task-7", new Task<>(loop, () -> null, null, 7, loop.current.contextMap()).getName());
        });
    }

    @Test
    void aWrongThreadErrorFromAnotherLoopsTaskNamesTheTaskThoughItsThreadIsUnnamed() throws Exception {
        java.util.concurrent.CompletableFuture<Future<Object>> other = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread loopB = Thread.ofPlatform().start(() -> Asyncio.run(() -> {
            other.complete(Asyncio.getRunningLoop().createFuture());
            Asyncio.toThread(() -> {
                release.await();
                return null;
            });
        }));
        try {
            Future<Object> f = other.get(10, java.util.concurrent.TimeUnit.SECONDS);
            String[] seen = Asyncio.run(() -> {
                Task<String> t = Asyncio.createTask(() -> {
                    try {
                        f.setResult(1);
                        return "no error";
                    } catch (IllegalStateException e) {
                        return e.getMessage();
                    }
                });
                return new String[] {t.getName(), t.await()};
            }, RunOptions.defaults().debug(false));
            assertTrue(seen[1].startsWith("Future.setResult() was called from thread '" + seen[0] + "' but"), seen[1]);
        } finally {
            release.countDown();
            loopB.join();
        }
    }

    @Test
    void renamingARunningTaskRenamesItsThreadAndTheTaskKeepsItsCoroutineAndContext() {
        ContextVar<String> user = new ContextVar<>("user");
        Asyncio.run(() -> {
            user.set("alice");
            Coroutine<String> coro = () -> {
                Asyncio.currentTask().setName("renamed-while-running");
                return Thread.currentThread().getName();
            };
            Task<String> t = Asyncio.createTask(coro, "before");
            assertSame(coro, t.getCoro());
            String[] seen = new String[1];
            t.getContext().run(() -> seen[0] = user.get());
            assertEquals("alice", seen[0]);
            assertEquals("renamed-while-running", t.await());
        });
    }

    @Test
    void setNameRefusesNullAndKeepsTheName() {
        Asyncio.run(() -> {
            Task<Void> t = Asyncio.createTask(() -> { }, "kept");
            assertThrows(NullPointerException.class, () -> t.setName(null));
            assertEquals("kept", t.getName());
            t.await();
        });
    }

    @Test
    void aTaskHoldsAThreadOnlyWhileItRuns() {
        Asyncio.run(() -> {
            java.lang.ref.WeakReference<Thread>[] carrier = new java.lang.ref.WeakReference[1];
            Task<Void> t = Asyncio.createTask(() -> {
                carrier[0] = new java.lang.ref.WeakReference<>(Thread.currentThread());
            });
            assertNull(t.threadIfMade(), "a queued task has no thread yet");
            t.await();
            assertNull(t.thread(), "a done task lets its thread go");
            // Nothing else keeps the finished thread: a million finished tasks must not hold a
            // million threads.
            for (int i = 0; i < 50 && carrier[0].get() != null; i++) {
                System.gc();
                Thread.sleep(10);
            }
            assertNull(carrier[0].get(), "the finished task's thread is still reachable");
        });
    }

    @Test
    void aTaskRunsOnTheLoopThreadAndSeesItselfAsCurrent() {
        Asyncio.run(() -> {
            Thread loopThread = Thread.currentThread().isVirtual() ? null : Thread.currentThread();
            Task<?> self = Asyncio.currentTask();
            assertNotNull(self);
            assertSame(self.thread(), Thread.currentThread());
            Task<Task<?>> child = Asyncio.createTask(Asyncio::currentTask);
            assertSame(child, child.await());
            assertNull(loopThread); // main itself is a task, i.e. a virtual thread
        });
    }

    /**
     * Debug mode's watchdog asks for the thread of a slow step's task from its own thread. If that
     * made the (lazily made) virtual thread, it raced with the loop making and starting its own
     * for the task's first step, and the task then failed every await with "not in a task".
     */
    @Test
    void askingAnotherThreadForANotYetStartedTasksThreadMakesNone() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Thread> seenFromOutside = loop.createFuture();
            Task<Boolean>[] task = new Task[1];
            // In a callback the loop thread is busy here, so the task cannot take its first step meanwhile.
            loop.callSoon(() -> {
                task[0] = loop.createTask(() -> Asyncio.currentTask().thread() == Thread.currentThread());
                Thread[] seen = new Thread[1];
                Thread other = Thread.ofPlatform().start(() -> seen[0] = task[0].thread());
                try {
                    other.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                assertNull(task[0].threadIfMade(), "a thread was made outside the loop");
                seenFromOutside.setResult(seen[0]);
            });
            assertNull(seenFromOutside.await());
            assertTrue(task[0].await(), "the task runs on the thread it reports");
            assertNull(task[0].thread(), "done: no thread");
        });
    }

    @Test
    void cancelBeforeTheFirstStepNeverRunsTheBody() {
        List<String> ran = new ArrayList<>();
        Asyncio.run(() -> {
            Task<Void> t = Asyncio.createTask(() -> {
                ran.add("body");
            });
            assertTrue(t.cancel("early"));
            assertEquals(1, t.cancelling());
            CancelledError e = assertThrows(CancelledError.class, t::await);
            assertEquals("early", e.getMessage());
            assertTrue(t.cancelled());
            assertFalse(t.cancel());
        });
        assertEquals(List.of(), ran);
    }

    @Test
    void cancelWhileAwaitingThrowsAtTheSuspensionPoint() {
        List<String> events = new ArrayList<>();
        Asyncio.run(() -> {
            Future<String> never = Asyncio.getRunningLoop().createFuture();
            Task<String> t = Asyncio.createTask(() -> {
                try {
                    return never.await();
                } catch (CancelledError e) {
                    events.add("cancelled in task: " + e.getMessage());
                    throw e;
                } finally {
                    events.add("finally");
                }
            });
            Asyncio.sleep(0);
            t.cancel("stop");
            CancelledError e = assertThrows(CancelledError.class, t::await);
            assertEquals("stop", e.getMessage());
            assertTrue(never.cancelled(), "the awaited future is cancelled, as in asyncio");
        });
        assertEquals(List.of("cancelled in task: stop", "finally"), events);
    }

    @Test
    void cancellingATaskThatAwaitsAChildCancelsTheChild() {
        Asyncio.run(() -> {
            Task<Void> child = Asyncio.createTask(() -> Asyncio.sleep(10));
            Task<Void> parent = Asyncio.createTask(() -> {
                child.await();
            });
            Asyncio.sleep(0);
            Asyncio.sleep(0);
            parent.cancel();
            assertThrows(CancelledError.class, parent::await);
            assertTrue(child.cancelled());
        });
    }

    @Test
    void catchExceptionDoesNotSwallowCancellation() {
        List<String> events = new ArrayList<>();
        Asyncio.run(() -> {
            Task<Void> t = Asyncio.createTask(() -> {
                try {
                    Asyncio.sleep(10);
                } catch (Exception e) {
                    events.add("swallowed " + e);
                }
                events.add("continued");
            });
            Asyncio.sleep(0);
            t.cancel();
            assertThrows(CancelledError.class, t::await);
        });
        assertEquals(List.of(), events);
        assertFalse(Exception.class.isAssignableFrom(CancelledError.class));
    }

    @Test
    void aTaskThatCatchesCancellationAndReturnsCompletesNormally() {
        Asyncio.run(() -> {
            Task<String> t = Asyncio.createTask(() -> {
                try {
                    Asyncio.sleep(10);
                    return "slept";
                } catch (CancelledError e) {
                    return "caught " + e.getMessage();
                }
            });
            Asyncio.sleep(0);
            t.cancel("please");
            assertEquals("caught please", t.await());
            assertFalse(t.cancelled());
            assertEquals(1, t.cancelling());
        });
    }

    @Test
    void uncancelWithdrawsAnUndeliveredRequest() {
        Asyncio.run(() -> {
            List<Integer> counts = new ArrayList<>();
            Task<String> t = Asyncio.createTask(() -> {
                Task<?> self = Asyncio.currentTask();
                self.cancel("self");
                self.cancel("twice");
                counts.add(self.cancelling());
                counts.add(self.uncancel());
                counts.add(self.uncancel());
                counts.add(self.uncancel()); // never below zero
                Asyncio.sleep(0); // no CancelledError: the request was withdrawn
                return "survived";
            });
            assertEquals("survived", t.await());
            assertEquals(List.of(2, 1, 0, 0), counts);
        });
    }

    @Test
    void selfCancelThrowsAtTheNextSuspension() {
        List<String> events = new ArrayList<>();
        Asyncio.run(() -> {
            Task<Void> t = Asyncio.createTask(() -> {
                Asyncio.currentTask().cancel("me");
                events.add("still running until it suspends");
                try {
                    Asyncio.sleep(0);
                    events.add("not reached");
                } catch (CancelledError e) {
                    events.add("cancelled at sleep(0): " + e.getMessage());
                    throw e;
                }
            });
            assertThrows(CancelledError.class, t::await);
        });
        assertEquals(List.of("still running until it suspends", "cancelled at sleep(0): me"), events);
    }

    @Test
    void aTaskCancelledButFinishingWithoutSuspendingEndsCancelled() {
        Asyncio.run(() -> {
            Task<String> t = Asyncio.createTask(() -> {
                Asyncio.currentTask().cancel("late");
                return "value";
            });
            assertEquals("late", assertThrows(CancelledError.class, t::await).getMessage());
            assertTrue(t.cancelled());
        });
    }

    @Test
    void aTaskBlockedInThreadSleepIsInterruptedByCancel() {
        Asyncio.run(() -> {
            Task<Void> t = Asyncio.createTask(() -> {
                Thread.sleep(20_000);
            });
            while (!t.blockedOutsideLoop()) Asyncio.sleep(0); // an event: it sits in Thread.sleep
            long start = System.nanoTime();
            t.cancel("wake up");
            CancelledError e = assertThrows(CancelledError.class, t::await);
            // Far below the 20 s sleep, far above any scheduling delay on a loaded machine.
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15));
            assertEquals("wake up", e.getMessage());
            assertInstanceOf(InterruptedException.class, e.getCause());
            assertTrue(t.cancelled());
        });
    }

    @Test
    void aCancellationDeliveredThroughAnAwaitAfterAnIgnoredInterruptIsNotReusedLater() {
        // The cancel interrupts a JDK call that ignores interrupts; the request then surfaces at
        // the next await, and is caught. A later request made while the task runs, followed by a
        // failure, must end the task with that failure, as asyncio's __step does: only an
        // interrupt sent for a pending request makes a failure count as the cancellation.
        Asyncio.run(() -> {
            java.util.concurrent.CompletableFuture<Void> gate = new java.util.concurrent.CompletableFuture<>();
            Task<Void> t = Asyncio.createTask(() -> {
                gate.join(); // the cancel's interrupt does not end it
                try {
                    Asyncio.sleep(Duration.ofSeconds(10));
                    fail("the cancellation must surface here");
                } catch (CancelledError expected) {
                    // caught on purpose
                }
                Asyncio.currentTask().cancel("again");
                throw new IllegalStateException("boom");
            });
            Asyncio.sleep(0.02);
            t.cancel();
            Asyncio.getRunningLoop().callLater(Duration.ofMillis(20), () -> gate.complete(null));
            assertEquals("boom", assertThrows(IllegalStateException.class, t::await).getMessage());
            assertFalse(t.cancelled());
        });
    }

    @Test
    void threeTasksInThreadSleepRunConcurrently() {
        // Events, not a wall-clock window: all three are inside Thread.sleep at the same time while
        // the loop goes on running this task; if a sleep blocked the loop, this would never happen.
        Asyncio.run(() -> {
            AtomicInteger asleep = new AtomicInteger();
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                tasks.add(Asyncio.createTask(() -> {
                    asleep.incrementAndGet();
                    Thread.sleep(Duration.ofMinutes(10));
                }));
            }
            while (asleep.get() < 3) Asyncio.sleep(0);
            for (Task<Void> t : tasks) assertFalse(t.done());
            for (Task<Void> t : tasks) t.cancel(); // interrupts the sleep
            for (Task<Void> t : tasks) assertThrows(CancelledError.class, t::await);
        });
    }

    @Test
    void aTaskBlockedInASocketReadDoesNotStopOtherTasks() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CountDownLatch othersDone = new CountDownLatch(1);
            Thread peer = Thread.ofPlatform().start(() -> {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    // Answer only after the other task proved the loop kept running.
                    if (othersDone.await(10, TimeUnit.SECONDS)) out.write("pong\n".getBytes());
                } catch (IOException | InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            String line = Asyncio.run(() -> {
                Task<String> reader = Asyncio.createTask(() -> {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                         InputStream in = s.getInputStream()) {
                        return new String(in.readAllBytes()).trim();
                    }
                });
                Task<Integer> counter = Asyncio.createTask(() -> {
                    int ticks = 0;
                    for (int i = 0; i < 5; i++) {
                        Asyncio.sleep(0.01);
                        ticks++;
                    }
                    othersDone.countDown();
                    return ticks;
                });
                assertEquals(5, counter.await());
                return reader.await();
            });
            assertEquals("pong", line);
            peer.join();
        }
    }

    @Test
    void aTaskBlockedInAMonitorWaitIsResumedThroughTheLoop() {
        Object monitor = new Object();
        String s = Asyncio.run(() -> {
            boolean[] ready = {false};
            Task<String> waiter = Asyncio.createTask(() -> {
                synchronized (monitor) {
                    while (!ready[0]) monitor.wait();
                }
                return "notified";
            });
            while (!waiter.blockedOutsideLoop()) Asyncio.sleep(0); // an event: it sits in monitor.wait()
            Thread.ofPlatform().start(() -> {
                synchronized (monitor) {
                    ready[0] = true;
                    monitor.notifyAll();
                }
            });
            return waiter.await();
        });
        assertEquals("notified", s);
    }

    @Test
    void taskFailuresPropagateToAwaiters() {
        Asyncio.run(() -> {
            Task<String> unchecked = Asyncio.createTask(() -> {
                throw new IllegalArgumentException("bad arg");
            });
            Task<String> checked = Asyncio.createTask(() -> {
                throw new IOException("io");
            });
            assertEquals("bad arg", assertThrows(IllegalArgumentException.class, unchecked::await).getMessage());
            CompletionException ce = assertThrows(CompletionException.class, checked::await);
            assertInstanceOf(IOException.class, ce.getCause());
        });
    }

    @Test
    void setResultAndSetExceptionAreNotForTasks() {
        Asyncio.run(() -> {
            Task<String> t = Asyncio.createTask(() -> "x");
            assertThrows(UnsupportedOperationException.class, () -> t.setResult("y"));
            assertThrows(UnsupportedOperationException.class, () -> t.setException(new RuntimeException()));
            assertEquals("x", t.await());
        });
    }

    @Test
    void allTasksListsPendingTasksOnly() {
        Asyncio.run(() -> {
            Task<Void> sleeper = Asyncio.createTask(() -> Asyncio.sleep(10));
            Task<Void> quick = Asyncio.createTask(() -> {});
            quick.await();
            var all = Asyncio.allTasks();
            assertTrue(all.contains(sleeper));
            assertTrue(all.contains(Asyncio.currentTask()));
            assertFalse(all.contains(quick));
            sleeper.cancel();
        });
    }

    @Test
    void aTaskCannotAwaitItselfOrAFutureOfAnotherLoop() {
        try (EventLoop other = new EventLoop()) {
            Asyncio.run(() -> {
                Task<?> self = Asyncio.currentTask();
                assertThrows(IllegalStateException.class, self::await);
                Future<String> foreign = other.createFuture();
                IllegalStateException e = assertThrows(IllegalStateException.class, foreign::await);
                assertTrue(e.getMessage().contains("different loop") || e.getMessage().contains("another event loop"), e.getMessage());
            });
        }
    }

    @Test
    void anUnretrievedTaskExceptionIsReportedWhenTheTaskIsCollected() throws Exception {
        List<ErrorContext> reports = new ArrayList<>();
        try (EventLoop loop = new EventLoop()) {
            loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
            loop.runUntilComplete(() -> {
                Asyncio.createTask(() -> {
                    throw new IllegalStateException("nobody looks");
                }, "forgotten");
                Asyncio.sleep(0);
                Asyncio.sleep(0);
                return null;
            });
            for (int i = 0; i < 100 && reports.isEmpty(); i++) {
                System.gc();
                loop.runUntilComplete(() -> Asyncio.sleep(0.02));
            }
        }
        assertEquals(1, reports.size());
        assertTrue(reports.get(0).message().startsWith("Task exception was never retrieved"), reports.get(0).message());
        assertTrue(reports.get(0).message().contains("forgotten"));
        assertEquals("nobody looks", reports.get(0).exception().getMessage());
        // The report shows the task's final state (it was once built before the state was set).
        String m = reports.get(0).message();
        assertTrue(m.contains("Task[forgotten, Task[finished exception=java.lang.IllegalStateException: nobody looks]"), m);
        assertFalse(m.contains("pending"), m);
    }

    @Test
    void cancellingFromAnotherThreadGoesThroughTheLoop() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task<?>[] task = new Task<?>[1];
        Thread canceller = Thread.ofPlatform().start(() -> {
            try {
                started.await();
                assertTrue(task[0].cancel(true));
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        Asyncio.run(() -> {
            task[0] = Asyncio.createTask(() -> Asyncio.sleep(30));
            Asyncio.sleep(0);
            started.countDown();
            assertThrows(CancelledError.class, task[0]::await);
        });
        canceller.join();
    }

    @Test
    void cancellingAFailedTaskCountsAsRetrievingItsException() {
        // asyncio's Task.cancel() clears _log_traceback even when the task is already done.
        try (EventLoop loop = new EventLoop()) {
            Task<Void> t = loop.createTask(Coroutine.of(() -> {
                throw new IllegalStateException("boom");
            }));
            Future<Void> tick = loop.createFuture();
            t.addDoneCallback(f -> tick.setResult(null));
            loop.runUntilComplete(tick);
            assertTrue(t.hasUnretrievedException());
            assertFalse(t.cancel());
            assertFalse(t.hasUnretrievedException());
        }
    }

    @Test
    void aStepThatRunsAgainAfterTheTaskFinishedDoesNothing() throws Exception {
        // Seen under load (issue 16): a task's step handle queued twice ran after the task had
        // finished and its thread was released, and failed with an NPE in thread().start().
        java.lang.reflect.Field stepField = Task.class.getDeclaredField("step");
        stepField.setAccessible(true);
        Asyncio.run(() -> {
            Task<Integer> t = Asyncio.createTask(() -> 42);
            assertEquals(42, t.await());
            Handle step = (Handle) stepField.get(t);
            step.invoke(); // a stale second run of the step: must be a no-op
            assertEquals(42, t.result());
            assertNull(t.thread());
        });
    }
}
