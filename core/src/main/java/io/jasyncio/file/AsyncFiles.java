package io.jasyncio.file;

import io.jasyncio.EventLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Whole-file operations that suspend only the calling task: each is the {@link Files} method of
 * the same name, run in one hop on the loop's executor threads while the task waits.
 *
 * <pre>{@code
 * String config = AsyncFiles.readString(Path.of("app.conf"));
 * AsyncFiles.writeString(out, report, StandardCharsets.UTF_8);
 * for (Path p : AsyncFiles.list(dir)) { ... }
 * }</pre>
 *
 * <p>Why: the JDK does not unmount a virtual thread for file I/O, so {@code Files.readString} in
 * a task blocks the loop thread, and with it every task, until the disk or a FIFO answers.
 *
 * <p><b>Threads.</b> Call inside a task (any loop); elsewhere the call fails with
 * {@link IllegalStateException}. <b>Errors</b> are exactly those of the {@code Files} method,
 * unwrapped ({@link java.nio.file.NoSuchFileException}, {@link java.nio.file.AccessDeniedException},
 * "Is a directory"...).
 *
 * <p><b>Cancellation</b> gives the task {@link io.jasyncio.CancelledError} at once. A read
 * ({@code readAllBytes}, {@code readString}) is then interrupted, which closes the channel it
 * reads (a FIFO nobody writes would hold its thread forever); everything else (writes, copy,
 * move, delete...) runs to its end, since stopping it halfway would leave a torn file. Arrays
 * given to a write must stay unchanged until the write has ended, even after a cancellation.
 */
public final class AsyncFiles {
    private AsyncFiles() {}

    /** {@link Files#readAllBytes}. Suspends; cancellable (the read is interrupted). */
    public static byte[] readAllBytes(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        EventLoop loop = Offload.taskLoop("AsyncFiles.readAllBytes()");
        return Offload.callInterruptibly(loop, () -> readFully(path));
    }

    /** {@link Files#readString(Path)} (UTF-8). Suspends; cancellable (the read is interrupted). */
    public static String readString(Path path) throws IOException {
        return readString(path, StandardCharsets.UTF_8);
    }

    /**
     * {@link Files#readString(Path, Charset)}. Suspends; cancellable (the read is interrupted).
     *
     * @throws java.nio.charset.MalformedInputException if the bytes are not valid in {@code cs}
     */
    public static String readString(Path path, Charset cs) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(cs, "charset");
        EventLoop loop = Offload.taskLoop("AsyncFiles.readString()");
        return Offload.callInterruptibly(loop, () -> decode(readFully(path), cs));
    }

    /**
     * {@link Files#write(Path, byte[], OpenOption...)}: by default creates or truncates.
     * Suspends; a cancelled task leaves the write running to its end.
     */
    public static Path write(Path path, byte[] bytes, OpenOption... options) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(bytes, "bytes");
        OpenOption[] opts = checked(options);
        EventLoop loop = Offload.taskLoop("AsyncFiles.write()");
        return Offload.call(loop, () -> Files.write(path, bytes, opts));
    }

    /** {@link Files#writeString(Path, CharSequence, OpenOption...)} (UTF-8). Suspends. */
    public static Path writeString(Path path, CharSequence text, OpenOption... options) throws IOException {
        return writeString(path, text, StandardCharsets.UTF_8, options);
    }

    /**
     * {@link Files#writeString(Path, CharSequence, Charset, OpenOption...)}. Suspends; a
     * cancelled task leaves the write running to its end. The text is copied first (a
     * {@code StringBuilder} may change after the call).
     */
    public static Path writeString(Path path, CharSequence text, Charset cs, OpenOption... options) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(cs, "charset");
        String s = text.toString();
        OpenOption[] opts = checked(options);
        EventLoop loop = Offload.taskLoop("AsyncFiles.writeString()");
        return Offload.call(loop, () -> Files.writeString(path, s, cs, opts));
    }

    /** {@link Files#copy(Path, Path, CopyOption...)}. Suspends; runs to its end if cancelled. */
    public static Path copy(Path source, Path target, CopyOption... options) throws IOException {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        CopyOption[] opts = checked(options);
        EventLoop loop = Offload.taskLoop("AsyncFiles.copy()");
        return Offload.call(loop, () -> Files.copy(source, target, opts));
    }

    /** {@link Files#move(Path, Path, CopyOption...)}. Suspends; runs to its end if cancelled. */
    public static Path move(Path source, Path target, CopyOption... options) throws IOException {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        CopyOption[] opts = checked(options);
        EventLoop loop = Offload.taskLoop("AsyncFiles.move()");
        return Offload.call(loop, () -> Files.move(source, target, opts));
    }

    /** {@link Files#delete}. Suspends; runs to its end if cancelled. */
    public static void delete(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        EventLoop loop = Offload.taskLoop("AsyncFiles.delete()");
        Offload.call(loop, () -> {
            Files.delete(path);
            return null;
        });
    }

    /** {@link Files#deleteIfExists}. Suspends; runs to its end if cancelled. */
    public static boolean deleteIfExists(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        EventLoop loop = Offload.taskLoop("AsyncFiles.deleteIfExists()");
        return Offload.call(loop, () -> Files.deleteIfExists(path));
    }

    /** {@link Files#createDirectories}. Suspends; runs to its end if cancelled. */
    public static Path createDirectories(Path dir, FileAttribute<?>... attrs) throws IOException {
        Objects.requireNonNull(dir, "dir");
        FileAttribute<?>[] a = checked(attrs);
        EventLoop loop = Offload.taskLoop("AsyncFiles.createDirectories()");
        return Offload.call(loop, () -> Files.createDirectories(dir, a));
    }

    /**
     * {@link Files#exists}: true if the file exists, false if it does not or that cannot be told
     * (no permission). Suspends (a stat of a slow or network file system can take long).
     */
    public static boolean exists(Path path, LinkOption... options) {
        Objects.requireNonNull(path, "path");
        LinkOption[] opts = checked(options);
        EventLoop loop = Offload.taskLoop("AsyncFiles.exists()");
        try {
            return Offload.call(loop, () -> Files.exists(path, opts));
        } catch (IOException impossible) {
            throw new AssertionError("Files.exists does not throw IOException", impossible);
        }
    }

    /** {@link Files#size}. Suspends. */
    public static long size(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        EventLoop loop = Offload.taskLoop("AsyncFiles.size()");
        return Offload.call(loop, () -> Files.size(path));
    }

    /**
     * The entries of directory {@code dir}, as {@link Files#list} would stream them, read
     * completely in one hop (so there is no stream to close and no lazy I/O on the loop).
     * Suspends.
     *
     * @throws java.nio.file.NotDirectoryException if {@code dir} is not a directory
     */
    public static List<Path> list(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir");
        EventLoop loop = Offload.taskLoop("AsyncFiles.list()");
        return Offload.call(loop, () -> {
            try (Stream<Path> s = Files.list(dir)) {
                return s.toList();
            }
        });
    }

    /**
     * {@code Files.readAllBytes}, but through an interruptible {@link FileChannel}: the JDK's own
     * reads its file uninterruptibly, so a cancelled read of a FIFO would keep its thread.
     */
    private static byte[] readFully(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path)) {
            long size = ch.size();
            if (size > MAX_ARRAY) throw new OutOfMemoryError("Required array size too large");
            byte[] buf = new byte[size > 0 ? (int) size : 8192];
            int n = 0;
            while (true) {
                int k = ch.read(ByteBuffer.wrap(buf, n, buf.length - n));
                if (k < 0) break;
                n += k;
                if (n == buf.length) {
                    // a regular file ends where its size said, unless it grew: probe before growing
                    if (size > 0 && n == size) {
                        ByteBuffer one = ByteBuffer.allocate(1);
                        if (ch.read(one) < 0) break;
                        if (n == MAX_ARRAY) throw new OutOfMemoryError("Required array size too large");
                        buf = Arrays.copyOf(buf, (int) Math.min(MAX_ARRAY, Math.max(n + 1L, 2L * n)));
                        buf[n++] = one.get(0);
                        continue;
                    }
                    if (n == MAX_ARRAY) throw new OutOfMemoryError("Required array size too large");
                    buf = Arrays.copyOf(buf, (int) Math.min(MAX_ARRAY, 2L * n));
                }
            }
            return n == buf.length ? buf : Arrays.copyOf(buf, n);
        }
    }

    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** Decodes as {@code Files.readString} does: malformed or unmappable input is an error. */
    private static String decode(byte[] bytes, Charset cs) throws CharacterCodingException {
        if (cs == StandardCharsets.ISO_8859_1) return new String(bytes, cs);
        return cs.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }

    private static <T> T[] checked(T[] options) {
        T[] copy = options.clone();
        for (T o : copy) Objects.requireNonNull(o, "options contain null");
        return copy;
    }
}
