package io.jasyncio.examples.guide;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.VirtualClock;
import io.jasyncio.test.AsyncTest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The guide's code does what the guide says it does. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GuideExamplesTest {

    @AsyncTest(virtualTime = true)
    void coroutinesFetchConcurrently(VirtualClock clock) {
        assertThat(Coroutines.fetchBoth()).containsExactly("page a", "page b", "page c", "page d");
        // In turn it would take 400 ms; a and b overlap, then c and d: exactly 200 ms of loop time.
        assertThat(clock.elapsed()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void cancellationReachesTheWorkerWithItsMessage() {
        assertThat(Asyncio.run(Cancellation::cancelAWorker)).isEqualTo("cancelled: shutting down");
        assertThat(Asyncio.run(Cancellation::catchExceptionDoesNotSwallowCancellation)).isTrue();
    }

    @AsyncTest(virtualTime = true)
    void timeoutsFireAndCancelTheSlowTask() throws Exception {
        assertThat(Cancellation.timeouts()).isEqualTo("timed out; slow.cancelled() = true");
    }

    @Test
    void checkedExceptionsArriveWrappedFromAnotherTask() {
        assertThat(Asyncio.run(Cancellation::checkedExceptions)).isEqualTo("failed: config not found");
    }

    @Test
    void blockingSleepsOverlap() {
        assertThat(Asyncio.run(Blocking::threeSleepsTogether)).isLessThan(600); // in turn: at least 600
        assertThat(Asyncio.run(Blocking::computeOffTheLoop)).isEqualTo(832040L);
    }

    @Test
    void taskGroupsWaitAndFailTogether() {
        assertThat(Asyncio.run(Structured::group)).isEqualTo("page a, page b");
        assertThat(Asyncio.run(Structured::groupFailure)).isEqualTo("1 failure: boom");
    }

    @Test
    void streamsRoundTrip() {
        assertThat(Asyncio.run(StreamsGuide::upperCaseRoundTrip)).isEqualTo("HELLO");
    }

    @Test
    void virtualTimeJumpsADay() {
        assertThat(Debugging.aDayInVirtualTime()).isGreaterThanOrEqualTo(86_400.0);
    }

    @Test
    void taskDumpNamesTheWaitingTask() {
        assertThat(Asyncio.run(Debugging::dumpWhileWaiting)).contains("waiter");
    }

    @Test
    void debugModeLogsTheSlowStep() {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("io.jasyncio");
        java.util.List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                messages.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(h);
        try {
            Debugging.debugMode();
        } finally {
            log.removeHandler(h);
        }
        assertThat(messages).anyMatch(m -> m.startsWith("Executing ") && m.contains(" took "));
    }

    // tag::junit[]
    @AsyncTest(virtualTime = true)             // runs as a task on a fresh loop with a virtual clock
    void retriesBackOffForAMinute(EventLoop loop, VirtualClock clock) {
        for (int attempt = 0; attempt < 6; attempt++) {
            Asyncio.sleep(Duration.ofSeconds(1L << attempt));   // 1 + 2 + 4 + ... + 32 s: instant
        }
        assertThat(clock.elapsed()).isEqualTo(Duration.ofSeconds(63));
    }
    // end::junit[]
}
