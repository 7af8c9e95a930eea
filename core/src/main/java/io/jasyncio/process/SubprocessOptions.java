package io.jasyncio.process;

import io.jasyncio.stream.Streams;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How to start a child: where its stdin, stdout and stderr go, its environment and working
 * directory, and the line/buffer limit of its {@link io.jasyncio.stream.StreamReader}s. Immutable;
 * each {@code with}-style method returns a copy. Defaults as asyncio: every stream inherited
 * ({@link Stdio#INHERIT}), the parent's environment and directory, a 64 KiB limit.
 *
 * <pre>{@code
 * var opts = SubprocessOptions.defaults()
 *         .stdout(Stdio.PIPE)
 *         .env(Map.of("PATH", "/usr/bin:/bin", "LANG", "C"))
 *         .cwd(Path.of("/tmp"));
 * Subprocess p = Subprocesses.createSubprocessExec(opts, "ls", "-l");
 * }</pre>
 *
 * <p>A value: its methods never suspend and may be called from any thread.
 *
 * @param stdin  the child's standard input (not {@link Stdio#STDOUT})
 * @param stdout the child's standard output (not {@link Stdio#STDOUT})
 * @param stderr the child's standard error
 * @param env    the child's whole environment (as asyncio's {@code env=}: it replaces the
 *               parent's), or null to inherit it
 * @param cwd    the working directory, or null for the parent's
 * @param limit  the limit of the stdout and stderr readers (see {@code StreamReader})
 */
public record SubprocessOptions(Stdio stdin, Stdio stdout, Stdio stderr, Map<String, String> env, Path cwd, int limit) {
    public SubprocessOptions {
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        if (stdin.kind() == Stdio.Kind.STDOUT) throw new IllegalArgumentException("Stdio.STDOUT is only for stderr, not for stdin");
        if (stdout.kind() == Stdio.Kind.STDOUT) throw new IllegalArgumentException("Stdio.STDOUT is only for stderr, not for stdout");
        if (env != null) env = Map.copyOf(env); // rejects null names and values
        if (limit <= 0) throw new IllegalArgumentException("Limit cannot be <= 0");
    }

    /** Everything inherited, 64 KiB limit. */
    public static SubprocessOptions defaults() {
        return new SubprocessOptions(Stdio.INHERIT, Stdio.INHERIT, Stdio.INHERIT, null, null, Streams.DEFAULT_LIMIT);
    }

    /** stdin, stdout and stderr all {@link Stdio#PIPE}. */
    public static SubprocessOptions pipes() {
        return defaults().stdin(Stdio.PIPE).stdout(Stdio.PIPE).stderr(Stdio.PIPE);
    }

    /** A copy with where the child's stdin comes from. */
    public SubprocessOptions stdin(Stdio s) {
        return new SubprocessOptions(s, stdout, stderr, env, cwd, limit);
    }

    /** A copy with where the child's stdout goes. */
    public SubprocessOptions stdout(Stdio s) {
        return new SubprocessOptions(stdin, s, stderr, env, cwd, limit);
    }

    /** A copy with where the child's stderr goes ({@link Stdio#STDOUT}: with stdout). */
    public SubprocessOptions stderr(Stdio s) {
        return new SubprocessOptions(stdin, stdout, s, env, cwd, limit);
    }

    /** A copy with the child's whole environment (null: the parent's). */
    public SubprocessOptions env(Map<String, String> e) {
        return new SubprocessOptions(stdin, stdout, stderr, e, cwd, limit);
    }

    /** A copy with the child's working directory (null: the parent's). */
    public SubprocessOptions cwd(Path dir) {
        return new SubprocessOptions(stdin, stdout, stderr, env, dir, limit);
    }

    /** A copy with the limit of the stdout and stderr readers. */
    public SubprocessOptions limit(int l) {
        return new SubprocessOptions(stdin, stdout, stderr, env, cwd, l);
    }
}
