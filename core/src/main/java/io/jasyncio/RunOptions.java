package io.jasyncio;

import java.time.Duration;

/**
 * How {@link Asyncio#run(Coroutine, RunOptions)} and {@link Runner#Runner(RunOptions)} set up
 * their loop: debug mode, the slow-callback threshold, virtual time. Immutable; each setter
 * returns a new value, so a constant can be shared freely between threads.
 *
 * <pre>{@code
 * RunOptions testing = RunOptions.defaults().virtualTime(true).debug(true);
 * Asyncio.run(() -> {
 *     Asyncio.sleep(Duration.ofMinutes(10)); // instant: virtual time
 * }, testing);
 * }</pre>
 *
 * <p>A value: its methods never suspend and may be called from any thread.
 */
public final class RunOptions {
    private static final RunOptions DEFAULTS = new RunOptions(false, false, null);

    private final boolean debug;
    private final boolean virtualTime;
    private final Duration slowCallbackDuration;

    private RunOptions(boolean debug, boolean virtualTime, Duration slowCallbackDuration) {
        this.debug = debug;
        this.virtualTime = virtualTime;
        this.slowCallbackDuration = slowCallbackDuration;
    }

    /**
     * Real time; debug mode only if the system property {@code jasyncio.debug=true} or the
     * environment variable {@code JASYNCIO_DEBUG} asks for it (any value but empty, {@code 0},
     * {@code false}, {@code no} or {@code off}).
     */
    public static RunOptions defaults() {
        return DEFAULTS;
    }

    /** Debug mode on (see {@link EventLoop#setDebug}); false leaves it to the property/variable. */
    public RunOptions debug(boolean on) {
        return new RunOptions(on, virtualTime, slowCallbackDuration);
    }

    /** Each loop gets its own {@link VirtualClock}: sleeps and timeouts take no real time. */
    public RunOptions virtualTime(boolean on) {
        return new RunOptions(debug, on, slowCallbackDuration);
    }

    /** In debug mode, callbacks and task steps slower than {@code d} are logged (default 100 ms). */
    public RunOptions slowCallbackDuration(Duration d) {
        if (d == null || d.isNegative()) throw new IllegalArgumentException("slow callback duration must be >= 0: " + d);
        return new RunOptions(debug, virtualTime, d);
    }

    /** Whether the loop runs in debug mode (see {@link #debug}). */
    public boolean isDebug() {
        return debug;
    }

    /** Whether the loop runs on a {@link VirtualClock} (see {@link #virtualTime}). */
    public boolean isVirtualTime() {
        return virtualTime;
    }

    /** The threshold set with {@link #slowCallbackDuration}, or null for the loop's default. */
    public Duration getSlowCallbackDuration() {
        return slowCallbackDuration;
    }

    /** A new loop configured by these options. */
    EventLoop newLoop() {
        EventLoop loop = new EventLoop(virtualTime ? new VirtualClock() : null);
        if (debug) loop.setDebug(true);
        if (slowCallbackDuration != null) loop.setSlowCallbackDuration(slowCallbackDuration);
        return loop;
    }

    @Override
    public String toString() {
        return "RunOptions[debug=" + debug + ", virtualTime=" + virtualTime
                + (slowCallbackDuration != null ? ", slowCallbackDuration=" + slowCallbackDuration : "") + "]";
    }
}
