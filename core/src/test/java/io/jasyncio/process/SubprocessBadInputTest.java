package io.jasyncio.process;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Signals, errors and bad input of the subprocess API, with real programs. */
@Timeout(60)
class SubprocessBadInputTest {

    @AfterEach
    void noChildOrPipeThreadIsLeft() throws Exception {
        Leftovers.assertNone();
    }

    @Test
    void aKilledChildReportsMinusNine() {
        Asyncio.run(() -> {
            Subprocess p = Subprocesses.createSubprocessExec(SubprocessOptions.defaults(), "sleep", "30");
            p.kill();
            assertEquals(-9, p.waitFor());
            assertEquals(-9, p.returncode());
        });
    }

    @Test
    void terminateReportsMinusFifteen() {
        Asyncio.run(() -> {
            Subprocess p = Subprocesses.createSubprocessExec(SubprocessOptions.defaults(), "sleep", "30");
            p.terminate();
            assertEquals(-15, p.waitFor());
        });
    }

    @Test
    void aSignalJavaCannotSendIsDeliveredByName() {
        Asyncio.run(() -> {
            Subprocess p = Subprocesses.createSubprocessShell(SubprocessOptions.defaults().stdout(Stdio.PIPE),
                    "trap 'echo got-usr1; exit 5' USR1; echo ready; while :; do sleep 0.05; done");
            assertEquals("ready\n", new String(p.stdout().readLine(), US_ASCII));
            p.sendSignal("SIGUSR1");
            assertEquals("got-usr1\n", new String(p.stdout().readLine(), US_ASCII));
            assertEquals(5, p.waitFor());
        });
    }

    /** A shell that prints "ready", then answers SIGUSR1 with "got-usr1" and exit status 5. */
    private static Subprocess usr1Catcher() throws Exception {
        Subprocess p = Subprocesses.createSubprocessShell(SubprocessOptions.defaults().stdout(Stdio.PIPE),
                "trap 'echo got-usr1; exit 5' USR1; echo ready; while :; do sleep 0.05; done");
        assertEquals("ready\n", new String(p.stdout().readLine(), US_ASCII));
        return p;
    }

    /**
     * The tests' JVM allows native access (see the Surefire argLine), so a signal Java has no call
     * for goes to kill(2) directly: with the kill command made unrunnable it still arrives.
     */
    @Test
    void withNativeAccessASignalIsSentByKillItselfWithoutRunningACommand() {
        assertTrue(Signals.usesNativeKill(), "the tests run with --enable-native-access=ALL-UNNAMED");
        Signals.killCommand = "/nonexistent/jasyncio-kill";
        try {
            Asyncio.run(() -> {
                Subprocess p = usr1Catcher();
                p.sendSignal("USR1");
                assertEquals("got-usr1\n", new String(p.stdout().readLine(), US_ASCII));
                assertEquals(5, p.waitFor());
            });
        } finally {
            Signals.killCommand = "kill";
        }
    }

    /** kill(2) on a process that is gone (the child exited after the caller saw it alive) is not an error. */
    @Test
    void killOfAProcessThatIsGoneIsNotAnError() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Signals.killCommand = "/nonexistent/jasyncio-kill"; // so that only kill(2) can pass
        try {
            Signals.send(gone.pid(), 10);
        } finally {
            Signals.killCommand = "kill";
        }
    }

    @Test
    void withoutNativeAccessTheKillCommandDeliversTheSignal() {
        Signals.nativeDisabled = true;
        try {
            Asyncio.run(() -> {
                Subprocess p = usr1Catcher();
                p.sendSignal(10);
                assertEquals("got-usr1\n", new String(p.stdout().readLine(), US_ASCII));
                assertEquals(5, p.waitFor());
            });
        } finally {
            Signals.nativeDisabled = false;
        }
    }

    @Test
    void withoutNativeAccessAMissingKillCommandIsAPreciseErrorSayingWhatToDo() {
        Signals.nativeDisabled = true;
        Signals.killCommand = "/nonexistent/jasyncio-kill";
        try {
            Asyncio.run(() -> {
                Subprocess p = Subprocesses.createSubprocessExec(SubprocessOptions.defaults(), "sleep", "30");
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.sendSignal("HUP"));
                assertTrue(e.getMessage().contains("cannot send signal HUP to " + p.pid()), e.getMessage());
                assertTrue(e.getMessage().contains("'/nonexistent/jasyncio-kill' command failed"), e.getMessage());
                assertTrue(e.getMessage().contains("install the kill command"), e.getMessage());
                assertTrue(e.getMessage().contains("--enable-native-access=ALL-UNNAMED"), e.getMessage());
                assertInstanceOf(java.io.IOException.class, e.getCause());
                p.kill();
                assertEquals(-9, p.waitFor());
            });
        } finally {
            Signals.nativeDisabled = false;
            Signals.killCommand = "kill";
        }
    }

    @Test
    void withoutNativeAccessAFailingKillCommandIsAPreciseError() {
        Signals.nativeDisabled = true;
        Signals.killCommand = "false"; // runs, and fails with status 1
        try {
            Asyncio.run(() -> {
                Subprocess p = Subprocesses.createSubprocessExec(SubprocessOptions.defaults(), "sleep", "30");
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.sendSignal(40));
                assertTrue(e.getMessage().contains("'false -40 " + p.pid() + "' failed (status 1)"), e.getMessage());
                p.kill();
                assertEquals(-9, p.waitFor());
            });
        } finally {
            Signals.nativeDisabled = false;
            Signals.killCommand = "kill";
        }
    }

    @Test
    void unknownSignalNamesAndNumbersArePreciseErrors() {
        Asyncio.run(() -> {
            Subprocess p = Subprocesses.createSubprocessExec(SubprocessOptions.defaults(), "sleep", "30");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.sendSignal("SIGNOPE"));
            assertTrue(e.getMessage().contains("unknown signal name 'SIGNOPE'") && e.getMessage().contains("TERM"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> p.sendSignal(0));
            assertThrows(IllegalArgumentException.class, () -> p.sendSignal(65));
            p.sendSignal("term");
            assertEquals(-15, p.waitFor());
            // Once the transport has finished, as asyncio's ProcessLookupError:
            IllegalStateException gone = assertThrows(IllegalStateException.class, () -> p.sendSignal(9));
            assertTrue(gone.getMessage().contains("has exited"), gone.getMessage());
        });
    }

    @Test
    void aProgramThatDoesNotExistIsNoSuchFileNamingIt() {
        Asyncio.run(() -> {
            NoSuchFileException e = assertThrows(NoSuchFileException.class,
                    () -> Subprocesses.createSubprocessExec(SubprocessOptions.pipes(), "no-such-program-jasyncio", "x"));
            assertEquals("no-such-program-jasyncio", e.getFile());
            assertTrue(e.getMessage().contains("no-such-program-jasyncio"), e.getMessage());
        });
    }

    @Test
    void aProgramWithoutExecutePermissionIsAccessDenied(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("script.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        Asyncio.run(() -> {
            AccessDeniedException e = assertThrows(AccessDeniedException.class,
                    () -> Subprocesses.createSubprocessExec(SubprocessOptions.defaults(), script.toString()));
            assertEquals(script.toString(), e.getFile());
        });
    }

    @Test
    void aMissingWorkingDirectoryOrStdinFileIsNoSuchFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        Asyncio.run(() -> {
            NoSuchFileException e = assertThrows(NoSuchFileException.class,
                    () -> Subprocesses.createSubprocessExec(SubprocessOptions.defaults().cwd(dir.resolve("gone")), "true"));
            assertTrue(e.getMessage().contains("working directory"), e.getMessage());
            assertThrows(NotDirectoryException.class,
                    () -> Subprocesses.createSubprocessExec(SubprocessOptions.defaults().cwd(file), "true"));
            assertThrows(NoSuchFileException.class, () -> Subprocesses.createSubprocessExec(
                    SubprocessOptions.defaults().stdin(Stdio.file(dir.resolve("missing"))), "cat"));
        });
    }

    @Test
    void aDirectoryAsStdinIsAPreciseError(@TempDir Path dir) {
        Asyncio.run(() -> {
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> Subprocesses.createSubprocessExec(
                    SubprocessOptions.defaults().stdin(Stdio.file(dir)), "cat"));
            assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        });
    }

    @Test
    void signalsAndCloseFromAnotherThreadNameTheRightWay() {
        Asyncio.run(() -> {
            Subprocess p = Subprocesses.createSubprocessExec(SubprocessOptions.defaults(), "sleep", "30");
            var errors = new java.util.ArrayList<Throwable>();
            Thread t = Thread.ofPlatform().start(() -> {
                for (Runnable r : List.<Runnable>of(p::kill, p::terminate, p::close, () -> p.sendSignal("HUP"))) {
                    try {
                        r.run();
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }
            });
            Asyncio.toThread(() -> {
                t.join();
                return null;
            });
            assertEquals(4, errors.size(), errors.toString());
            for (Throwable e : errors) {
                assertInstanceOf(IllegalStateException.class, e);
                assertTrue(e.getMessage().contains("callSoonThreadsafe"), e.getMessage());
            }
            assertNull(p.returncode(), "nothing reached the child");
            p.kill();
            assertEquals(-9, p.waitFor());
        });
    }

    @Test
    void badOptionsAreRejectedWhenMade() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SubprocessOptions.defaults().stdout(Stdio.STDOUT));
        assertTrue(e.getMessage().contains("only for stderr"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SubprocessOptions.defaults().stdin(Stdio.STDOUT));
        assertThrows(IllegalArgumentException.class, () -> SubprocessOptions.defaults().limit(0));
        assertThrows(NullPointerException.class, () -> SubprocessOptions.defaults().env(java.util.Collections.singletonMap("A", null)));
        Asyncio.run(() -> {
            assertThrows(IllegalArgumentException.class,
                    () -> Subprocesses.createSubprocessExec(SubprocessOptions.defaults(), List.of()));
        });
    }

    @Test
    void environmentAndWorkingDirectoryReachTheChild(@TempDir Path dir) {
        Asyncio.run(() -> {
            Subprocess p = Subprocesses.createSubprocessShell(
                    SubprocessOptions.defaults().stdout(Stdio.PIPE).env(Map.of("GREETING", "bonjour", "PATH", "/usr/bin:/bin"))
                            .cwd(dir), "echo $GREETING; pwd; echo ${HOME:-no-home}");
            String out = new String(p.communicate().stdout(), US_ASCII);
            assertEquals("bonjour\n" + dir.toRealPath() + "\nno-home\n", out, "env replaces the parent's environment");
        });
    }

    @Test
    void redirectionsToDevNullFilesAndStdout(@TempDir Path dir) throws Exception {
        Path in = Files.writeString(dir.resolve("in.txt"), "from a file\n");
        Path out = dir.resolve("out.txt");
        Asyncio.run(() -> {
            // stdin from a file, stdout to a file
            Subprocess a = Subprocesses.createSubprocessExec(
                    SubprocessOptions.defaults().stdin(Stdio.file(in)).stdout(Stdio.file(out)), "cat");
            assertNull(a.stdin());
            assertNull(a.stdout());
            assertEquals(0, a.waitFor());
            // stdin from /dev/null: cat ends at once with no output
            Subprocess b = Subprocesses.createSubprocessExec(
                    SubprocessOptions.defaults().stdin(Stdio.DEVNULL).stdout(Stdio.PIPE), "cat");
            assertEquals(0, b.communicate().stdout().length);
            // stderr into stdout
            Subprocess c = Subprocesses.createSubprocessShell(
                    SubprocessOptions.defaults().stdout(Stdio.PIPE).stderr(Stdio.STDOUT), "echo one; echo two >&2");
            assertNull(c.stderr());
            Subprocess.Output o = c.communicate();
            assertEquals("one\ntwo\n", new String(o.stdout(), US_ASCII));
            assertNull(o.stderr());
            // stdout discarded, stderr inherited (visible in the test log only)
            Subprocess d = Subprocesses.createSubprocessShell(
                    SubprocessOptions.defaults().stdout(Stdio.DEVNULL).stderr(Stdio.INHERIT), "echo gone; exit 3");
            assertNull(d.stdout());
            assertEquals(3, d.waitFor());
        });
        assertEquals("from a file\n", Files.readString(out));
    }

    @Test
    void closeKillsARunningChildAndIsIdempotent() {
        Asyncio.run(() -> {
            Subprocess p = Subprocesses.createSubprocessExec(SubprocessOptions.pipes(), "sleep", "30");
            p.close();
            p.close();
            assertEquals(-9, p.waitFor());
        });
    }

    @Test
    void closingTheLoopKillsAndReapsChildrenStillRunning() throws Exception {
        long[] pid = new long[1];
        Asyncio.run(() -> {
            Subprocess p = Subprocesses.createSubprocessExec(SubprocessOptions.pipes(), "sleep", "60");
            pid[0] = p.pid();
            // returns with the child running and its three pipe threads blocked
        });
        assertTrue(ProcessHandle.of(pid[0]).map(h -> !h.isAlive()).orElse(true), "the child was killed and reaped");
        assertEquals(List.of(), Leftovers.pipeThreads().stream().filter(Thread::isAlive).toList(),
                "the pipe threads ended before Asyncio.run returned");
    }

    @Test
    void noPipeDescriptorIsLeftAfterChildrenFinishOrAreKilled() throws Exception {
        for (boolean threads : new boolean[]{false, true}) {
            ProcPipes.disabled = threads;
            try {
                long before = pipeDescriptors();
                Asyncio.run(() -> {
                    for (int i = 0; i < 3; i++) {
                        Subprocess p = Subprocesses.createSubprocessExec(SubprocessOptions.pipes(), "cat");
                        p.communicate(new byte[100_000]);
                    }
                    Subprocesses.createSubprocessExec(SubprocessOptions.pipes(), "sleep", "60"); // killed at loop close
                });
                Leftovers.assertNone();
                assertEquals(before, pipeDescriptors(), "pipe descriptors left open (thread pipes: " + threads + ")");
            } finally {
                ProcPipes.disabled = false;
            }
        }
    }

    /** Pipe descriptors this JVM has open (link targets "pipe:[...]" in /proc/self/fd). */
    static long pipeDescriptors() throws java.io.IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().startsWith("pipe:");
                } catch (java.io.IOException gone) {
                    return false;
                }
            }).count();
        }
    }
}
