package io.jasyncio.examples.guide;

import io.jasyncio.Asyncio;
import io.jasyncio.ExceptionGroup;
import io.jasyncio.Task;
import io.jasyncio.TaskGroup;
import java.time.Duration;
import java.util.List;

/**
 * The guide's page on structured concurrency, compiled; snippets in
 * {@code docs/guide/04-structured.md}.
 *
 * <pre>{@code
 * String r = Asyncio.run(Structured::groupFailure);
 * }</pre>
 */
public final class Structured {
    private Structured() {
    }

    /** Two children in a group; returns their results joined. Suspending. */
    public static String group() {
        // tag::task-group[]
        // asyncio:  async with asyncio.TaskGroup() as tg:
        //               a = tg.create_task(fetch("a")); b = tg.create_task(fetch("b"))
        List<Task<String>> tasks = TaskGroup.call(tg -> List.of(
                tg.createTask(() -> Coroutines.fetch("a")),
                tg.createTask(() -> Coroutines.fetch("b"))));   // returns once both are done
        String both = tasks.get(0).result() + ", " + tasks.get(1).result();
        // end::task-group[]
        return both;
    }

    /** A failing child cancels its sibling; the group throws both outcomes as one error. Suspending. */
    public static String groupFailure() {
        // tag::group-failure[]
        try {
            TaskGroup.run(tg -> {
                tg.createTask(() -> Asyncio.sleep(Duration.ofHours(1)));      // cancelled by the failure below
                tg.createTask(() -> {
                    Asyncio.sleep(Duration.ofMillis(10));
                    throw new IllegalStateException("boom");
                });
            });
            return "no failure";
        } catch (ExceptionGroup eg) {                                          // asyncio: except* ValueError
            return eg.exceptions().size() + " failure: " + eg.exceptions().getFirst().getMessage();
        }
        // end::group-failure[]
    }
}
