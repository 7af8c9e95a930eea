package io.jasyncio.examples.guide;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The guide's page on blocking calls, compiled; snippets in {@code docs/guide/03-blocking.md}.
 *
 * <pre>{@code
 * long ms = Asyncio.run(Blocking::threeSleepsTogether);   // about 200, not 600
 * }</pre>
 */
public final class Blocking {
    private Blocking() {
    }

    /** Three tasks in Thread.sleep(200) at once; returns the elapsed milliseconds. Suspending. */
    public static long threeSleepsTogether() {
        // tag::parks[]
        long start = System.nanoTime();
        List<Task<Void>> sleepers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sleepers.add(Asyncio.createTask(() -> Thread.sleep(200)));   // a blocking JDK call: parks the task
        }
        for (Task<Void> t : sleepers) t.await();
        long ms = (System.nanoTime() - start) / 1_000_000;              // about 200, not 600
        // end::parks[]
        return ms;
    }

    static long fib(int n) {
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }

    /** CPU-bound work moved off the loop. Suspending. */
    public static long computeOffTheLoop() {
        // tag::to-thread[]
        // CPU-bound work never parks: it would hold the loop thread. Give it a thread of its own.
        long result = Asyncio.toThread(() -> fib(30));   // asyncio.to_thread(fib, 30)
        // end::to-thread[]
        return result;
    }
}
