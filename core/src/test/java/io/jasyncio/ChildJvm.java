package io.jasyncio;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started from this test JVM's java (JDK 25), with the test class path and the add-opens
 * flag, running a small main class of the test sources; stdout and stderr are merged.
 */
final class ChildJvm implements AutoCloseable {
    final Process process;
    private final BufferedReader out;
    private final StringBuilder seen = new StringBuilder();

    private ChildJvm(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static ChildJvm start(Class<?> main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    long pid() {
        return process.pid();
    }

    /** Reads output until a line equals {@code line}; fails with everything read at end of output. */
    void awaitLine(String line) throws IOException {
        String l;
        while ((l = out.readLine()) != null) {
            seen.append(l).append('\n');
            if (l.equals(line)) return;
        }
        fail("the child ended without printing '" + line + "'; its output:\n" + seen);
    }

    /** The output not read yet, up to its end (the child exits or closes it). */
    String readRest() throws IOException {
        String l;
        while ((l = out.readLine()) != null) seen.append(l).append('\n');
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
