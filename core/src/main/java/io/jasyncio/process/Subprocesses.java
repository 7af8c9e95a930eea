package io.jasyncio.process;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.File;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starting child processes: asyncio's {@code create_subprocess_exec} and
 * {@code create_subprocess_shell} (a {@link Subprocess} with streams), and the loop's
 * {@code subprocess_exec}/{@code subprocess_shell} (a {@link SubprocessTransport} driving your
 * {@link SubprocessProtocol}).
 *
 * <pre>{@code
 * Asyncio.run(() -> {
 *     Subprocess p = Subprocesses.createSubprocessShell(
 *             SubprocessOptions.defaults().stdout(Stdio.PIPE), "ls /usr | head -3");
 *     for (byte[] line : p.stdout()) System.out.print(new String(line, UTF_8));
 *     System.out.println("exit " + p.waitFor());
 * });
 * }</pre>
 *
 * <p>Every method works on the running loop and must be called from one of its tasks; each
 * suspends until the child runs and its pipes are connected (asyncio's order). On Linux the
 * pipes are selectable and served by the loop's selector like sockets; elsewhere each is served
 * by a thread (see {@code io.jasyncio.net.Pipes}). The child is
 * started with {@link ProcessBuilder} on the loop thread (a {@code posix_spawn}, as asyncio's
 * {@code Popen} also runs on its loop). These are static methods of their own class rather than
 * of {@code EventLoop}: subprocesses are a layer above the core (DESIGN.md section 3), as
 * {@code io.jasyncio.net.Net} is.
 *
 * <h2>Errors</h2>
 * A program that does not exist: {@link NoSuchFileException} naming it; one that may not be run:
 * {@link AccessDeniedException}; a working directory that does not exist or is not a directory:
 * {@link NoSuchFileException}/{@link NotDirectoryException}; a stdin file that does not exist:
 * {@link NoSuchFileException}.
 */
public final class Subprocesses {
    private static final Pattern ERRNO = Pattern.compile("error[=:] ?(\\d+)");

    private Subprocesses() {
    }

    /** {@link #createSubprocessExec(SubprocessOptions, List)} of {@code program} and {@code args}. Suspending. */
    public static Subprocess createSubprocessExec(SubprocessOptions options, String program, String... args) throws IOException {
        Objects.requireNonNull(program, "program");
        List<String> all = new ArrayList<>(args.length + 1);
        all.add(program);
        all.addAll(List.of(args));
        return createSubprocessExec(options, all);
    }

    /**
     * Runs {@code command} (the program, then its arguments; no shell) and returns the process
     * with the streams {@code options} asks for. Suspending.
     *
     * @throws NoSuchFileException      if the program is not found (its name in the message)
     * @throws AccessDeniedException    if it may not be executed
     * @throws IllegalArgumentException if {@code command} is empty
     */
    public static Subprocess createSubprocessExec(SubprocessOptions options, List<String> command) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        int limit = options.limit();
        SubprocessConnection<SubprocessStreamProtocol> c =
                subprocessExec(() -> new SubprocessStreamProtocol(limit, loop), command, options);
        return new Subprocess(loop, (ProcessTransport) c.transport(), c.protocol());
    }

    /** Runs {@code command} with {@code /bin/sh -c} (asyncio's {@code create_subprocess_shell}). Suspending. */
    public static Subprocess createSubprocessShell(SubprocessOptions options, String command) throws IOException {
        return createSubprocessExec(options, shell(command));
    }

    /**
     * asyncio's {@code loop.subprocess_exec}: starts {@code command} and connects its pipes to a
     * protocol from {@code protocolFactory}. Suspending.
     *
     * @throws NoSuchFileException   if the program is not found
     * @throws AccessDeniedException if it may not be executed
     */
    public static <P extends SubprocessProtocol> SubprocessConnection<P> subprocessExec(
            Supplier<P> protocolFactory, List<String> command, SubprocessOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(options, "options");
        if (command.isEmpty()) throw new IllegalArgumentException("the command is empty: give at least the program");
        for (String a : command) Objects.requireNonNull(a, "an argument of the command is null");
        EventLoop loop = Asyncio.getRunningLoop();
        boolean[] piped = {options.stdin().kind() == Stdio.Kind.PIPE, options.stdout().kind() == Stdio.Kind.PIPE,
                options.stderr().kind() == Stdio.Kind.PIPE};
        P protocol = protocolFactory.get();
        ProcPipes.Found[] found = new ProcPipes.Found[3];
        Process process;
        try {
            openPipes(piped, found);
            process = start(builder(command, options, found), command.get(0));
            // The child has its own ends now; ours would keep its stdin open and its output from
            // ever reaching EOF.
            if (found[0] != null) found[0].pipe().source().close();
            if (found[1] != null) found[1].pipe().sink().close();
            if (found[2] != null) found[2].pipe().sink().close();
        } catch (Throwable e) {
            for (ProcPipes.Found f : found) if (f != null) f.closeQuietly();
            throw e;
        }
        Future<Void> connected = loop.createFuture();
        ProcessTransport t = new ProcessTransport(loop, protocol, process, connected);
        try {
            t.connect(found, piped[0], piped[1], piped[2]);
        } catch (Throwable e) {
            // Registering our pipe ends failed (the loop is closing): leave no child behind.
            process.destroyForcibly();
            for (ProcPipes.Found f : found) if (f != null) f.closeQuietly();
            throw e;
        }
        try {
            connected.await();
        } catch (CancelledError e) {
            // asyncio closes the transport (killing the child) when the start is cancelled.
            t.close();
            throw e;
        }
        return new SubprocessConnection<>(t, protocol);
    }

    /** asyncio's {@code loop.subprocess_shell}: {@code command} run by {@code /bin/sh -c}. Suspending. */
    public static <P extends SubprocessProtocol> SubprocessConnection<P> subprocessShell(
            Supplier<P> protocolFactory, String command, SubprocessOptions options) throws IOException {
        return subprocessExec(protocolFactory, shell(command), options);
    }

    private static List<String> shell(String command) {
        Objects.requireNonNull(command, "command");
        return List.of("/bin/sh", "-c", command);
    }

    /** Selectable pipes for every piped stream, or none at all (then the JDK's streams serve). */
    private static void openPipes(boolean[] piped, ProcPipes.Found[] found) throws IOException {
        for (int fd = 0; fd < 3; fd++) {
            if (!piped[fd]) continue;
            found[fd] = ProcPipes.open();
            if (found[fd] == null) {
                for (ProcPipes.Found f : found) if (f != null) f.closeQuietly();
                java.util.Arrays.fill(found, null);
                return;
            }
        }
    }

    private static ProcessBuilder builder(List<String> command, SubprocessOptions o, ProcPipes.Found[] found)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (o.cwd() != null) {
            Path dir = o.cwd();
            if (!Files.exists(dir)) throw new NoSuchFileException(dir.toString(), null, "the working directory does not exist");
            if (!Files.isDirectory(dir)) throw new NotDirectoryException(dir.toString());
            pb.directory(dir.toFile());
        }
        if (o.env() != null) {
            pb.environment().clear();
            pb.environment().putAll(o.env());
        }
        pb.redirectInput(switch (o.stdin().kind()) {
            case PIPE -> found[0] != null ? ProcessBuilder.Redirect.from(found[0].readPath()) : ProcessBuilder.Redirect.PIPE;
            case DEVNULL -> ProcessBuilder.Redirect.from(new File("/dev/null"));
            case INHERIT -> ProcessBuilder.Redirect.INHERIT;
            case FILE -> {
                Path p = o.stdin().path();
                if (!Files.exists(p)) throw new NoSuchFileException(p.toString(), null, "the stdin file does not exist");
                if (Files.isDirectory(p)) throw new IOException(p + ": the stdin file is a directory");
                yield ProcessBuilder.Redirect.from(p.toFile());
            }
            case STDOUT -> throw new AssertionError("checked by SubprocessOptions");
        });
        pb.redirectOutput(output(o.stdout(), "stdout", found[1]));
        if (o.stderr().kind() == Stdio.Kind.STDOUT) pb.redirectErrorStream(true);
        else pb.redirectError(output(o.stderr(), "stderr", found[2]));
        return pb;
    }

    private static ProcessBuilder.Redirect output(Stdio s, String which, ProcPipes.Found pipe) throws IOException {
        return switch (s.kind()) {
            case PIPE -> pipe != null ? ProcessBuilder.Redirect.to(pipe.writePath()) : ProcessBuilder.Redirect.PIPE;
            case DEVNULL -> ProcessBuilder.Redirect.DISCARD;
            case INHERIT -> ProcessBuilder.Redirect.INHERIT;
            case FILE -> {
                Path p = s.path().toAbsolutePath();
                Path parent = p.getParent();
                if (parent != null && !Files.isDirectory(parent)) {
                    throw new NoSuchFileException(p.toString(), null, "the directory of the " + which + " file does not exist");
                }
                if (Files.isDirectory(p)) throw new IOException(p + ": the " + which + " file is a directory");
                yield ProcessBuilder.Redirect.to(p.toFile());
            }
            case STDOUT -> throw new AssertionError("checked by SubprocessOptions");
        };
    }

    /** {@link ProcessBuilder#start()}, its errno turned into the exception java.nio.file would throw. */
    private static Process start(ProcessBuilder pb, String program) throws IOException {
        try {
            return pb.start();
        } catch (IOException e) {
            String msg = e.getMessage();
            Matcher m = ERRNO.matcher(msg == null ? "" : msg);
            if (m.find()) {
                IOException precise = switch (Integer.parseInt(m.group(1))) {
                    case 2 -> new NoSuchFileException(program, null, "cannot run program: no such file or directory (" + msg + ")");
                    case 13 -> new AccessDeniedException(program, null, "cannot run program: permission denied (" + msg + ")");
                    default -> null;
                };
                if (precise != null) {
                    precise.initCause(e);
                    throw precise;
                }
            }
            throw e;
        }
    }
}
