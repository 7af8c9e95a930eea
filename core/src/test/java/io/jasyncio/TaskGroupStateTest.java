package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a TaskGroup says about its state, and the null arguments it refuses. */
@Timeout(30)
class TaskGroupStateTest {

    @Test
    void toStringNamesTheChildrenTheErrorsAndThePhase() {
        List<String> seen = new ArrayList<>();
        Asyncio.run(() -> {
            assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                seen.add(tg.toString());
                Task<Void> failing = tg.createTask(() -> {
                    throw new IllegalStateException("child");
                });
                seen.add(tg.toString());
                try {
                    Asyncio.getRunningLoop().createFuture().await(); // until the failing child cancels us
                } catch (CancelledError expected) {
                    seen.add(tg.toString());
                    throw expected;
                }
                fail("the body must be cancelled, not " + failing);
            }));
            Future<Void> release = Asyncio.getRunningLoop().createFuture();
            TaskGroup.run(tg -> {
                tg.createTask(() -> {
                    release.await();
                    seen.add(tg.toString()); // the body has returned: the group waits for us
                });
                Asyncio.getRunningLoop().callSoon(() -> release.setResult(null));
            });
        });
        assertEquals(List.of("TaskGroup[tasks=0 entered]", "TaskGroup[tasks=1 entered]",
                "TaskGroup[tasks=0 errors=1 cancelling]", "TaskGroup[tasks=1 exiting]"), seen);
    }

    @Test
    void nullBodiesAndCoroutinesAreRefusedByName() {
        Asyncio.run(() -> {
            assertEquals("body", assertThrows(NullPointerException.class, () -> TaskGroup.run(null)).getMessage());
            assertEquals("body", assertThrows(NullPointerException.class, () -> TaskGroup.call(null)).getMessage());
            TaskGroup.run(tg -> {
                assertEquals("coro", assertThrows(NullPointerException.class,
                        () -> tg.createTask((Coroutine<String>) null)).getMessage());
                assertEquals("body", assertThrows(NullPointerException.class, () -> tg.start(null)).getMessage());
                Task<String> child = tg.createTask(() -> "made");
                assertNotNull(child, "createTask returns the child");
                assertEquals("made", child.await());
            });
        });
    }

    @Test
    void createTaskFailsOnceTheGroupIsShuttingDownOrFinished() {
        List<String> refusals = new ArrayList<>();
        Asyncio.run(() -> {
            TaskGroup[] saved = new TaskGroup[1];
            TaskGroup.run(tg -> {
                saved[0] = tg;
                tg.createTask(() -> Asyncio.sleep(Duration.ofMillis(1)));
            });
            refusals.add(assertThrows(IllegalStateException.class, () -> saved[0].createTask(() -> 1)).getMessage());

            assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                tg.createTask(() -> {
                    Asyncio.sleep(Duration.ofMillis(1));
                    throw new IllegalArgumentException("child");
                });
                try {
                    Asyncio.sleep(Duration.ofSeconds(10));
                } finally {
                    // Recorded, not asserted here: an assertion error would only join the group.
                    try {
                        tg.createTask(() -> 1);
                        refusals.add("created");
                    } catch (IllegalStateException e) {
                        refusals.add(e.getMessage());
                    }
                }
            }));
        });
        assertEquals(2, refusals.size(), refusals.toString());
        assertTrue(refusals.get(0).endsWith("is finished"), refusals.get(0));
        assertTrue(refusals.get(1).endsWith("is shutting down"), refusals.get(1));
    }

    @Test
    void aNullCoroutineIsRefusedBeforeTheGroupsState() {
        Asyncio.run(() -> {
            TaskGroup[] saved = new TaskGroup[1];
            TaskGroup.run(tg -> saved[0] = tg);
            assertEquals("coro", assertThrows(NullPointerException.class,
                    () -> saved[0].createTask((Coroutine<String>) null, "n", null)).getMessage());
        });
    }

    @Test
    void everyCreateTaskOverloadReturnsTheNamedChild() {
        Asyncio.run(() -> TaskGroup.run(tg -> {
            Task<String> named = tg.createTask(() -> "v", "named");
            Task<Void> runnable = tg.createTask(() -> {}, "runnable");
            assertEquals("named", named.getName());
            assertEquals("runnable", runnable.getName());
            assertEquals("v", named.await());
        }));
    }
}
