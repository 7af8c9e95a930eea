package io.jasyncio.examples.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.Asyncio;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Blocking H2 queries in tasks: the loop keeps running other tasks meanwhile. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BlockingJdbcTest {

    @Test
    void tickerKeepsTickingWhileQueriesBlockTheirTasks() {
        BlockingJdbc.Report r = Asyncio.run(() -> BlockingJdbc.runQueries("jdbc:h2:mem:ticks;DB_CLOSE_DELAY=-1", 3, Duration.ofMillis(500)));
        assertThat(r.counts()).containsExactly(100L, 90L, 80L);
        // Had a query blocked the loop thread, the ticker could not have run at all until it ended;
        // a few ticks is proof enough, whatever the machine's load.
        assertThat(r.ticksDuringQueries()).isGreaterThanOrEqualTo(3);
        // The three 500 ms waits overlap: together far less than the 1500 ms they would take in turn
        // (a wide margin, as the machine may be loaded).
        assertThat(r.elapsed()).isLessThan(Duration.ofMillis(1400));
    }

    @Test
    void aDatabaseErrorReachesTheAwaitingTaskAsSqlException() {
        assertThatThrownBy(() -> Asyncio.run(() -> BlockingJdbc.countSlowly("jdbc:h2:mem:empty", 0, Duration.ZERO)))
                .hasCauseInstanceOf(SQLException.class)
                .cause().hasMessageContaining("SLEEP_MS");
    }
}
