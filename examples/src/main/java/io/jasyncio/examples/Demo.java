package io.jasyncio.examples;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.ContextVar;
import io.jasyncio.Task;
import io.jasyncio.examples.echo.EchoClient;
import io.jasyncio.examples.http.HttpServer;
import io.jasyncio.net.Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A tour of jasyncio in a few seconds: the seed example first, then tasks, cancellation, the echo
 * server answering its client, the HTTP example answering the JDK's HttpClient, blocking JDK calls
 * that do not block the loop, and context variables.
 *
 * <pre>
 * ./mvnw -q -Pdemo verify -DskipTests
 * </pre>
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

        // 4. A TCP echo server and its client, on one loop: the client's task and the server's
        //    connection task take turns on the same thread.
        Asyncio.run(() -> {
            Server server = EchoServer.start("127.0.0.1", 0);
            List<String> echoed = EchoClient.echo("127.0.0.1", server.port(), List.of("hello", "echo"));
            System.out.println("echo server answered " + echoed);
            server.close();
        });

        // 5. The HTTP example answers a request from the JDK's HttpClient. client.send() blocks,
        //    which inside a task parks only that task: the server keeps running on the same loop.
        Asyncio.run(() -> {
            Server server = HttpServer.start("127.0.0.1", 0, HttpServer.HELLO);
            try (HttpClient client = HttpClient.newHttpClient()) {
                HttpResponse<String> resp = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/")).build(),
                        HttpResponse.BodyHandlers.ofString());
                System.out.print("HTTP " + resp.statusCode() + " from the HTTP example: " + resp.body());
            }
            server.close();
        });

        // 6. Blocking JDK calls park only their task: three Thread.sleep(200) finish together.
        start = System.nanoTime();
        Asyncio.run(() -> {
            List<Task<Void>> sleepers = new ArrayList<>();
            for (int i = 0; i < 3; i++) sleepers.add(Asyncio.createTask(() -> Thread.sleep(200)));
            for (Task<Void> t : sleepers) t.await();
        });
        System.out.printf("three tasks in Thread.sleep(200) took %d ms together%n", ms(start));

        // 7. Context variables: a child task gets a copy; its changes stay its own.
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
