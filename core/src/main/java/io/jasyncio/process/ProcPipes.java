package io.jasyncio.process;

import java.io.IOException;
import java.nio.channels.Pipe;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Selectable pipes for a child's stdin, stdout and stderr, on Linux. {@link ProcessBuilder} can
 * only give a child blocking streams (which would need a thread each) or redirect it to a file
 * path; but a {@link Pipe} is a real OS pipe, and Linux lets a process open either end of its own
 * pipe again through {@code /proc/self/fd/N}. So the child is redirected to the path of the end
 * it needs ({@code ProcessBuilder} opens it in the parent and hands it over), and we keep the
 * other, selectable end: the loop's selector serves the child's pipes like sockets, with
 * non-blocking reads and writes on the loop thread and no thread per pipe.
 *
 * <p>{@code Pipe} does not tell its descriptor numbers, so they are found in {@code /proc/self/fd}:
 * the pipe inode that appeared when the {@code Pipe} was opened, its read end being the
 * descriptor opened {@code O_RDONLY} ({@code /proc/self/fdinfo}). If another thread opened a pipe
 * at the same moment the new inode is ambiguous and the pipe is opened again; after a few tries,
 * or without {@code /proc}, {@link #open} returns null and the caller uses thread-served streams.
 */
final class ProcPipes {
    /** Forces the thread-served fallback (tests of that path). */
    static volatile boolean disabled = !Files.isDirectory(Path.of("/proc/self/fd"));
    private static final int ATTEMPTS = 4;

    /** A pipe with the descriptor numbers of its two ends in this process. */
    record Found(Pipe pipe, int readFd, int writeFd) {
        /** The path through which the child opens the read end (its stdin). */
        java.io.File readPath() {
            return new java.io.File("/proc/self/fd/" + readFd);
        }

        /** The path through which the child opens the write end (its stdout or stderr). */
        java.io.File writePath() {
            return new java.io.File("/proc/self/fd/" + writeFd);
        }

        void closeQuietly() {
            try {
                pipe.source().close();
            } catch (IOException ignored) {
                // nothing more to release
            }
            try {
                pipe.sink().close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }

    private ProcPipes() {
    }

    /** A new pipe with its descriptors, or null if they cannot be told apart here. */
    static Found open() throws IOException {
        if (disabled) return null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Map<Long, List<Integer>> before = pipeInodes();
            Pipe pipe = Pipe.open();
            Map<Long, List<Integer>> after = pipeInodes();
            after.keySet().removeAll(before.keySet());
            if (after.size() == 1) {
                List<Integer> fds = after.values().iterator().next();
                if (fds.size() == 2) {
                    int a = fds.get(0), b = fds.get(1);
                    boolean aReads = (flags(a) & 3) == 0;
                    boolean bReads = (flags(b) & 3) == 0;
                    if (aReads != bReads) return new Found(pipe, aReads ? a : b, aReads ? b : a);
                }
            }
            pipe.source().close();
            pipe.sink().close();
        }
        return null;
    }

    /** The pipe inodes open in this process, each with its descriptors. */
    private static Map<Long, List<Integer>> pipeInodes() throws IOException {
        Map<Long, List<Integer>> m = new HashMap<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                if (!target.startsWith("pipe:[")) continue;
                long inode = Long.parseLong(target, 6, target.length() - 1, 10);
                m.computeIfAbsent(inode, k -> new java.util.ArrayList<>(2)).add(Integer.parseInt(p.getFileName().toString()));
            }
        }
        return m;
    }

    /** The open flags of descriptor {@code fd} (octal in /proc/self/fdinfo), or -1. */
    private static int flags(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) return Integer.parseInt(line.substring(6).strip(), 8);
        }
        return -1;
    }
}
