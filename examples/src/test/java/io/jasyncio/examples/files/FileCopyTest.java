package io.jasyncio.examples.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jasyncio.Asyncio;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FileCopyTest {

    @Test
    void copiesEveryByteAndReportsProgressUpToTheSize(@TempDir Path dir) throws Exception {
        byte[] data = new byte[5 * 1024 * 1024 + 123]; // not a multiple of the chunk
        new Random(11).nextBytes(data);
        Path source = Files.write(dir.resolve("source.bin"), data);
        Path target = dir.resolve("target.bin");
        Files.writeString(target, "old content, longer than nothing"); // truncated by the copy
        List<Long> progress = new ArrayList<>();
        long copied = Asyncio.run(() -> FileCopy.copy(source, target, progress::add));
        assertThat(copied).isEqualTo(data.length);
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertThat(progress).isSorted().last().isEqualTo((long) data.length);
        assertThat(progress).hasSizeGreaterThan(1);
    }

    @Test
    void aMissingSourceIsTheJdksExceptionUnwrapped(@TempDir Path dir) {
        Asyncio.run(() -> {
            assertThrows(NoSuchFileException.class, () -> FileCopy.copy(dir.resolve("missing"), dir.resolve("t"), n -> { }));
        });
        assertThat(dir.resolve("t")).doesNotExist();
    }
}
