package io.jasyncio;

import static io.jasyncio.TaskGroupTest.LONG;
import static io.jasyncio.TaskGroupTest.after;
import static io.jasyncio.TaskGroupTest.failAfter;
import static io.jasyncio.TaskGroupTest.types;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The try-with-resources form of a TaskGroup: join, close, who may call them, what close throws. */
@Timeout(30)
class TaskGroupCloseTest {

    @Test
    void onlyTheTaskThatOpenedTheGroupMayCloseIt() {
        Asyncio.run(() -> {
            TaskGroup tg = TaskGroup.open();
            Task<Void> other = Asyncio.createTask(tg::close);
            IllegalStateException e = assertThrows(IllegalStateException.class, other::await);
            assertTrue(e.getMessage().contains("close()"), e.getMessage());
            tg.close();
        });
    }

    @Test
    void aCancellationArrivingWhileCloseWaitsForTheChildrenReachesTheNextSuspensionPoint() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Future<Void> childMayEnd = Asyncio.getRunningLoop().createFuture();
            boolean[] childCancelled = {false};
            Task<Void> parent = Asyncio.createTask(() -> {
                try (TaskGroup tg = TaskGroup.open()) {
                    tg.createTask(() -> {
                        try {
                            Asyncio.getRunningLoop().createFuture().await();
                        } catch (CancelledError e) {
                            childCancelled[0] = true; // by close(); it takes its time to finish
                            childMayEnd.await();
                        }
                    });
                    Asyncio.sleep(0);
                } // left early: close() cancels the child and waits for it
                log.add("close returned");
                Asyncio.sleep(0);
                log.add("the cancellation was lost");
            });
            while (!childCancelled[0]) Asyncio.sleep(0);
            parent.cancel("from outside");
            for (int i = 0; i < 3; i++) Asyncio.sleep(0);
            assertFalse(parent.done(), "close() keeps waiting for the child");
            childMayEnd.setResult(null);
            assertThrows(CancelledError.class, parent::await);
            assertTrue(parent.cancelled());
        });
        assertEquals(List.of("close returned"), log);
    }

    @Test
    void aChildFailingAfterItsParentFinishedWithoutClosingTheGroupIsReported() {
        List<ErrorContext> reported = new ArrayList<>();
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> reported.add(ctx));
            Future<Void> go = Asyncio.getRunningLoop().createFuture();
            Task<Void> parent = Asyncio.createTask(() -> {
                TaskGroup tg = TaskGroup.open(); // never closed: a misuse the loop must still report
                tg.createTask(() -> {
                    go.await();
                    throw new IllegalStateException("late");
                });
            });
            parent.await();
            go.setResult(null);
            while (reported.isEmpty()) Asyncio.sleep(0);
            assertTrue(parent.done() && !parent.cancelled());
        });
        assertEquals(1, reported.size());
        assertEquals("late", reported.get(0).exception().getMessage());
        assertTrue(reported.get(0).message().contains("has errored out but its parent task"), reported.get(0).message());
    }

    @Test
    void closingAfterAChildDiedOfAVirtualMachineErrorThrowsThatErrorAndReportsTheOtherFailures() {
        List<ErrorContext> reported = new ArrayList<>();
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> reported.add(ctx));
            TaskGroup tg = TaskGroup.open();
            tg.createTask(() -> {
                throw new IllegalStateException("ordinary");
            });
            tg.createTask(() -> {
                throw new StackOverflowError("deep");
            });
            Asyncio.sleep(Duration.ZERO); // both children fail; the block is left without join()
            StackOverflowError e = assertThrows(StackOverflowError.class, tg::close);
            assertEquals("deep", e.getMessage());
        });
        assertEquals(1, reported.size());
        assertEquals("ordinary", reported.get(0).exception().getMessage());
    }

    @Test
    void scopeFormJoinWaitsForTheChildren() {
        Asyncio.run(() -> {
            Task<Integer> a;
            Task<Integer> b;
            try (TaskGroup tg = TaskGroup.open()) {
                a = tg.createTask(after(10, 1));
                b = tg.createTask(after(1, 2));
                tg.join();
                assertTrue(a.done() && b.done());
            }
            assertEquals(1, a.result());
            assertEquals(2, b.result());
        });
    }

    @Test
    void scopeFormAFailingChildCancelsSiblingsButNotTheBodyAndJoinThrows() {
        List<String> events = new ArrayList<>();
        Asyncio.run(() -> {
            Task<Integer> sibling;
            try (TaskGroup tg = TaskGroup.open()) {
                tg.createTask(failAfter(1, new TaskGroupTest.MyExc("child")));
                sibling = tg.createTask(after(10_000, 1));
                // The body is not cancelled (close() could not undo that): it can still wait.
                Asyncio.wait(List.of(sibling));
                events.add("body still running, sibling cancelled=" + sibling.cancelled());
                ExceptionGroup eg = assertThrows(ExceptionGroup.class, tg::join);
                assertEquals(List.of(TaskGroupTest.MyExc.class), types(eg));
            }
            assertTrue(sibling.cancelled());
            assertEquals(0, Asyncio.currentTask().cancelling());
        });
        assertEquals(List.of("body still running, sibling cancelled=true"), events);
    }

    @Test
    void scopeFormLeavingEarlyCancelsTheChildrenAndAttachesTheirFailures() {
        Asyncio.run(() -> {
            Task<?>[] t = new Task<?>[2];
            TaskGroupTest.MyExc e = assertThrows(TaskGroupTest.MyExc.class, () -> {
                try (TaskGroup tg = TaskGroup.open()) {
                    t[0] = tg.createTask(after(10_000, 1));
                    t[1] = tg.createTask(() -> {
                        try {
                            Asyncio.sleep(LONG);
                        } finally {
                            throw new IllegalStateException("failed while cancelled");
                        }
                    });
                    Asyncio.sleep(0);
                    throw new TaskGroupTest.MyExc("body");
                }
            });
            assertTrue(t[0].cancelled());
            assertEquals(1, e.getSuppressed().length);
            ExceptionGroup eg = (ExceptionGroup) e.getSuppressed()[0];
            assertEquals(List.of(IllegalStateException.class), types(eg));
        });
    }

    @Test
    void scopeFormCancellingTheParentCancelsTheChildren() {
        Asyncio.run(() -> {
            Task<?>[] child = new Task<?>[1];
            Task<Void> runner = Asyncio.createTask(() -> {
                try (TaskGroup tg = TaskGroup.open()) {
                    child[0] = tg.createTask(after(10_000, 1));
                    Asyncio.sleep(LONG);
                    tg.join();
                }
            });
            Asyncio.sleep(Duration.ofMillis(5));
            runner.cancel();
            assertThrows(CancelledError.class, runner::await);
            assertTrue(runner.cancelled());
            assertTrue(child[0].cancelled());
        });
    }

    @Test
    void scopeFormCancellingTheParentDuringJoinCancelsTheChildren() {
        Asyncio.run(() -> {
            Task<?>[] child = new Task<?>[1];
            Task<Void> runner = Asyncio.createTask(() -> {
                try (TaskGroup tg = TaskGroup.open()) {
                    child[0] = tg.createTask(after(10_000, 1));
                    tg.join();
                }
            });
            Asyncio.sleep(Duration.ofMillis(5));
            runner.cancel("stop");
            assertEquals("stop", assertThrows(CancelledError.class, runner::await).getMessage());
            assertTrue(child[0].cancelled());
        });
    }

    @Test
    void scopeFormJoinBelongsToTheParentAndRunsOnce() {
        Asyncio.run(() -> {
            try (TaskGroup tg = TaskGroup.open()) {
                Task<Void> other = Asyncio.createTask(() -> {
                    IllegalStateException e = assertThrows(IllegalStateException.class, tg::join);
                    assertTrue(e.getMessage().contains("the task that opened the group"), e.getMessage());
                });
                other.await();
                tg.join();
                assertThrows(IllegalStateException.class, tg::join);
                assertThrows(IllegalStateException.class, () -> tg.createTask(() -> 1));
            }
        });
    }
}
