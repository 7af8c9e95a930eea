package io.jasyncio.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An interactive line client run as a process ({@code nc}, a Python script): the test writes
 * lines to its stdin and awaits lines on its stdout.
 */
public final class LineClient implements AutoCloseable {
    private static final String EOF = new String("<eof>");
    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    public LineClient(String... command) throws IOException {
        process = new ProcessBuilder(List.of(command)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        stdin = process.getOutputStream();
        Thread.ofPlatform().daemon().start(() -> {
            try (var r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) lines.add(l);
            } catch (IOException ignored) {
                // The process was killed.
            }
            lines.add(EOF);
        });
    }

    public void send(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Waits (up to 30 s) for a line matching {@code p}, skipping others; returns it. */
    public String expect(Predicate<String> p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        StringBuilder seen = new StringBuilder();
        while (true) {
            String l = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (l == null) throw new AssertionError("no expected line within 30 s; saw: " + tail(seen));
            if (l == EOF) throw new AssertionError("output ended without the expected line; saw: " + tail(seen));
            if (p.test(l)) return l;
            seen.append(l).append(" | ");
        }
    }

    private static String tail(StringBuilder seen) {
        return seen.length() <= 2000 ? seen.toString() : "..." + seen.substring(seen.length() - 2000);
    }

    public String expectLine(String exact) throws InterruptedException {
        return expect(exact::equals);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the client: its connection closes as when a user hits Ctrl-C. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
