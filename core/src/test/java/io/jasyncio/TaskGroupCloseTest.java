package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The try-with-resources form of a TaskGroup: who may close it, and a cancellation during close. */
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
}
