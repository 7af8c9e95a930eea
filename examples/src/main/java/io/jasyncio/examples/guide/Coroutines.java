package io.jasyncio.examples.guide;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import java.time.Duration;
import java.util.List;

/**
 * The guide's first page, compiled: coroutines as lambdas, awaiting, tasks and gather. The
 * snippets between the {@code tag::}/{@code end::} markers appear verbatim in
 * {@code docs/guide/01-coroutines.md}; {@code GuideSnippetsTest} checks that they still match.
 *
 * <pre>{@code
 * List<String> pages = Asyncio.run(Coroutines::fetchBoth);
 * }</pre>
 */
public final class Coroutines {
    private Coroutines() {
    }

    // tag::async-function[]
    // asyncio:  async def fetch(name):
    //               await asyncio.sleep(0.1)
    //               return f"page {name}"
    static String fetch(String name) {
        Asyncio.sleep(Duration.ofMillis(100));   // suspends this task only
        return "page " + name;
    }
    // end::async-function[]

    /** Runs two fetches concurrently and returns both pages. Suspending. */
    public static List<String> fetchBoth() {
        // tag::tasks[]
        Task<String> a = Asyncio.createTask(() -> fetch("a"));   // asyncio.create_task(fetch("a"))
        Task<String> b = Asyncio.createTask(() -> fetch("b"));
        String pageA = a.await();                               // await a
        String pageB = b.await();
        // end::tasks[]
        // tag::gather[]
        List<String> pages = Asyncio.gather(() -> fetch("c"), () -> fetch("d")).await();
        // end::gather[]
        return List.of(pageA, pageB, pages.get(0), pages.get(1));
    }

    public static void main(String[] args) {
        // tag::run[]
        List<String> pages = Asyncio.run(Coroutines::fetchBoth);   // asyncio.run(main())
        System.out.println(pages);
        // end::run[]
    }
}
