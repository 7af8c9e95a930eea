package io.jasyncio.examples;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.ContextVar;
import io.jasyncio.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A tour of jasyncio: the seed example first, then tasks, cancellation, blocking JDK calls that
 * do not block the loop, and context variables. Run it with {@code ./mvnw -q -Pdemo verify -DskipTests}.
 */
public final class Demo {
    private static final ContextVar<String> REQUEST = new ContextVar<>("request", "-");

    private Demo() {}

    public static void main(String[] args) {
        // 1. The seed example.
        Asyncio.run(() -> {
            System.out.println("Hello ...");
            Asyncio.sleep(Duration.ofSeconds(1));
            System.out.println("... World!");
        });

        // 2. Tasks run concurrently on one thread; their sleeps overlap.
        long start = System.nanoTime();
        List<String> results = Asyncio.run(() -> {
            List<Task<String>> tasks = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                int n = i;
                tasks.add(Asyncio.createTask(() -> {
                    Asyncio.sleep(Duration.ofMillis(100L * n));
                    return "task " + n + " done";
                }));
            }
            List<String> out = new ArrayList<>();
            for (Task<String> t : tasks) out.add(t.await());
            return out;
        });
        System.out.printf("%s in %d ms (sleeps of 100+200+300 ms, overlapped)%n", results, ms(start));

        // 3. Cancellation arrives as CancelledError at the task's next suspension point.
        Asyncio.run(() -> {
            Task<Void> slow = Asyncio.createTask(() -> {
                try {
                    Asyncio.sleep(Duration.ofHours(1));
                } catch (CancelledError e) {
                    System.out.println("slow task cancelled: " + e.getMessage());
                    throw e;
                }
            });
            Asyncio.sleep(Duration.ofMillis(10));
            slow.cancel("no time to wait");
            try {
                slow.await();
            } catch (CancelledError expected) {
                System.out.println("slow.cancelled() = " + slow.cancelled());
            }
        });

        // 4. Blocking JDK calls park only their task: three Thread.sleep(200) finish together.
        start = System.nanoTime();
        Asyncio.run(() -> {
            List<Task<Void>> sleepers = new ArrayList<>();
            for (int i = 0; i < 3; i++) sleepers.add(Asyncio.createTask(() -> Thread.sleep(200)));
            for (Task<Void> t : sleepers) t.await();
        });
        System.out.printf("three tasks in Thread.sleep(200) took %d ms together%n", ms(start));

        // 5. Context variables: a child task gets a copy; its changes stay its own.
        Asyncio.run(() -> {
            REQUEST.set("r-1");
            Asyncio.createTask(() -> {
                System.out.println("child sees request " + REQUEST.get());
                REQUEST.set("r-2");
            }).await();
            System.out.println("parent still has request " + REQUEST.get());
        });
    }

    private static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
