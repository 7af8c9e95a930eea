package io.jasyncio;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started from this test JVM's java (JDK 25), with the test class path and the add-opens
 * flag, running a small main class of the test sources; stdout and stderr are merged.
 *
 * <p>Every wait is bounded: the output is read by a thread of its own, so a child that never
 * prints what a test waits for fails that test after {@link #WAIT_SECONDS} with its output, instead of
 * blocking the test thread in a read that JUnit's timeout cannot interrupt.
 *
 * <p>SIGINT and SIGHUP get their default action in the child even when this JVM inherited them
 * ignored (a test run started in the background by a non-interactive shell, or under
 * {@code nohup}, ignores both, and children inherit that): {@code env --default-signal} resets
 * them before the child's java starts. Without it, a Ctrl-C test would wait for a reaction that
 * cannot come.
 */
final class ChildJvm implements AutoCloseable {
    /** Far above what a child needs to start and answer, even at load 20 on 2 cores. */
    static final long WAIT_SECONDS = 90;
    private static final String EOF = "\u0000end of output";

    final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder seen = new StringBuilder();
    private boolean ended;

    private ChildJvm(Process process) {
        this.process = process;
        Thread.ofVirtual().name("child-jvm-output-" + process.pid()).start(this::pump);
    }

    static ChildJvm start(Class<?> main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (ignoresSigintOrSighup()) cmd.addAll(List.of("env", "--default-signal=INT,HUP"));
        cmd.addAll(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /** Whether this process ignores SIGINT or SIGHUP (bits 2 and 1 of the SigIgn mask, Linux). */
    static boolean ignoresSigintOrSighup() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("SigIgn:")) return (Long.parseUnsignedLong(l.substring(7).trim(), 16) & 0b11) != 0;
            }
        } catch (IOException | UncheckedIOException | NumberFormatException notLinux) {
            // No /proc: nothing to reset, as far as we can tell.
        }
        return false;
    }

    private void pump() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = out.readLine()) != null) lines.add(l);
        } catch (IOException closed) {
            // close() destroyed the child: its output ends here.
        } finally {
            lines.add(EOF);
        }
    }

    /** The next line, or null at the end of the output; fails the test after WAIT_SECONDS. */
    private String next(String waitingFor) throws InterruptedException {
        if (ended) return null;
        String l = lines.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (l == null) {
            process.destroyForcibly();
            fail("the child printed nothing for " + WAIT_SECONDS + " s while we waited for " + waitingFor
                    + "; it was killed. Its output so far:\n" + seen);
        }
        if (l == EOF) {
            ended = true;
            return null;
        }
        seen.append(l).append('\n');
        return l;
    }

    long pid() {
        return process.pid();
    }

    /** Reads output until a line equals {@code line}; fails with everything read at end of output or after the wait. */
    void awaitLine(String line) throws InterruptedException {
        String l;
        while ((l = next("the line '" + line + "'")) != null) {
            if (l.equals(line)) return;
        }
        fail("the child ended without printing '" + line + "'; its output:\n" + seen);
    }

    /** The output not read yet, up to its end (the child exits or closes it); bounded as awaitLine. */
    String readRest() throws InterruptedException {
        while (next("the end of its output") != null) {
            // collected in seen
        }
        return seen.toString();
    }

    /** Waits (bounded) for the child to exit and returns its status. */
    int exitStatus() throws InterruptedException {
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the child did not exit; output so far:\n" + seen);
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
