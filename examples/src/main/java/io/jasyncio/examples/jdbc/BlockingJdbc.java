package io.jasyncio.examples.jdbc;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Blocking JDBC inside tasks, with an embedded H2 database: each query parks only its own task
 * (tasks are virtual threads), so the event loop goes on running other tasks, here a ticker. In
 * Python's asyncio the same call would freeze the loop; there you would need
 * {@code asyncio.to_thread}.
 *
 * <pre>
 * ./mvnw -q -Prun verify -DskipTests -Dexample=jdbc.BlockingJdbc
 * </pre>
 *
 * <pre>{@code
 * BlockingJdbc.Report r = Asyncio.run(() -> BlockingJdbc.runQueries("jdbc:h2:mem:demo", 3, Duration.ofMillis(300)));
 * System.out.println(r.ticksDuringQueries() + " ticks while the queries ran");
 * }</pre>
 *
 * <p>What parks and what blocks: a driver that waits in JDK calls (socket reads, {@code sleep},
 * {@code java.util.concurrent} locks, monitors) parks the task. A query that keeps the CPU busy
 * in the calling thread (a big in-memory sort in an embedded database) does block the loop for
 * that long, as any long computation in a task does, and so does file I/O, which the JDK performs
 * on the carrier thread (the loop thread): an embedded database that stores to files (H2's file
 * mode, SQLite) blocks the loop while it reads and writes them. Run such work with
 * {@link Asyncio#toThread}. This example keeps its database in memory.
 * Each task here uses its own {@link Connection}: JDBC connections are not meant for
 * concurrent use.
 */
public final class BlockingJdbc {
    private BlockingJdbc() {
    }

    /**
     * What happened: the rows each query counted, how often the ticker ticked while the queries
     * ran, and how long they took together.
     */
    public record Report(List<Long> counts, int ticksDuringQueries, Duration elapsed) {
    }

    /**
     * Fills a table, then runs {@code queries} concurrent queries that each wait {@code each}
     * inside the database, while a ticker task ticks every 10 ms. Suspending; call it from a task.
     *
     * @throws SQLException if the database fails
     */
    public static Report runQueries(String jdbcUrl, int queries, Duration each) throws SQLException {
        try (Connection setup = DriverManager.getConnection(jdbcUrl)) {
            try (Statement st = setup.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS item(id INT PRIMARY KEY, name VARCHAR(40))");
                st.execute("DELETE FROM item");
                // A Java method as an SQL function: Thread.sleep stands in for a slow query or a slow network.
                st.execute("CREATE ALIAS IF NOT EXISTS SLEEP_MS FOR 'java.lang.Thread.sleep(long)'");
            }
            try (PreparedStatement ins = setup.prepareStatement("INSERT INTO item VALUES (?, ?)")) {
                for (int i = 0; i < 100; i++) {
                    ins.setInt(1, i);
                    ins.setString(2, "item " + i);
                    ins.addBatch();
                }
                ins.executeBatch();
            }
        }

        int[] ticks = {0};
        Task<Void> ticker = Asyncio.createTask(() -> {
            while (true) {
                Asyncio.sleep(Duration.ofMillis(10));
                ticks[0]++;
            }
        }, "ticker");
        long start = System.nanoTime();
        int ticksBefore = ticks[0];
        List<Task<Long>> tasks = new ArrayList<>();
        for (int q = 0; q < queries; q++) {
            int min = q * 10;
            tasks.add(Asyncio.createTask(() -> countSlowly(jdbcUrl, min, each), "query " + q));
        }
        List<Long> counts = new ArrayList<>();
        for (Task<Long> t : tasks) counts.add(t.await());
        int during = ticks[0] - ticksBefore;
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        ticker.cancel();
        return new Report(counts, during, elapsed);
    }

    /** Counts the items with {@code id >= min}, after waiting {@code delay} in the database. Blocks its task. */
    static long countSlowly(String jdbcUrl, int min, Duration delay) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             PreparedStatement slow = c.prepareStatement("CALL SLEEP_MS(?)");
             PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM item WHERE id >= ?")) {
            slow.setLong(1, delay.toMillis());
            slow.execute();
            count.setInt(1, min);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public static void main(String[] args) {
        Report r = Asyncio.run(() -> runQueries("jdbc:h2:mem:demo;DB_CLOSE_DELAY=-1", 3, Duration.ofMillis(500)));
        System.out.printf("3 queries of 500 ms each took %d ms together; counts %s; the ticker ticked %d times meanwhile%n",
                r.elapsed().toMillis(), r.counts(), r.ticksDuringQueries());
    }
}
