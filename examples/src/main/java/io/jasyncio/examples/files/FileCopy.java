package io.jasyncio.examples.files;

import io.jasyncio.Asyncio;
import io.jasyncio.file.AsyncFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongConsumer;

/**
 * An asynchronous file copy in 64 KiB chunks with progress reports, on {@link AsyncFile}: each
 * read and write suspends only the calling task while the disk works on another thread (a plain
 * {@code FileChannel} call inside a task would stop the whole loop). For a copy without progress,
 * {@code AsyncFiles.copy(source, target)} does it in one step.
 *
 * <pre>
 * ./mvnw -q -Prun verify -DskipTests -Dexample=files.FileCopy "-Dargs=big.iso copy.iso"
 * </pre>
 */
public final class FileCopy {
    private FileCopy() {
    }

    /**
     * Copies {@code source} to {@code target} (created or truncated) and returns the byte count;
     * {@code progress} hears the running total after each chunk. Suspends (cancellable between
     * chunks; the target then holds a prefix). Call it from a task.
     *
     * @throws java.nio.file.NoSuchFileException if the source does not exist
     */
    public static long copy(Path source, Path target, LongConsumer progress) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long total = 0;
        try (AsyncFile in = AsyncFile.open(source);
             AsyncFile out = AsyncFile.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            while (in.read(chunk.clear()) > 0) {
                chunk.flip();
                while (chunk.hasRemaining()) total += out.write(chunk);
                progress.accept(total);
            }
            out.flush(); // the write-behind buffer's last bytes, and its error if any
            out.close();
            out.waitClosed();
        }
        return total;
    }

    /** {@code FileCopy source target}: copies, printing progress every 8 MiB. */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: FileCopy SOURCE TARGET");
            System.exit(2);
        }
        long copied = Asyncio.run(() -> copy(Path.of(args[0]), Path.of(args[1]), n -> {
            if (n % (8 << 20) == 0) System.out.println((n >> 20) + " MiB");
        }));
        System.out.println("copied " + copied + " bytes");
    }
}
