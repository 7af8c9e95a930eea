package io.jasyncio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The overloads people reach for (issue 14, item 2): they compile and behave as their long forms. */
@Timeout(30)
class ApiOverloadsTest {

    @Test
    void gatherWithNoArgumentsCompilesAndIsADoneEmptyList() {
        Asyncio.run(() -> {
            Future<List<String>> g = Asyncio.gather();
            assertTrue(g.done());
            assertEquals(List.of(), g.result());
            Future<List<Outcome<String>>> r = Asyncio.gatherReturnExceptions();
            assertTrue(r.done());
            assertEquals(List.of(), r.result());
        });
        assertTrue(assertThrows(IllegalStateException.class, Asyncio::gather).getMessage().contains("no running event loop"));
    }

    @Test
    void gatherOfACollectionOfCoroutinesRunsEachAsATaskInIterationOrder() {
        List<String> started = new ArrayList<>();
        List<Integer> results = Asyncio.run(() -> {
            Set<Coroutine<Integer>> coros = new LinkedHashSet<>();
            for (int i = 3; i >= 1; i--) {
                int n = i;
                coros.add(() -> {
                    started.add("c" + n + " in " + Asyncio.currentTask().getName());
                    Asyncio.sleep(Duration.ofMillis(n));
                    return n * 10;
                });
            }
            return Asyncio.gather(coros).await();
        });
        assertEquals(List.of(30, 20, 10), results);
        assertEquals(3, started.size());
        assertTrue(started.get(0).startsWith("c3") && started.get(2).startsWith("c1"), started.toString());
    }

    @Test
    void gatherReturnExceptionsOfACollectionCollectsEveryOutcome() {
        IOException boom = new IOException("boom");
        List<Outcome<Integer>> outcomes = Asyncio.run(() -> {
            List<Coroutine<Integer>> coros = List.of(() -> 1, () -> {
                throw boom;
            });
            return Asyncio.gatherReturnExceptions(coros).await();
        });
        assertEquals(new Outcome.Success<>(1), outcomes.get(0));
        assertSame(boom, assertInstanceOf(Outcome.Failure.class, outcomes.get(1)).exception());
    }

    @Test
    void gatherOfACollectionRejectsNullsWithTheSameMessages() {
        Asyncio.run(() -> {
            assertEquals("coros", assertThrows(NullPointerException.class,
                    () -> Asyncio.gather((java.util.Collection<Coroutine<Integer>>) null)).getMessage());
            assertEquals("coros", assertThrows(NullPointerException.class,
                    () -> Asyncio.gatherReturnExceptions((java.util.Collection<Coroutine<Integer>>) null)).getMessage());
            List<Coroutine<Integer>> withNull = Arrays.asList(() -> 1, null);
            assertEquals("gather() argument 1 is null", assertThrows(NullPointerException.class,
                    () -> Asyncio.gather(withNull)).getMessage());
        });
    }

    @Test
    void waitWithReturnWhenAndNoTimeoutReturnsAtTheFirstCompletion() {
        Asyncio.run(() -> {
            Task<String> fast = Asyncio.createTask(() -> "fast");
            Task<String> slow = Asyncio.createTask(() -> Asyncio.sleep(Duration.ofSeconds(20), "slow"));
            WaitResult<Task<String>> r = Asyncio.wait(List.of(fast, slow), ReturnWhen.FIRST_COMPLETED);
            assertEquals(Set.of(fast), r.done());
            assertEquals(Set.of(slow), r.pending());
            slow.cancel();
            assertEquals("returnWhen", assertThrows(NullPointerException.class,
                    () -> Asyncio.wait(List.of(fast), (ReturnWhen) null)).getMessage());
            assertEquals("Set of Tasks/Futures is empty.", assertThrows(IllegalArgumentException.class,
                    () -> Asyncio.wait(List.<Task<String>>of(), ReturnWhen.ALL_COMPLETED)).getMessage());
        });
    }

    @Test
    void loopCreateTaskTakesABodyWithoutAResult() {
        AtomicReference<String> ran = new AtomicReference<>();
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Task<Void> t = loop.createTask(() -> ran.set(Asyncio.currentTask().getName()));
            Task<Void> named = loop.createTask(() -> Asyncio.sleep(0), "named");
            assertEquals("named", named.getName());
            assertEquals(null, t.await());
            named.await();
            assertNotSame(t, named);
            assertEquals("body", assertThrows(NullPointerException.class, () -> loop.createTask((AsyncRunnable) null)).getMessage());
            assertEquals("body", assertThrows(NullPointerException.class, () -> loop.createTask((AsyncRunnable) null, "x")).getMessage());
        });
        assertTrue(ran.get().startsWith("Task-"), ran.get());
    }
}
