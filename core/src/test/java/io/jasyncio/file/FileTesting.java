package io.jasyncio.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Real FIFOs, descriptor counts, thread snapshots and log capture for the file tests. */
final class FileTesting {
    private FileTesting() {}

    /** Makes a FIFO with the real mkfifo(1). */
    static Path mkfifo(Path dir, String name) throws IOException, InterruptedException {
        Path p = dir.resolve(name);
        Process proc = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        if (!proc.waitFor(10, TimeUnit.SECONDS) || proc.exitValue() != 0) throw new IOException("mkfifo failed for " + p);
        return p;
    }

    static long openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    static Set<Thread> liveThreads() {
        return new HashSet<>(Thread.getAllStackTraces().keySet());
    }

    /**
     * Threads alive now that were not in {@code before}, named like jasyncio's, except the two
     * process-wide daemons started once per JVM (the futures' cleaner and the one-shot MBean
     * registration), which belong to no loop.
     */
    static List<Thread> newJasyncioThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive() && t.getName().startsWith("jasyncio"))
                .filter(t -> !t.getName().equals("jasyncio-cleaner") && !t.getName().equals("jasyncio-jmx-register"))
                .toList();
    }

    /** Captures what jasyncio logs (System.Logger is backed by java.util.logging in tests). */
    static final class Logs extends Handler implements AutoCloseable {
        private final Logger logger = Logger.getLogger("io.jasyncio");
        private final List<String> messages = new java.util.ArrayList<>();

        Logs() {
            logger.addHandler(this);
        }

        @Override
        public synchronized void publish(LogRecord r) {
            Object[] params = r.getParameters();
            String m = r.getMessage();
            messages.add(params != null ? java.text.MessageFormat.format(m, params) : m);
        }

        synchronized List<String> messages() {
            return List.copyOf(messages);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }
}
