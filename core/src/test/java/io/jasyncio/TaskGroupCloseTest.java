package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

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
}
