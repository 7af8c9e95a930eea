package io.jasyncio.process;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.net.ReadTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The high-level API with real programs: cat, sh, yes | head, large pipes, flow control. */
@Timeout(60)
class SubprocessTest {
    /** Which pipes serve the child: selectable ones (Linux), or the JDK's streams with threads. */
    boolean threadPipes() {
        return false;
    }

    @org.junit.jupiter.api.BeforeEach
    void choosePipes() {
        ProcPipes.disabled = threadPipes();
    }


    @AfterEach
    void noChildOrPipeThreadIsLeft() throws Exception {
        ProcPipes.disabled = false;
        Leftovers.assertNone();
    }

    @Test
    void catEchoesWhatWeWriteLineByLine() {
        Asyncio.run(() -> {
            Subprocess p = Subprocesses.createSubprocessExec(SubprocessOptions.pipes(), "cat");
            assertNull(p.returncode());
            assertTrue(p.pid() > 0);
            p.stdin().write("hello\n".getBytes(US_ASCII));
            p.stdin().drain();
            assertEquals("hello\n", new String(p.stdout().readLine(), US_ASCII));
            p.stdin().write("world\n".getBytes(US_ASCII));
            p.stdin().close();
            p.stdin().waitClosed();
            assertEquals("world\n", new String(p.stdout().read(-1), US_ASCII));
            assertTrue(p.stdout().atEof());
            assertEquals(0, p.waitFor());
            assertEquals(0, p.returncode());
        });
    }

    @Test
    void aShellCommandReportsItsNonZeroExitAndBothOutputs() {
        Asyncio.run(() -> {
            Subprocess p = Subprocesses.createSubprocessShell(SubprocessOptions.pipes(), "echo out; echo err >&2; exit 7");
            Subprocess.Output out = p.communicate();
            assertEquals("out\n", new String(out.stdout(), US_ASCII));
            assertEquals("err\n", new String(out.stderr(), US_ASCII));
            assertEquals(7, p.returncode());
            assertEquals(7, p.waitFor());
        });
    }

    @Test
    void yesPipedIntoHeadGivesExactlyTheCount() {
        Asyncio.run(() -> {
            Subprocess p = Subprocesses.createSubprocessShell(SubprocessOptions.defaults().stdout(Stdio.PIPE),
                    "yes | head -c 3000000");
            byte[] all = p.stdout().read(-1);
            assertEquals(3_000_000, all.length);
            assertEquals('y', all[0]);
            assertEquals('\n', all[1]);
            assertEquals(0, p.waitFor());
        });
    }

    @Test
    void communicateSendsAndReceivesTenMebibytesThroughCatWithoutDeadlock() {
        byte[] input = new byte[10 << 20];
        for (int i = 0; i < input.length; i++) input[i] = (byte) (i * 31 + (i >>> 13));
        Asyncio.run(() -> {
            Subprocess p = Subprocesses.createSubprocessExec(SubprocessOptions.pipes(), "cat");
            Subprocess.Output out = p.communicate(input);
            assertArrayEquals(input, out.stdout());
            assertEquals(0, out.stderr().length);
            assertEquals(0, p.returncode());
        });
    }

    @Test
    void tenMebibytesOnStdoutAndStderrAtOnceDoNotDeadlock() {
        Asyncio.run(() -> {
            Subprocess p = Subprocesses.createSubprocessShell(SubprocessOptions.defaults().stdout(Stdio.PIPE).stderr(Stdio.PIPE),
                    "head -c 10485760 /dev/zero & head -c 10485760 /dev/zero | tr '\\0' e >&2; wait");
            Subprocess.Output out = p.communicate();
            assertEquals(10 << 20, out.stdout().length);
            assertEquals(10 << 20, out.stderr().length);
            assertEquals('e', out.stderr()[12345]);
            assertEquals(0, p.returncode());
        });
    }

    @Test
    void aChildWritingFasterThanWeReadIsHeldBackWithBoundedMemory() {
        int limit = 64 * 1024;
        long total = 64L << 20;
        Asyncio.run(() -> {
            Subprocess p = Subprocesses.createSubprocessExec(
                    SubprocessOptions.defaults().stdout(Stdio.PIPE).limit(limit), "head", "-c", Long.toString(total), "/dev/zero");
            ReadTransport stdout = (ReadTransport) p.transport().getPipeTransport(1);
            // Read one byte, then stop reading: the reader fills to 2 x limit and pauses its pipe.
            assertEquals(1, p.stdout().read(1).length);
            while (stdout.isReading()) Asyncio.sleep(java.time.Duration.ofMillis(5));
            // The child must end up blocked in a pipe write, having written only what the
            // buffers hold: pipe (64 KiB) + pipe thread's chunks (4 x 64 KiB) + reader (2 x limit + a chunk).
            Path proc = Path.of("/proc/" + p.pid());
            while (!Files.readString(proc.resolve("wchan")).contains("pipe_write")) {
                Asyncio.sleep(java.time.Duration.ofMillis(10));
            }
            long written = wchar(proc);
            assertTrue(written < 1 << 20, "the child wrote " + written + " bytes while we read nothing");
            assertNull(p.returncode());
            long got = 1;
            byte[] chunk;
            while ((chunk = p.stdout().read(1 << 20)).length > 0) got += chunk.length;
            assertEquals(total, got);
            assertEquals(0, p.waitFor());
        });
    }

    static long wchar(Path proc) throws IOException {
        for (String line : Files.readAllLines(proc.resolve("io"))) {
            if (line.startsWith("wchar:")) return Long.parseLong(line.substring(6).strip());
        }
        throw new IllegalStateException("no wchar in " + proc.resolve("io"));
    }

    @Test
    void aChildThatExitsWhileWeWriteMakesDrainFailInsteadOfHanging() {
        Asyncio.run(() -> {
            Subprocess p = Subprocesses.createSubprocessExec(SubprocessOptions.defaults().stdin(Stdio.PIPE), "head", "-c", "1");
            byte[] chunk = new byte[64 * 1024];
            IOException e = assertThrows(IOException.class, () -> {
                while (true) {
                    p.stdin().write(chunk);
                    p.stdin().drain();
                }
            });
            assertNotNull(e.getMessage());
            assertEquals(0, p.waitFor());
        });
    }

    @Test
    void writingToStdinAfterTheChildExitedFailsOnDrain() {
        Asyncio.run(() -> {
            Subprocess p = Subprocesses.createSubprocessExec(SubprocessOptions.defaults().stdin(Stdio.PIPE), "true");
            assertEquals(0, p.waitFor());
            p.stdin().waitClosed(); // the stdin pipe closes when the child exits, as in asyncio
            p.stdin().write("late".getBytes(US_ASCII)); // dropped, as asyncio drops writes to a lost pipe
            IOException e = assertThrows(IOException.class, () -> p.stdin().drain());
            assertTrue(e.getMessage().contains("lost"), e.getMessage());
        });
    }

    @Test
    void communicateTwiceIsAPreciseError() {
        Asyncio.run(() -> {
            Subprocess p = Subprocesses.createSubprocessShell(SubprocessOptions.pipes(), "echo once");
            assertEquals("once\n", new String(p.communicate().stdout(), US_ASCII));
            IllegalStateException e = assertThrows(IllegalStateException.class, p::communicate);
            assertTrue(e.getMessage().contains("communicate() was already called"), e.getMessage());
        });
    }

    @Test
    void communicateWithInputNeedsAStdinPipe() {
        Asyncio.run(() -> {
            Subprocess p = Subprocesses.createSubprocessExec(SubprocessOptions.defaults().stdout(Stdio.PIPE), "true");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.communicate(new byte[1]));
            assertTrue(e.getMessage().contains("stdin=Stdio.PIPE"), e.getMessage());
            p.waitFor();
        });
    }

    @Test
    void readingStdoutLineByLineWhileTheChildRuns() {
        Asyncio.run(() -> {
            Subprocess p = Subprocesses.createSubprocessShell(SubprocessOptions.defaults().stdout(Stdio.PIPE),
                    "for i in 1 2 3; do echo line$i; done");
            StringBuilder sb = new StringBuilder();
            for (byte[] line : p.stdout()) sb.append(new String(line, US_ASCII));
            assertEquals("line1\nline2\nline3\n", sb.toString());
            assertEquals(0, p.waitFor());
            assertArrayEquals(new byte[0], Arrays.copyOf(p.stdout().read(-1), 0));
        });
    }
}
