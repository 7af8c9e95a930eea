package io.jasyncio.examples.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.Asyncio;
import io.jasyncio.ExceptionGroup;
import io.jasyncio.Outcome;
import io.jasyncio.TimeoutError;
import io.jasyncio.examples.RunningServer;
import io.jasyncio.examples.http.HttpResponse;
import io.jasyncio.examples.http.HttpServer;
import io.jasyncio.sync.Event;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The downloader against a local jasyncio HTTP server that counts the requests in flight. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DownloaderTest {
    private static final int LIMIT = 3;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private RunningServer server;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        server = new RunningServer(() -> {
            // /gate: holds each request until LIMIT are in flight at once, so reaching the limit is
            // shown by events, not by timing; /hang: never answers; others: "page <path>".
            Event full = new Event();
            return HttpServer.start("127.0.0.1", 0, req -> {
                int now = inFlight.incrementAndGet();
                maxInFlight.accumulateAndGet(now, Math::max);
                try {
                    switch (req.target()) {
                        case "/hang" -> Asyncio.sleep(Duration.ofHours(1));
                        case String t when t.startsWith("/gate") -> {
                            if (now == LIMIT) full.set();
                            Asyncio.waitFor(Asyncio.createTask(() -> {
                                full.await();
                                return null;
                            }), Duration.ofSeconds(60));
                        }
                        default -> { }
                    }
                    return HttpResponse.text(200, "page " + req.target());
                } finally {
                    inFlight.decrementAndGet();
                }
            });
        });
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        client.close();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port + path);
    }

    @Test
    void neverMoreThanTheLimitInFlightAndEveryPageArrives() {
        List<URI> uris = new ArrayList<>();
        for (int i = 0; i < 10; i++) uris.add(uri("/gate/" + i));
        List<Outcome<Downloader.Download>> outcomes = Asyncio.run(() -> new Downloader(client, LIMIT, Duration.ofSeconds(60)).fetchEach(uris));
        for (int i = 0; i < 10; i++) {
            var dl = ((Outcome.Success<Downloader.Download>) outcomes.get(i)).value();
            assertThat(dl.status()).isEqualTo(200);
            assertThat(new String(dl.body())).isEqualTo("page /gate/" + i);
        }
        assertThat(maxInFlight.get()).isEqualTo(LIMIT);
    }

    @Test
    void aSlowUrlTimesOutAloneWithFetchEach() {
        List<URI> uris = List.of(uri("/a"), uri("/hang"), uri("/b"));
        List<Outcome<Downloader.Download>> outcomes = Asyncio.run(() -> new Downloader(client, LIMIT, Duration.ofMillis(300)).fetchEach(uris));
        assertThat(outcomes.get(0).succeeded()).isTrue();
        assertThat(((Outcome.Failure<Downloader.Download>) outcomes.get(1)).exception()).isInstanceOf(TimeoutError.class);
        assertThat(outcomes.get(2).succeeded()).isTrue();
    }

    @Test
    void fetchAllFailsAsAGroupAndCancelsTheRest() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        // The refused connection fails at once; the group then cancels /hang, which would
        // otherwise run into its 60 s timeout.
        List<URI> uris = List.of(uri("/hang"), URI.create("http://127.0.0.1:" + closedPort + "/"));
        long start = System.nanoTime();
        assertThatThrownBy(() -> Asyncio.run(() -> new Downloader(client, LIMIT, Duration.ofSeconds(60)).fetchAll(uris)))
                .isInstanceOf(ExceptionGroup.class)
                .satisfies(e -> assertThat(((ExceptionGroup) e).exceptions()).singleElement().isInstanceOf(ConnectException.class));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(50));
    }

    @Test
    void aTimeoutFailsFetchAll() {
        assertThatThrownBy(() -> Asyncio.run(() -> new Downloader(client, LIMIT, Duration.ofMillis(300)).fetchAll(List.of(uri("/a"), uri("/hang")))))
                .isInstanceOf(ExceptionGroup.class)
                .satisfies(e -> assertThat(((ExceptionGroup) e).exceptions()).singleElement().isInstanceOf(TimeoutError.class));
    }

    @Test
    void refusedConnectionIsAnUnwrappedConnectException() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        List<Outcome<Downloader.Download>> outcomes = Asyncio.run(() ->
                new Downloader(client, LIMIT, Duration.ofSeconds(30)).fetchEach(List.of(URI.create("http://127.0.0.1:" + closedPort + "/"))));
        assertThat(((Outcome.Failure<Downloader.Download>) outcomes.getFirst()).exception()).isInstanceOf(ConnectException.class);
    }

    @Test
    void badArgumentsAreRefusedAtOnce() {
        assertThatThrownBy(() -> new Downloader(client, 0, Duration.ofSeconds(1))).hasMessageContaining("maxConcurrent must be at least 1");
        assertThatThrownBy(() -> new Downloader(client, 1, Duration.ZERO)).hasMessageContaining("perRequestTimeout must be positive");
    }
}
