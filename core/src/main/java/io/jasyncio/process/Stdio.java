package io.jasyncio.process;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a child's stdin, stdout or stderr goes: asyncio's {@code subprocess.PIPE},
 * {@code DEVNULL}, {@code STDOUT}, {@code None} (inherit) or an open file, for
 * {@link SubprocessOptions}.
 *
 * <pre>{@code
 * SubprocessOptions.defaults()
 *         .stdin(Stdio.file(Path.of("input.txt")))
 *         .stdout(Stdio.PIPE)
 *         .stderr(Stdio.STDOUT);     // stderr into the same pipe as stdout
 * }</pre>
 *
 * <p>A value: its methods never suspend and may be called from any thread.
 *
 * @param kind what to connect
 * @param path the file of {@link Kind#FILE}, else null
 */
public record Stdio(Kind kind, Path path) {
    /** The kinds of connection. */
    public enum Kind {
        /** A pipe to the parent: a {@code StreamWriter}/{@code StreamReader} (or a pipe transport). */
        PIPE,
        /** {@code /dev/null}: no input, output discarded. */
        DEVNULL,
        /** The parent's own stream (asyncio's default, {@code None}). */
        INHERIT,
        /** stderr only: into wherever stdout goes. */
        STDOUT,
        /** A file: read for stdin, created or truncated for stdout and stderr. */
        FILE
    }

    public static final Stdio PIPE = new Stdio(Kind.PIPE, null);
    public static final Stdio DEVNULL = new Stdio(Kind.DEVNULL, null);
    public static final Stdio INHERIT = new Stdio(Kind.INHERIT, null);
    public static final Stdio STDOUT = new Stdio(Kind.STDOUT, null);

    public Stdio {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.FILE) != (path != null)) {
            throw new IllegalArgumentException("a path is given exactly for Kind.FILE: " + kind + ", " + path);
        }
    }

    /** The file at {@code path}: read as stdin, or created/truncated as stdout or stderr. */
    public static Stdio file(Path path) {
        return new Stdio(Kind.FILE, Objects.requireNonNull(path, "path"));
    }
}
