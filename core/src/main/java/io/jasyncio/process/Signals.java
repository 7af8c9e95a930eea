package io.jasyncio.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Signal names and numbers (Linux's, the platform this library is built and tested on), and
 * sending a signal Java has no call for by running {@code kill}. Java itself can send only
 * SIGTERM ({@link Process#destroy()}) and SIGKILL ({@link Process#destroyForcibly()}).
 */
final class Signals {
    static final int SIGKILL = 9;
    static final int SIGTERM = 15;

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

    /**
     * Sends {@code signal} to {@code pid} by running {@code kill -s NAME pid} (or {@code kill -N}
     * for signals without a name here) and waiting for it.
     */
    static void sendWithKill(long pid, int signal) {
        String spec = signal < NAMES.length ? "-" + NAMES[signal] : "-" + signal;
        ProcessBuilder pb = new ProcessBuilder("kill", spec, Long.toString(pid)).redirectErrorStream(true);
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("'kill " + spec + " " + pid + "' did not finish in 10 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("'kill " + spec + " " + pid + "' failed (status " + p.exitValue() + "): "
                        + new String(out, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot send signal " + name(signal) + " to " + pid
                    + ": running the kill command failed (Java can send only SIGTERM and SIGKILL itself)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending signal " + name(signal) + " to " + pid, e);
        }
    }
}
