package io.jasyncio.examples;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real clients the examples are tested with; skips a test when one is not installed. */
public final class Clients {
    private Clients() {
    }

    /** Skips the calling test, saying how to install it, when {@code program} is not on the PATH. */
    public static void require(String program, String debianPackage) {
        assumeTrue(onPath(program), program + " is not installed: apt-get install -y " + debianPackage
                + " (.ci/run does this on a fresh CI machine)");
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, program).canExecute()) return true;
        }
        return false;
    }

    /** The result of a finished client: exit code, stdout and stderr. */
    public record Result(int exit, String out, String err) {
    }

    /** Runs {@code command} to its end with {@code stdin} as input (bounded by 60 s). */
    public static Result run(byte[] stdin, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).start();
        // Read both outputs on threads so a chatty client never blocks on a full pipe.
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        List<Thread> pumps = new ArrayList<>();
        pumps.add(Thread.ofPlatform().start(() -> copy(p.getInputStream(), out)));
        pumps.add(Thread.ofPlatform().start(() -> copy(p.getErrorStream(), err)));
        try (var in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException ignored) {
            // The client may exit before reading all its input; its output says what happened.
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
        }
        for (Thread t : pumps) t.join();
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    public static Result run(String... command) throws IOException, InterruptedException {
        return run(new byte[0], command);
    }

    private static void copy(java.io.InputStream in, java.io.OutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException ignored) {
            // The process ended; what was read is kept.
        }
    }
}
