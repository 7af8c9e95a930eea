/**
 * Files without blocking the loop: {@link io.jasyncio.file.AsyncFile}, an open file whose reads
 * and writes suspend only the calling task, and {@link io.jasyncio.file.AsyncFiles}, whole-file
 * helpers mirroring {@link java.nio.file.Files}.
 *
 * <pre>{@code
 * Asyncio.run(() -> {
 *     String text = AsyncFiles.readString(Path.of("notes.txt"));
 *     try (AsyncFile f = AsyncFile.open(Path.of("big.log"))) {
 *         for (String line : f.lines()) count(line);
 *     }
 * });
 * }</pre>
 *
 * <p>The JDK blocks the carrier thread, not just the virtual thread, during file I/O, and the
 * loop thread is the carrier of every task: a plain {@code Files} or {@code FileChannel} call in a
 * task stops the whole loop. These classes run the I/O on the loop's default executor (platform
 * threads, shut down and joined by {@code Asyncio.run}) with the task parked meanwhile.
 */
package io.jasyncio.file;
