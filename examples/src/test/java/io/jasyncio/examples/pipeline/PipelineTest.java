package io.jasyncio.examples.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jasyncio.Asyncio;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pipeline example with real programs: seq, sort, head, wc, sh. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PipelineTest {

    @Test
    void seqIntoSortGivesEveryNumberInReverse() {
        Pipeline.Result r = Asyncio.run(() -> Pipeline.run(List.of("seq", "1", "200000"), List.of("sort", "-rn")));
        String[] lines = r.text().split("\n");
        assertThat(lines).hasSize(200_000);
        assertThat(lines[0]).isEqualTo("200000");
        assertThat(lines[199_999]).isEqualTo("1");
        assertThat(r.firstExit()).isZero();
        assertThat(r.secondExit()).isZero();
    }

    @Test
    void fiftyMegabytesFlowThroughWithoutLoss() {
        // More than any pipe buffer: the copier must wait in drain() for wc, and lose nothing.
        Pipeline.Result r = Asyncio.run(() -> Pipeline.run(List.of("head", "-c", "50000000", "/dev/zero"), List.of("wc", "-c")));
        assertThat(r.text().trim()).isEqualTo("50000000");
    }

    @Test
    void exitStatusesOfBothProgramsAreReported() {
        Pipeline.Result r = Asyncio.run(() -> Pipeline.run(List.of("sh", "-c", "echo partial; exit 3"), List.of("cat")));
        assertThat(r.text()).isEqualTo("partial\n");
        assertThat(r.firstExit()).isEqualTo(3);
        assertThat(r.secondExit()).isZero();
    }

    @Test
    void aMissingProgramIsANoSuchFileExceptionInsideTheTask() {
        Asyncio.run(() -> {
            NoSuchFileException e = assertThrows(NoSuchFileException.class,
                    () -> Pipeline.run(List.of("no-such-program-jasyncio"), List.of("cat")));
            assertThat(e.getMessage()).contains("no-such-program-jasyncio");
        });
    }
}
