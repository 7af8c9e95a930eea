package io.jasyncio.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Signal names and numbers (Linux's, the platform this library is built and tested on), and
 * sending any of them to a child. Java itself can send only SIGTERM ({@link Process#destroy()})
 * and SIGKILL ({@link Process#destroyForcibly()}); {@code ProcessHandle} has nothing more, and
 * {@code sun.misc.Signal.raise} signals only this JVM. So other signals go through the C library's
 * {@code kill(2)}, called with the foreign function API ({@code java.lang.foreign}) when this
 * module may call native code ({@code --enable-native-access=ALL-UNNAMED}, or the module's name
 * on the module path): no process is started and nothing blocks. Without that permission (using
 * the API then would print the JDK's "restricted method" warning) the {@code kill} command is run
 * instead, which forks and waits a few milliseconds for it.
 */
final class Signals {
    static final int SIGKILL = 9;
    static final int SIGTERM = 15;
    /** kill(2)'s errno for a process that does not exist (Linux). */
    private static final int ESRCH = 3;

    /** Tests: never use kill(2) directly (the fallback's path). */
    static volatile boolean nativeDisabled;
    /** Tests: the command run by the fallback. */
    static volatile String killCommand = "kill";

    private static final String[] NAMES = {
            null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
            "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM",
            "PROF", "WINCH", "IO", "PWR", "SYS"};
    private static final Map<String, Integer> BY_NAME = new TreeMap<>();

    static {
        for (int i = 1; i < NAMES.length; i++) BY_NAME.put(NAMES[i], i);
    }

    private Signals() {
    }

    /** The number of {@code name} ("TERM", "SIGTERM", "term"). */
    static int number(String name) {
        String n = name.strip().toUpperCase(Locale.ROOT);
        if (n.startsWith("SIG")) n = n.substring(3);
        Integer sig = BY_NAME.get(n);
        if (sig == null) {
            throw new IllegalArgumentException("unknown signal name '" + name + "': use one of " + BY_NAME.keySet()
                    + " (with or without SIG), or a number");
        }
        return sig;
    }

    static void checkNumber(int signal) {
        if (signal < 1 || signal > 64) throw new IllegalArgumentException("signal number out of range 1..64: " + signal);
    }

    /** "TERM" for 15, or the number as text for a real-time or unknown signal. */
    static String name(int signal) {
        return signal < NAMES.length ? NAMES[signal] : Integer.toString(signal);
    }

    /** Whether {@link #send} calls kill(2) itself rather than running the {@code kill} command. */
    static boolean usesNativeKill() {
        return !nativeDisabled && NativeKill.AVAILABLE;
    }

    /**
     * Sends {@code signal} (1..64, checked by the caller) to {@code pid}: kill(2) directly when
     * allowed, else the {@code kill} command. With kill(2), a process that no longer exists is not
     * an error (asyncio's {@code send_signal} skips a child that already died); the caller checks
     * that the child was alive just before.
     *
     * @throws IllegalStateException if the signal may not be sent, or the command fails
     */
    static void send(long pid, int signal) {
        if (usesNativeKill()) {
            NativeKill.send(pid, signal);
        } else {
            sendWithKill(pid, signal);
        }
    }

    /** kill(2) through the foreign function API; initialized on first use. */
    private static final class NativeKill {
        static final boolean AVAILABLE;
        private static final java.lang.invoke.MethodHandle KILL;
        private static final java.lang.foreign.StructLayout STATE = java.lang.foreign.Linker.Option.captureStateLayout();
        private static final java.lang.invoke.VarHandle ERRNO =
                STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

        static {
            java.lang.invoke.MethodHandle kill = null;
            // Checked first: calling a restricted method without the permission prints a warning.
            if (Signals.class.getModule().isNativeAccessEnabled()) {
                try {
                    java.lang.foreign.Linker linker = java.lang.foreign.Linker.nativeLinker();
                    kill = linker.defaultLookup().find("kill").map(f -> linker.downcallHandle(f,
                            java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT,
                                    java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.JAVA_INT),
                            java.lang.foreign.Linker.Option.captureCallState("errno"))).orElse(null);
                } catch (RuntimeException | LinkageError unavailable) {
                    kill = null; // an unsupported platform: the command it is
                }
            }
            KILL = kill;
            AVAILABLE = kill != null;
        }

        static void send(long pid, int signal) {
            int result, errno;
            try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                java.lang.foreign.MemorySegment state = arena.allocate(STATE);
                result = (int) KILL.invokeExact(state, Math.toIntExact(pid), signal);
                errno = (int) ERRNO.get(state, 0L);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable impossible) {
                throw new IllegalStateException("kill(2) failed to run", impossible);
            }
            // ESRCH: the child exited after the caller saw it alive; as asyncio's send_signal, that
            // is not an error.
            if (result == 0 || errno == ESRCH) return;
            throw new IllegalStateException("cannot send signal " + name(signal) + " to " + pid + ": kill(2) failed with errno " + errno);
        }
    }

    /**
     * Sends {@code signal} to {@code pid} by running {@code kill -NAME pid} (or {@code kill -N}
     * for signals without a name here) and waiting for it.
     */
    static void sendWithKill(long pid, int signal) {
        String spec = signal < NAMES.length ? "-" + NAMES[signal] : "-" + signal;
        String command = killCommand;
        ProcessBuilder pb = new ProcessBuilder(command, spec, Long.toString(pid)).redirectErrorStream(true);
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("'" + command + " " + spec + " " + pid + "' did not finish in 10 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("'" + command + " " + spec + " " + pid + "' failed (status " + p.exitValue() + "): "
                        + new String(out, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot send signal " + name(signal) + " to " + pid + ": running the '" + command
                    + "' command failed (" + e.getMessage() + "). Java can send only SIGTERM and SIGKILL itself: install "
                    + "the kill command (Debian: procps), or allow jasyncio to call kill(2) directly with "
                    + "--enable-native-access=ALL-UNNAMED (io.jasyncio on the module path)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending signal " + name(signal) + " to " + pid, e);
        }
    }
}
