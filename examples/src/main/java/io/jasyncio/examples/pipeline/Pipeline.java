package io.jasyncio.examples.pipeline;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.process.Subprocess;
import io.jasyncio.process.SubprocessOptions;
import io.jasyncio.process.Subprocesses;
import io.jasyncio.stream.StreamReader;
import io.jasyncio.stream.StreamWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A shell pipeline {@code first | second} built from two subprocesses and two tasks: one task
 * copies the first program's stdout into the second's stdin, waiting in {@code drain()} whenever
 * the second program reads slower than the first writes (so memory stays bounded by the pipe
 * buffers, however much flows); the calling task collects the second program's output meanwhile.
 * Nothing here blocks the loop: the pipes are served by its selector.
 *
 * <pre>
 * ./mvnw -q -Prun verify -DskipTests -Dexample=pipeline.Pipeline "-Dargs=seq 1 100000 -- sort -rn"
 * </pre>
 */
public final class Pipeline {
    private Pipeline() {
    }

    /** What the pipeline produced: the second program's stdout and both exit statuses. */
    public record Result(byte[] output, int firstExit, int secondExit) {
        /** The output decoded as UTF-8. */
        public String text() {
            return new String(output, StandardCharsets.UTF_8);
        }
    }

    /**
     * Runs {@code first | second} and returns the second program's output once both have exited.
     * Suspends (cancellable: cancelling kills both programs). Call it from a task.
     *
     * @throws java.nio.file.NoSuchFileException if a program does not exist (unwrapped, as the
     *                                           process API throws it)
     */
    public static Result run(List<String> first, List<String> second) throws IOException {
        SubprocessOptions pipes = SubprocessOptions.pipes();
        try (Subprocess producer = Subprocesses.createSubprocessExec(pipes.stdin(io.jasyncio.process.Stdio.DEVNULL), first);
             Subprocess consumer = Subprocesses.createSubprocessExec(pipes, second)) {
            Task<Long> copier = Asyncio.createTask(() -> copy(producer.stdout(), consumer.stdin()), "pipe " + first.get(0));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            StreamReader result = consumer.stdout();
            for (byte[] chunk = result.read(64 * 1024); chunk.length > 0; chunk = result.read(64 * 1024)) {
                out.write(chunk);
            }
            copier.await();
            return new Result(out.toByteArray(), producer.waitFor(), consumer.waitFor());
        }
    }

    /** Copies until {@code from} ends, then closes {@code to}; returns the byte count. Suspends. */
    private static long copy(StreamReader from, StreamWriter to) throws IOException {
        long n = 0;
        for (byte[] chunk = from.read(64 * 1024); chunk.length > 0; chunk = from.read(64 * 1024)) {
            to.write(chunk);
            to.drain(); // waits while the consumer's stdin pipe is full: flow control
            n += chunk.length;
        }
        to.close();
        to.waitClosed();
        return n;
    }

    /** {@code Pipeline cmd1 args... -- cmd2 args...}: prints the output and the exit statuses. */
    public static void main(String[] args) {
        int split = List.of(args).indexOf("--");
        if (split <= 0 || split == args.length - 1) {
            System.err.println("usage: Pipeline cmd1 [args...] -- cmd2 [args...]   (e.g. seq 1 100000 -- sort -rn)");
            System.exit(2);
        }
        List<String> first = List.of(args).subList(0, split);
        List<String> second = List.of(args).subList(split + 1, args.length);
        Result r = Asyncio.run(() -> run(first, second));
        System.out.print(r.text());
        System.out.println("exit statuses: " + r.firstExit() + ", " + r.secondExit());
    }
}
