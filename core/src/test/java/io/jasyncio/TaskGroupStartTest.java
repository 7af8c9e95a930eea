package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TaskGroup.start: Trio's nursery.start() handshake. */
@Timeout(30)
class TaskGroupStartTest {

    private static void run(AsyncRunnable body) {
        Asyncio.run(body, RunOptions.defaults().virtualTime(true));
    }

    @Test
    void startReturnsTheReadyValueWhileTheChildRunsOnInTheGroup() {
        run(() -> {
            List<String> log = new ArrayList<>();
            TaskGroup.run(tg -> {
                int port = tg.start(status -> {
                    Asyncio.sleep(Duration.ofMillis(10)); // binding
                    status.started(8080);
                    log.add("serving");
                    Asyncio.sleep(Duration.ofMillis(10));
                    log.add("served");
                });
                log.add("start returned " + port);
            });
            // The child goes on until it suspends; then the caller resumes with the value.
            assertEquals(List.of("serving", "start returned 8080", "served"), log);
        });
    }

    @Test
    void aChildFailingBeforeReadyFailsStartAndNotTheGroup() {
        run(() -> {
            List<String> log = new ArrayList<>();
            TaskGroup.run(tg -> {
                tg.createTask(() -> {
                    Asyncio.sleep(Duration.ofMillis(20));
                    log.add("sibling finished");
                });
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> tg.start(status -> {
                    throw new IllegalStateException("bind failed");
                }));
                assertEquals("bind failed", e.getMessage());
                CompletionException checked = assertThrows(CompletionException.class, () -> tg.start(status -> {
                    throw new java.net.BindException("port in use");
                }));
                assertInstanceOf(java.net.BindException.class, checked.getCause());
            });
            assertEquals(List.of("sibling finished"), log, "the group went on unharmed");
        });
    }

    @Test
    void aChildReturningWithoutReportingReadyFailsStartPrecisely() {
        run(() -> TaskGroup.run(tg -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> tg.start(status -> {}));
            assertEquals("the child of TaskGroup.start() returned without calling status.started(value): "
                    + "call it once the child is ready", e.getMessage());
        }));
    }

    @Test
    void aFailureAfterReadyFailsTheGroup() {
        run(() -> {
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                tg.start(status -> {
                    status.started(null);
                    Asyncio.sleep(Duration.ofMillis(5));
                    throw new IllegalStateException("after ready");
                });
                Asyncio.sleep(Duration.ofHours(1)); // cancelled by the group
            }));
            assertEquals("after ready", eg.exceptions().get(0).getMessage());
        });
    }

    @Test
    void startedTwiceFailsAndCancellingTheCallerCancelsTheChild() {
        run(() -> {
            TaskGroup.run(tg -> {
                IllegalStateException[] second = new IllegalStateException[1];
                tg.start(status -> {
                    status.started("a");
                    second[0] = assertThrows(IllegalStateException.class, () -> status.started("b"));
                });
                Asyncio.sleep(Duration.ZERO);
                assertEquals("TaskStatus.started() was already called: call it once, when the child is ready", second[0].getMessage());
            });
            Task<?>[] child = new Task<?>[1];
            Task<Void> caller = Asyncio.createTask(() -> TaskGroup.run(tg -> tg.start(status -> {
                child[0] = Asyncio.currentTask();
                Asyncio.sleep(Duration.ofHours(1)); // never ready
            })));
            while (child[0] == null) Asyncio.sleep(Duration.ZERO);
            caller.cancel();
            assertThrows(CancelledError.class, caller::await);
            assertTrue(child[0].cancelled(), "the child that was not ready was cancelled with its caller");
        });
    }

    @Test
    void aCallerCancelledBeforeTheChildRunsCancelsTheChildAndItsLateStartedIsIgnored() {
        run(() -> {
            List<String> log = new ArrayList<>();
            Task<?>[] child = new Task<?>[1];
            TaskGroup.run(tg -> {
                // The caller of start() is a sibling, so the group itself is not cancelled.
                Task<String> caller = tg.createTask(() -> tg.start(status -> {
                    child[0] = Asyncio.currentTask();
                    status.started("too late"); // start() already gave up: nothing to hand over
                    log.add("started() returned");
                    Asyncio.sleep(Duration.ofHours(1));
                    log.add("child ran on");
                }));
                Asyncio.sleep(Duration.ZERO); // the caller is now in start(), the child queued
                caller.cancel();
                assertThrows(CancelledError.class, caller::await);
            });
            assertEquals(List.of("started() returned"), log);
            assertTrue(child[0].cancelled(), "the child, not ready when its caller gave up, was cancelled");
        });
    }

    /**
     * The child reported ready, then its caller was cancelled before it could resume: the child
     * is an ordinary member of the group by then and runs on (only a child not yet ready goes
     * down with its caller).
     */
    @Test
    void aCallerCancelledAfterTheChildReportedReadyLeavesTheChildRunningInTheGroup() {
        run(() -> {
            List<String> log = new ArrayList<>();
            TaskGroup.run(tg -> {
                Task<?>[] caller = new Task<?>[1];
                caller[0] = tg.createTask(() -> tg.start(status -> {
                    status.started(7);
                    caller[0].cancel("gave up"); // before the caller resumes with the 7
                    Asyncio.sleep(Duration.ofMillis(10));
                    log.add("child ran on");
                }));
                CancelledError e = assertThrows(CancelledError.class, caller[0]::await);
                assertEquals("gave up", e.getMessage());
            });
            assertEquals(List.of("child ran on"), log);
        });
    }

    @Test
    void aCallerAlreadyCancelledWhenItCallsStartCancelsTheChild() {
        run(() -> {
            Task<?>[] child = new Task<?>[1];
            TaskGroup.run(tg -> {
                Task<String> caller = tg.createTask(() -> {
                    Asyncio.currentTask().cancel(); // delivered at its next suspension: start()'s wait
                    return tg.start(status -> {
                        child[0] = Asyncio.currentTask();
                        Asyncio.sleep(Duration.ofHours(1));
                    });
                });
                assertThrows(CancelledError.class, caller::await);
            });
            assertTrue(child[0].cancelled(), "the child never became ready and was cancelled");
            assertTrue(Asyncio.getRunningLoop().time() < 3600, "nobody waited for the child's hour");
        });
    }

    @Test
    void aChildCancelledBeforeItIsReadyMakesStartThrowItsCancellation() {
        run(() -> TaskGroup.run(tg -> {
            Task<?>[] child = new Task<?>[1];
            Task<String> caller = tg.createTask(() -> tg.start(status -> {
                child[0] = Asyncio.currentTask();
                Asyncio.sleep(Duration.ofHours(1));
            }));
            while (child[0] == null) Asyncio.sleep(Duration.ZERO);
            child[0].cancel("not needed");
            // Bounded: without the hand-over, start() would wait for ever.
            CancelledError e = assertThrows(CancelledError.class, () -> Asyncio.waitFor(caller, Duration.ofMinutes(1)));
            assertEquals("not needed", e.getMessage());
            assertTrue(caller.cancelled());
        }));
    }
}
