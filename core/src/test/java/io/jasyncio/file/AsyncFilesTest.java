package io.jasyncio.file;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The whole-file helpers: same results and same errors as java.nio.file.Files, off the loop. */
@Timeout(60)
class AsyncFilesTest {
    @TempDir
    Path dir;

    @Test
    void helpersDoWhatFilesDoOnRealFiles() throws IOException {
        Path a = dir.resolve("a.txt");
        Path sub = dir.resolve("sub/deeper");
        Asyncio.run(() -> {
            assertEquals(a, AsyncFiles.writeString(a, new StringBuilder("héllo")));
            assertEquals("héllo", AsyncFiles.readString(a));
            assertArrayEquals("héllo".getBytes(StandardCharsets.UTF_8), AsyncFiles.readAllBytes(a));
            assertEquals(6, AsyncFiles.size(a));
            AsyncFiles.write(a, " world".getBytes(), StandardOpenOption.APPEND);
            assertEquals("héllo world", AsyncFiles.readString(a, StandardCharsets.UTF_8));
            AsyncFiles.writeString(a, "latin é", StandardCharsets.ISO_8859_1);
            assertEquals(7, AsyncFiles.size(a));
            assertTrue(AsyncFiles.exists(a));
            assertFalse(AsyncFiles.exists(dir.resolve("nope")));
            assertEquals(sub, AsyncFiles.createDirectories(sub));
            Path b = AsyncFiles.copy(a, sub.resolve("b.txt"));
            assertEquals("latin é", AsyncFiles.readString(b, StandardCharsets.ISO_8859_1));
            Path c = AsyncFiles.move(b, sub.resolve("c.txt"));
            assertFalse(AsyncFiles.exists(b));
            assertEquals(List.of(c), AsyncFiles.list(sub));
            assertEquals(List.of(dir.resolve("a.txt"), dir.resolve("sub")), AsyncFiles.list(dir).stream().sorted().toList());
            AsyncFiles.delete(c);
            assertFalse(AsyncFiles.deleteIfExists(c));
            assertTrue(AsyncFiles.deleteIfExists(a));
            assertEquals(List.of(), AsyncFiles.list(sub));
        });
    }

    @Test
    void errorsAreExactlyThoseOfFilesUnwrapped() throws IOException {
        Path missing = dir.resolve("missing");
        Path file = Files.writeString(dir.resolve("f"), "x");
        Path full = Files.createDirectories(dir.resolve("full"));
        Files.writeString(full.resolve("inside"), "y");
        Asyncio.run(() -> {
            NoSuchFileException nsf = assertThrows(NoSuchFileException.class, () -> AsyncFiles.readString(missing));
            assertEquals(missing.toString(), nsf.getFile());
            assertThrows(NoSuchFileException.class, () -> AsyncFiles.readAllBytes(missing));
            assertThrows(NoSuchFileException.class, () -> AsyncFiles.size(missing));
            assertThrows(NoSuchFileException.class, () -> AsyncFiles.delete(missing));
            assertThrows(NoSuchFileException.class, () -> AsyncFiles.copy(missing, dir.resolve("x")));
            assertThrows(NoSuchFileException.class, () -> AsyncFiles.move(missing, dir.resolve("x")));
            assertThrows(NoSuchFileException.class, () -> AsyncFiles.list(missing));
            assertThrows(NotDirectoryException.class, () -> AsyncFiles.list(file));
            assertThrows(FileAlreadyExistsException.class, () -> AsyncFiles.copy(file, full.resolve("inside")));
            assertThrows(FileAlreadyExistsException.class, () -> AsyncFiles.write(file, new byte[1], StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
            assertThrows(DirectoryNotEmptyException.class, () -> AsyncFiles.delete(full));
            IOException isDir = assertThrows(IOException.class, () -> AsyncFiles.readString(dir));
            assertEquals("Is a directory", isDir.getMessage());
            assertThrows(IOException.class, () -> AsyncFiles.readAllBytes(dir), "Is a directory");
            AsyncFiles.write(file, new byte[] {(byte) 0xC3});
            assertThrows(MalformedInputException.class, () -> AsyncFiles.readString(file));
            assertThrows(NullPointerException.class, () -> AsyncFiles.readString(null));
            assertThrows(NullPointerException.class, () -> AsyncFiles.write(file, new byte[1], (StandardOpenOption) null));
            AsyncFiles.copy(file, full.resolve("inside"), StandardCopyOption.REPLACE_EXISTING);
        });
    }

    @Test
    void permissionDeniedIsAccessDeniedException() throws IOException {
        // Root bypasses file permissions, so a mode-000 file only denies other users; as root,
        // fall back to /proc/1/environ, which this kernel denies even to root (checked first).
        Path locked = Files.writeString(dir.resolve("locked"), "secret");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        Path target = Files.isReadable(locked) ? Path.of("/proc/1/environ") : locked;
        AccessDeniedException plain = null;
        try {
            Files.readAllBytes(target);
        } catch (AccessDeniedException e) {
            plain = e;
        }
        Assumptions.assumeTrue(plain != null, "running as root and /proc/1/environ is readable: no path denies us here");
        Asyncio.run(() -> {
            AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> AsyncFiles.readAllBytes(target));
            assertEquals(target.toString(), e.getFile());
            assertThrows(AccessDeniedException.class, () -> AsyncFile.open(target));
        });
    }

    @Test
    void callsOutsideATaskFailWithAnErrorSayingWhereToCallFrom() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        IllegalStateException noLoop = assertThrows(IllegalStateException.class, () -> AsyncFiles.readString(file));
        assertTrue(noLoop.getMessage().contains("inside a task"), noLoop.getMessage());
        assertThrows(IllegalStateException.class, () -> AsyncFile.open(file));
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            CompletableFuture<Throwable> inCallback = new CompletableFuture<>();
            loop.callSoon(() -> {
                try {
                    AsyncFiles.exists(file);
                    inCallback.complete(null);
                } catch (Throwable t) {
                    inCallback.complete(t);
                }
            });
            Asyncio.sleep(0);
            Asyncio.sleep(0);
            Throwable t = inCallback.getNow(null);
            assertInstanceOf(IllegalStateException.class, t);
            assertTrue(t.getMessage().contains("not in a callback"), t.getMessage());

            AsyncFile f = AsyncFile.open(file);
            // another thread
            CompletableFuture<Throwable> fromThread = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                try {
                    f.readLine();
                    fromThread.complete(null);
                } catch (Throwable x) {
                    fromThread.complete(x);
                }
                try {
                    f.close();
                } catch (Throwable x) {
                    fromThread.complete(x);
                }
            }).join();
            assertInstanceOf(IllegalStateException.class, fromThread.get(10, TimeUnit.SECONDS));
            assertTrue(f.isOpen(), "close() from another thread is refused");
            // a task of another loop
            Throwable otherLoop = Asyncio.toThread(() -> {
                try {
                    Asyncio.run(() -> f.readLine());
                    return null;
                } catch (Throwable x) {
                    return x;
                }
            });
            assertInstanceOf(IllegalStateException.class, otherLoop);
            assertTrue(otherLoop.getMessage().contains("another event loop"), otherLoop.getMessage());
            assertEquals("x", f.readLine());
            f.close();
        });
    }

    @Test
    void fileCallsWorkUnderVirtualTimeWhichWaitsForThemInRealTime() throws IOException {
        Path p = Files.writeString(dir.resolve("v.txt"), "virtual\n");
        String got = Asyncio.run(() -> {
            Asyncio.sleep(java.time.Duration.ofHours(1)); // jumps
            try (AsyncFile f = AsyncFile.open(p)) {
                return f.readLine() + AsyncFiles.readString(p).length();
            }
        }, io.jasyncio.RunOptions.defaults().virtualTime(true));
        assertEquals("virtual8", got);
    }
}
