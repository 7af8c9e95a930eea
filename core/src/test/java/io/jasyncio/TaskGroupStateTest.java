package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

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
}
