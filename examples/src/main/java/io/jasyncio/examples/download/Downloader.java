package io.jasyncio.examples.download;

import io.jasyncio.Asyncio;
import io.jasyncio.Outcome;
import io.jasyncio.Task;
import io.jasyncio.TaskGroup;
import io.jasyncio.TimeoutError;
import io.jasyncio.sync.Semaphore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * A concurrent downloader: many GETs at once with the JDK's {@link HttpClient}, at most
 * {@code maxConcurrent} in flight (a {@link Semaphore}), each bounded by its own timeout. Two ways
 * to run a batch: {@link #fetchEach} (asyncio's {@code gather(..., return_exceptions=True)}: every
 * URL gets an outcome) and {@link #fetchAll} (a {@link TaskGroup}: the first failure cancels the
 * rest).
 *
 * <pre>
 * ./mvnw -q -Prun verify -DskipTests -Dexample=download.Downloader "-Dargs=http://127.0.0.1:8080/ http://127.0.0.1:8080/x"
 * </pre>
 *
 * <pre>{@code
 * Downloader d = new Downloader(HttpClient.newHttpClient(), 4, Duration.ofSeconds(5));
 * for (Outcome<Downloader.Download> o : d.fetchEach(urls)) System.out.println(o);
 * }</pre>
 *
 * <p>The client's {@code sendAsync} runs the exchange on the client's own threads; the task
 * awaits the returned future through {@link Asyncio#wrapFuture}, so a timeout or a cancellation
 * cancels the exchange. Use it from tasks of one loop: the semaphore belongs to that loop.
 */
public final class Downloader {
    /** One finished GET: the URL, the status code and the body. */
    public record Download(URI uri, int status, byte[] body) {
        @Override
        public String toString() {
            return "Download[" + uri + " " + status + ", " + body.length + " bytes]";
        }
    }

    private final HttpClient client;
    private final Semaphore slots;
    private final Duration perRequestTimeout;

    /**
     * @throws IllegalArgumentException if {@code maxConcurrent < 1} or the timeout is not positive
     */
    public Downloader(HttpClient client, int maxConcurrent, Duration perRequestTimeout) {
        if (maxConcurrent < 1) throw new IllegalArgumentException("maxConcurrent must be at least 1, not " + maxConcurrent);
        if (perRequestTimeout.isNegative() || perRequestTimeout.isZero()) {
            throw new IllegalArgumentException("perRequestTimeout must be positive, not " + perRequestTimeout);
        }
        this.client = client;
        this.slots = new Semaphore(maxConcurrent);
        this.perRequestTimeout = perRequestTimeout;
    }

    /**
     * One GET: waits for a free slot, then for the response (at most the per-request timeout,
     * counted from when the slot was won). Suspending; cancellable while waiting for either.
     *
     * @throws TimeoutError if the response did not come within the timeout (the exchange is cancelled)
     * @throws IOException  if the request failed (connection refused, reset, ...), unwrapped
     */
    public Download fetch(URI uri) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).GET().build();
        try (var _ = slots.hold()) {   // asyncio: async with semaphore:
            HttpResponse<byte[]> resp = Asyncio.waitFor(
                    Asyncio.wrapFuture(client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())),
                    perRequestTimeout);
            return new Download(uri, resp.statusCode(), resp.body());
        } catch (CompletionException e) {
            // Another thread's failure comes wrapped; give the caller the IOException itself.
            if (e.getCause() instanceof IOException io) throw io;
            throw e;
        }
    }

    /**
     * Fetches every URL concurrently and returns one outcome per URL, in order: a failure (a
     * timeout, a refused connection) does not stop the others. Suspending.
     */
    public List<Outcome<Download>> fetchEach(List<URI> uris) {
        List<Task<Download>> tasks = new ArrayList<>();
        for (URI u : uris) tasks.add(Asyncio.createTask(() -> fetch(u), "GET " + u));
        return Asyncio.gatherReturnExceptions(tasks).await();
    }

    /**
     * Fetches every URL concurrently, all or nothing: the first failure cancels the other
     * downloads and is thrown (with any other failures) as an {@link io.jasyncio.ExceptionGroup}.
     * Suspending.
     */
    public List<Download> fetchAll(List<URI> uris) {
        List<Task<Download>> tasks = new ArrayList<>();
        TaskGroup.run(tg -> {
            for (URI u : uris) tasks.add(tg.createTask(() -> fetch(u), "GET " + u));
        });
        List<Download> out = new ArrayList<>();
        for (Task<Download> t : tasks) out.add(t.result()); // all done: the group waited for them
        return out;
    }

    public static void main(String[] args) {
        List<URI> uris = new ArrayList<>();
        for (String a : args) uris.add(URI.create(a));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Asyncio.run(() -> {
            Downloader d = new Downloader(client, 4, Duration.ofSeconds(10));
            List<Outcome<Download>> outcomes = d.fetchEach(uris);
            for (int i = 0; i < uris.size(); i++) {
                switch (outcomes.get(i)) {
                    case Outcome.Success<Download>(Download dl) -> System.out.println(dl);
                    case Outcome.Failure<Download>(Throwable e) -> System.out.println(uris.get(i) + " failed: " + e);
                }
            }
        });
    }
}
