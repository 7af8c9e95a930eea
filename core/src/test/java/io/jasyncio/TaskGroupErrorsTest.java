package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which failures of a TaskGroup's children the group throws, and which it sends to the loop's handler. */
@Timeout(30)
class TaskGroupErrorsTest {

    private static Coroutine<Void> failAfter(int millis, Throwable e) {
        return () -> {
            Asyncio.sleep(Duration.ofMillis(millis));
            if (e instanceof Error error) throw error;
            throw (RuntimeException) e;
        };
    }

    @Test
    void theFirstVirtualMachineErrorOfAChildIsThrownAsItIsAndTheLaterFailuresAreReported() {
        List<ErrorContext> reported = new ArrayList<>();
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> reported.add(ctx));
            OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> TaskGroup.run(tg -> {
                tg.createTask(failAfter(1, new OutOfMemoryError("first")));
                // Cancelled by the group, they fail in their cleanup: failures after the first.
                tg.createTask(() -> {
                    try {
                        Asyncio.sleep(Duration.ofSeconds(10));
                    } finally {
                        throw new StackOverflowError("second");
                    }
                });
                tg.createTask(() -> {
                    try {
                        Asyncio.sleep(Duration.ofSeconds(10));
                    } finally {
                        throw new IllegalStateException("third");
                    }
                });
            }), "not an ExceptionGroup: a VirtualMachineError leaves alone");
            assertEquals("first", e.getMessage());
        }, RunOptions.defaults().virtualTime(true));
        assertEquals(List.of("second", "third"), reported.stream().map(c -> c.exception().getMessage()).toList());
    }

    @Test
    void aCancelledChildIsNeitherAFailureNorReported() {
        List<ErrorContext> reported = new ArrayList<>();
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> reported.add(ctx));
            TaskGroup.run(tg -> {
                Task<Void> sleeper = tg.createTask(() -> Asyncio.sleep(Duration.ofSeconds(10)));
                Asyncio.sleep(Duration.ZERO);
                sleeper.cancel();
            });
        }, RunOptions.defaults().virtualTime(true));
        assertEquals(List.of(), reported);
    }

    @Test
    void aChildsVirtualMachineErrorThatCameFirstWinsOverTheBodysOwn() {
        Asyncio.run(() -> {
            OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> TaskGroup.run(tg -> {
                tg.createTask(failAfter(1, new OutOfMemoryError("child, first")));
                try {
                    Asyncio.sleep(Duration.ofSeconds(10)); // cancelled by the group
                } finally {
                    throw new OutOfMemoryError("body, second");
                }
            }));
            assertEquals("child, first", e.getMessage());
        }, RunOptions.defaults().virtualTime(true));
    }
}
