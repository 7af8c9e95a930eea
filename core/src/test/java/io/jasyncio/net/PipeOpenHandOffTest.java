package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import io.jasyncio.net.PipesTest.Sink;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The path-based connects open their file off the loop; a caller cancelled after that open
 * returned, but before the caller resumed, closes the stream itself (the open already handed it
 * over), and a failure of that close travels with the caller's {@link CancelledError}.
 * ({@link PipeConnectCancelTest} has the other order: cancelled while the open waits, the open
 * closes what it makes later.)
 */
@Timeout(30)
class PipeOpenHandOffTest {

    /**
     * The window is held open by the loop thread itself: one callback lets the open return, waits
     * until the executor thread has left the open (so the hand-off happened) and cancels the
     * caller, whose task cannot resume in between.
     */
    @Test
    void aCancelAfterTheOpenReturnedClosesTheStreamInTheCallerAndKeepsTheCloseFailure() {
        Asyncio.run(() -> {
            CountDownLatch inOpen = new CountDownLatch(1);
            CountDownLatch letOpenReturn = new CountDownLatch(1);
            AtomicReference<Thread> opener = new AtomicReference<>();
            AtomicInteger closes = new AtomicInteger();
            IOException closeFailure = new IOException("close failed");
            Path path = OpenOnlyFileSystem.path(() -> {
                opener.set(Thread.currentThread());
                inOpen.countDown();
                assertTrue(letOpenReturn.await(20, TimeUnit.SECONDS));
                return new InputStream() {
                    @Override
                    public int read() {
                        return -1;
                    }

                    @Override
                    public void close() throws IOException {
                        closes.incrementAndGet();
                        throw closeFailure;
                    }
                };
            });
            List<CancelledError> seen = new ArrayList<>();
            Task<?> t = Asyncio.createTask(() -> {
                try {
                    return Pipes.connectReadPipe(Sink::new, path);
                } catch (CancelledError e) {
                    seen.add(e);
                    throw e;
                }
            });
            assertTrue(Asyncio.toThread(() -> inOpen.await(20, TimeUnit.SECONDS)), "the open runs in the executor");
            // A callback, not this task: a task's sleep parks only the task, a callback's blocks
            // the loop thread, so t cannot resume before the cancel.
            List<String> atCancel = new ArrayList<>();
            Asyncio.getRunningLoop().callSoon(() -> {
                letOpenReturn.countDown();
                for (int i = 0; i < 10_000 && inPipes(opener.get()); i++) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                atCancel.add("handed over " + !inPipes(opener.get()) + ", caller waiting " + !t.done());
                t.cancel();
            });
            assertThrows(CancelledError.class, t::await);
            assertEquals(List.of("handed over true, caller waiting true"), atCancel);
            assertEquals(1, closes.get(), "the stream is closed, once, by the caller");
            assertEquals(1, seen.size());
            assertArrayEquals(new Throwable[] {closeFailure}, seen.get(0).getSuppressed());
        });
    }

    /** Whether {@code thread} runs code of {@link Pipes} (the open's lambda and openOffLoop's hand-off). */
    private static boolean inPipes(Thread thread) {
        for (StackTraceElement e : thread.getStackTrace()) {
            if (e.getClassName().startsWith(Pipes.class.getName())) return true;
        }
        return false;
    }

    /**
     * A file system that can do one thing: open its one path for reading with {@code open}. What
     * {@code Files.newInputStream} needs is the path's file system's provider; everything else is
     * refused.
     */
    static final class OpenOnlyFileSystem extends FileSystem {
        private final FileSystemProvider provider;

        private OpenOnlyFileSystem(Callable<InputStream> open) {
            this.provider = new Provider(this, open);
        }

        static Path path(Callable<InputStream> open) {
            FileSystem fs = new OpenOnlyFileSystem(open);
            return (Path) Proxy.newProxyInstance(Path.class.getClassLoader(), new Class<?>[] {Path.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getFileSystem" -> fs;
                        case "toString" -> "open-only:/file";
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        private static UnsupportedOperationException refused() {
            return new UnsupportedOperationException("this file system only opens its file for reading");
        }

        @Override
        public FileSystemProvider provider() {
            return provider;
        }

        @Override
        public void close() {
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public boolean isReadOnly() {
            return true;
        }

        @Override
        public String getSeparator() {
            return "/";
        }

        @Override
        public Iterable<Path> getRootDirectories() {
            throw refused();
        }

        @Override
        public Iterable<FileStore> getFileStores() {
            throw refused();
        }

        @Override
        public Set<String> supportedFileAttributeViews() {
            return Set.of();
        }

        @Override
        public Path getPath(String first, String... more) {
            throw refused();
        }

        @Override
        public PathMatcher getPathMatcher(String syntaxAndPattern) {
            throw refused();
        }

        @Override
        public UserPrincipalLookupService getUserPrincipalLookupService() {
            throw refused();
        }

        @Override
        public WatchService newWatchService() {
            throw refused();
        }

        private static final class Provider extends FileSystemProvider {
            private final FileSystem fs;
            private final Callable<InputStream> open;

            Provider(FileSystem fs, Callable<InputStream> open) {
                this.fs = fs;
                this.open = open;
            }

            @Override
            public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
                try {
                    return open.call();
                } catch (IOException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }

            @Override
            public String getScheme() {
                return "open-only";
            }

            @Override
            public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
                throw refused();
            }

            @Override
            public FileSystem getFileSystem(URI uri) {
                return fs;
            }

            @Override
            public Path getPath(URI uri) {
                throw refused();
            }

            @Override
            public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) {
                throw refused();
            }

            @Override
            public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) {
                throw refused();
            }

            @Override
            public void createDirectory(Path dir, FileAttribute<?>... attrs) {
                throw refused();
            }

            @Override
            public void delete(Path path) {
                throw refused();
            }

            @Override
            public void copy(Path source, Path target, CopyOption... options) {
                throw refused();
            }

            @Override
            public void move(Path source, Path target, CopyOption... options) {
                throw refused();
            }

            @Override
            public boolean isSameFile(Path path, Path path2) {
                return path == path2;
            }

            @Override
            public boolean isHidden(Path path) {
                return false;
            }

            @Override
            public FileStore getFileStore(Path path) {
                throw refused();
            }

            @Override
            public void checkAccess(Path path, AccessMode... modes) {
            }

            @Override
            public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
                throw refused();
            }

            @Override
            public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options) {
                throw refused();
            }

            @Override
            public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) {
                throw refused();
            }

            @Override
            public void setAttribute(Path path, String attribute, Object value, LinkOption... options) {
                throw refused();
            }
        }
    }
}
