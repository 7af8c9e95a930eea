package io.jasyncio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which blocking JDK calls inside a task park only the task, and which block the whole loop: the
 * list in the README, each entry checked here. A ticker task counts 10 ms sleeps while another
 * task is inside the call; a prober thread watches the count and then releases the call.
 *
 * <p>Neither verdict depends on the machine's speed. "Parks only the task": the ticker must
 * advance three times while the call is still blocked (waited for, up to 60 s) — impossible if
 * the loop thread were stuck in the call. "Blocks the loop": not a single tick in 500 ms after the
 * task entered the call — since the task enters the call in the step that set the flag, a tick
 * can only come from a loop that is free.
 */
@Timeout(120)
class LoopBlockingTest {

    /** Shared between the task under test, the ticker and the prober. */
    private static final class Probe {
        final AtomicLong ticks = new AtomicLong();
        final CountDownLatch entered = new CountDownLatch(1);
        volatile boolean finished;

        void parksOnlyTheTask() throws InterruptedException {
            long t0 = ticks.get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (ticks.get() < t0 + 3) {
                if (finished) throw new AssertionError("the call returned before the ticker could be watched");
                if (System.nanoTime() > deadline) throw new AssertionError("the ticker stopped: the call blocks the loop");
                Thread.sleep(5);
            }
            assertFalse(finished, "the call must still be blocked");
        }

        void blocksTheLoop() throws InterruptedException {
            long t0 = ticks.get();
            Thread.sleep(500);
            assertEquals(t0, ticks.get(), "the ticker ticked: the call parks only the task");
            assertFalse(finished, "the call must still be blocked");
        }
    }

    private interface Check {
        void check(Probe p) throws Exception;
    }

    /**
     * Runs {@code call} in a task beside the ticker; once it is entered, {@code check} runs on a
     * platform thread and then {@code release} unblocks the call (always, so a failed check
     * cannot leave the loop stuck).
     */
    private static void measure(Callable<?> call, Check check, Runnable release) throws Exception {
        Probe p = new Probe();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread prober = Thread.ofPlatform().name("prober").start(() -> {
            try {
                p.entered.await();
                check.check(p);
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                release.run();
            }
        });
        Asyncio.run(() -> {
            Task<Void> ticker = Asyncio.createTask(() -> {
                while (!p.finished) {
                    Asyncio.sleep(Duration.ofMillis(10));
                    p.ticks.incrementAndGet();
                }
            });
            Asyncio.sleep(Duration.ZERO); // the ticker is running
            Asyncio.createTask(() -> {
                p.entered.countDown();
                try {
                    return call.call();
                } finally {
                    p.finished = true;
                }
            }).await();
            ticker.await();
        });
        prober.join();
        if (failure.get() instanceof Error e) throw e;
        if (failure.get() != null) throw new AssertionError(failure.get());
    }

    // ---- calls that park only the task ----

    @Test
    void threadSleepParksOnlyTheTask() throws Exception {
        AtomicReference<Thread> sleeper = new AtomicReference<>();
        measure(() -> {
            sleeper.set(Thread.currentThread());
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException released) {
                // the prober's release
            }
            return null;
        }, Probe::parksOnlyTheTask, () -> sleeper.get().interrupt());
    }

    @Test
    void aBlockingSocketReadParksOnlyTheTask() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AtomicReference<Socket> accepted = new AtomicReference<>();
            Thread acceptor = Thread.ofPlatform().start(() -> {
                try {
                    accepted.set(server.accept());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            measure(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    return s.getInputStream().read();
                }
            }, Probe::parksOnlyTheTask, () -> {
                try {
                    acceptor.join();
                    accepted.get().getOutputStream().write(1);
                    accepted.get().close();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
        }
    }

    @Test
    void aContendedReentrantLockParksOnlyTheTask() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch unlock = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
            lock.lock();
            held.countDown();
            try {
                unlock.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        });
        held.await();
        measure(() -> {
            lock.lock();
            lock.unlock();
            return null;
        }, Probe::parksOnlyTheTask, unlock::countDown);
        holder.join();
    }

    @Test
    void aContendedMonitorAndObjectWaitParkOnlyTheTask() throws Exception {
        Object monitor = new Object();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
            synchronized (monitor) {
                held.countDown();
                try {
                    letGo.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        held.await();
        // synchronized on a monitor another thread holds (JDK 24+, JEP 491).
        measure(() -> {
            synchronized (monitor) {
                return null;
            }
        }, Probe::parksOnlyTheTask, letGo::countDown);
        holder.join();
        // Object.wait() inside synchronized.
        boolean[] ready = {false};
        measure(() -> {
            synchronized (monitor) {
                while (!ready[0]) monitor.wait();
            }
            return null;
        }, Probe::parksOnlyTheTask, () -> {
            synchronized (monitor) {
                ready[0] = true;
                monitor.notifyAll();
            }
        });
    }

    @Test
    void processWaitForParksOnlyTheTask() throws Exception {
        Process child = new ProcessBuilder("sleep", "60").start();
        try {
            measure(child::waitFor, Probe::parksOnlyTheTask, child::destroy);
        } finally {
            child.destroyForcibly();
        }
    }

    // ---- calls that block the loop ----

    /** A FIFO whose writer is connected before the reader's call and writes one byte on release. */
    private static final class Fifo implements AutoCloseable {
        final Path path;
        final CountDownLatch write = new CountDownLatch(1);
        final Thread writer;

        Fifo(Path dir) throws Exception {
            path = dir.resolve("fifo");
            Process mk = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
            assertTrue(mk.waitFor(30, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo failed");
            writer = Thread.ofPlatform().start(() -> {
                try (OutputStream out = new FileOutputStream(path.toFile())) { // waits for the reader to open
                    write.await();
                    out.write(7);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            write.countDown();
            writer.join();
        }
    }

    @Test
    void aFileInputStreamReadBlocksTheLoop(@TempDir Path dir) throws Exception {
        try (Fifo fifo = new Fifo(dir); InputStream in = new FileInputStream(fifo.path.toFile())) {
            measure(in::read, Probe::blocksTheLoop, fifo.write::countDown);
        }
    }

    @Test
    void aFileChannelReadBlocksTheLoop(@TempDir Path dir) throws Exception {
        try (Fifo fifo = new Fifo(dir); FileChannel ch = FileChannel.open(fifo.path, StandardOpenOption.READ)) {
            measure(() -> ch.read(ByteBuffer.allocate(1)), Probe::blocksTheLoop, fifo.write::countDown);
        }
    }

    @Test
    void readingAProcessPipeBlocksTheLoop() throws Exception {
        Process child = new ProcessBuilder("sh", "-c", "read line; echo \"$line\"").start();
        try {
            measure(() -> child.getInputStream().read(), Probe::blocksTheLoop, () -> {
                try {
                    child.getOutputStream().write("go\n".getBytes());
                    child.getOutputStream().flush();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
        } finally {
            child.destroyForcibly();
        }
    }
}
