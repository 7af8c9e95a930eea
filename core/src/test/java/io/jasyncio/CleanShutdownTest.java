package io.jasyncio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.net.Server;
import io.jasyncio.stream.StreamPair;
import io.jasyncio.stream.Streams;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * After Asyncio.run returns, no thread or file descriptor it started is left. Checked in a child
 * JVM, where no other test's loops, threads or descriptors can blur the picture: it runs the same
 * workload twice (the first run loads classes and lets the JDK start its own lazy machinery), takes
 * the list of threads and descriptors, runs it again and compares.
 */
@Timeout(120)
class CleanShutdownTest {

    @Test
    void asyncioRunLeavesNoThreadDescriptorOrSignalHandlerBehind() throws Exception {
        try (ChildJvm child = ChildJvm.start(Workload.class)) {
            String out = child.readRest();
            assertEquals(0, child.exitStatus(), out);
            assertTrue(out.contains("workload ran: echo=hi executor=2 stuck-report=true"), out);
            assertTrue(out.contains("jasyncio threads after the first run: []"), out);
            assertTrue(out.contains("jasyncio threads after the second run: []"), out);
            assertTrue(out.contains("new descriptors: []"), out);
            assertTrue(out.contains("SIGUSR1 restored: true"), out);
            assertTrue(out.contains("after a run from a virtual thread, jasyncio threads: []"), out);
        }
    }

    /** The workload: sockets, executor threads, debug mode's watchdog, a signal handler, a pending task. */
    static final class Workload {
        public static void main(String[] args) throws Exception {
            sun.misc.SignalHandler usr1 = currentUsr1();
            String first = run();
            System.out.println("jasyncio threads after the first run: " + jasyncioThreads());
            List<String> fdsBefore = descriptors();
            String second = run();
            TreeSet<String> threadsAfter = jasyncioThreads();
            List<String> fdsAfter = descriptors();
            System.out.println("workload ran: " + second + (first.equals(second) ? "" : " (first: " + first + ")"));
            System.out.println("jasyncio threads after the second run: " + threadsAfter);
            List<String> newFds = new ArrayList<>(fdsAfter);
            for (String fd : fdsBefore) newFds.remove(fd);
            System.out.println("new descriptors: " + newFds);
            System.out.println("SIGUSR1 restored: " + usr1.toString().equals(currentUsr1().toString()));
            // Asyncio.run from a virtual thread runs the loop on a platform thread of its own.
            CompletableFuture<TreeSet<String>> fromVirtual = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    run();
                    fromVirtual.complete(jasyncioThreads());
                } catch (Throwable e) {
                    fromVirtual.completeExceptionally(e);
                }
            }).join();
            System.out.println("after a run from a virtual thread, jasyncio threads: " + fromVirtual.get());
        }

        private static String run() {
            RunOptions debug = RunOptions.defaults().debug(true).slowCallbackDuration(Duration.ofMillis(50));
            java.util.logging.Logger log = java.util.logging.Logger.getLogger("io.jasyncio");
            java.util.concurrent.atomic.AtomicBoolean stuckReport = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.logging.Handler watch = new java.util.logging.Handler() {
                @Override
                public void publish(java.util.logging.LogRecord r) {
                    if (r.getMessage().contains("is still running after")) stuckReport.set(true);
                }

                @Override
                public void flush() {}

                @Override
                public void close() {}
            };
            log.addHandler(watch);
            log.setUseParentHandlers(false);
            try {
                return Asyncio.run(() -> {
                    EventLoop loop = Asyncio.getRunningLoop();
                    loop.addSignalHandler("SIGUSR1", () -> {}); // left for the loop's close to remove
                    Server server = Streams.startServer((r, w) -> {
                        w.write(r.readLine());
                        w.close();
                    }, "127.0.0.1", 0);
                    int port = ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
                    StreamPair c = Streams.openConnection("127.0.0.1", port);
                    c.writer().write("hi\n".getBytes(StandardCharsets.UTF_8));
                    String echo = new String(c.reader().readLine(), StandardCharsets.UTF_8).strip();
                    c.writer().close();
                    c.writer().waitClosed();
                    server.close();
                    server.waitClosed();
                    int executor = Asyncio.toThread(() -> 1) + loop.runInExecutor(null, () -> 1).await();
                    // A step slower than the threshold, until debug mode's watchdog has reported it
                    // while it runs (bounded for a machine so loaded that the watchdog never runs).
                    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (System.nanoTime() < end && !stuckReport.get()) Thread.onSpinWait();
                    Asyncio.createTask(() -> Asyncio.sleep(Duration.ofHours(1))); // cancelled by run's clean-up
                    return "echo=" + echo + " executor=" + executor + " stuck-report=" + stuckReport.get();
                }, debug);
            } finally {
                log.removeHandler(watch);
            }
        }

        /**
         * The library's threads alive now, except its two process-wide ones, which belong to no
         * run: the Cleaner that reports never-retrieved exceptions of collected futures (one per
         * JVM, lives as long as it) and the one-shot thread that registers the Tasks MBean the
         * first time a loop is created (ends when JMX is initialized). Both are started before
         * the first run here.
         */
        private static TreeSet<String> jasyncioThreads() {
            TreeSet<String> names = new TreeSet<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                String n = t.getName();
                if (n.equals("jasyncio-cleaner") || n.equals("jasyncio-jmx-register")) continue;
                if (t.isAlive() && n.startsWith("jasyncio-")) names.add(n + "#" + t.threadId());
            }
            return names;
        }

        private static List<String> descriptors() throws Exception {
            List<String> fds = new ArrayList<>();
            try (var s = Files.list(Path.of("/proc/self/fd"))) {
                for (Path fd : (Iterable<Path>) s::iterator) {
                    try {
                        fds.add(Files.readSymbolicLink(fd).toString());
                    } catch (java.io.IOException gone) {
                        // the directory stream's own descriptor, closed by now
                    }
                }
            }
            return fds;
        }

        private static sun.misc.SignalHandler currentUsr1() {
            sun.misc.Signal sig = new sun.misc.Signal("USR1");
            sun.misc.SignalHandler now = sun.misc.Signal.handle(sig, s -> {});
            sun.misc.Signal.handle(sig, now);
            return now;
        }
    }
}
