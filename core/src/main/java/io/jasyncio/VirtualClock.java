package io.jasyncio;

import java.time.Duration;
import java.util.List;

/**
 * Virtual time for an {@link EventLoop}: a clock that stands still while anything can run and,
 * when every task waits on the loop, jumps straight to the next timer instead of sleeping — like
 * Trio's autojump clock, kotlinx-coroutines-test and Tokio's paused time. A test that sleeps an
 * hour finishes in milliseconds, and timers fire in exactly the order real time would give.
 *
 * <pre>{@code
 * Asyncio.run(() -> {
 *     Asyncio.sleep(Duration.ofHours(1));                 // returns at once
 *     System.out.println(Asyncio.getRunningLoop().time()); // 3600.0
 * }, RunOptions.defaults().virtualTime(true));
 *
 * // or by hand:
 * VirtualClock clock = new VirtualClock();
 * try (EventLoop loop = new EventLoop(clock)) { loop.runUntilComplete(() -> Asyncio.sleep(60.0)); }
 * }</pre>
 *
 * <h2>When time jumps</h2>
 * The loop's {@link EventLoop#time()} starts at 0 and moves only in two ways: {@link #advance}, and
 * a jump at the start of an iteration in which nothing is ready — no callback or task step queued,
 * no cross-thread work arrived, no I/O ready — to the deadline of the nearest timer. Whether the
 * loop is truly idle depends on what its tasks wait for:
 * <ul>
 *   <li>A task suspended in one of jasyncio's own suspension points ({@link Future#await()},
 *       {@link Asyncio#sleep}, the locks, queues and streams) waits on the loop: time may jump.</li>
 *   <li>A task parked in a blocking JDK call ({@code Thread.sleep}, a {@code java.net.Socket}
 *       read, a monitor wait...) progresses in real time, outside the loop's knowledge. So does
 *       work started with {@link EventLoop#runInExecutor}, {@link Asyncio#toThread} or
 *       {@link EventLoop#wrapFuture}. While any of those is pending, time does <em>not</em> jump:
 *       the loop waits in real time for it, as it would without virtual time.</li>
 *   <li>If such a wait makes no progress for the {@link #setStallLimit stall limit} (1 s of real
 *       time by default) — say a task blocks in {@code CompletableFuture.get()} on something only
 *       a later timer completes — the loop jumps anyway rather than hang, and logs a WARNING that
 *       names the blocked tasks with their stacks, because ordering may then differ from real
 *       time. A null limit waits forever instead.</li>
 * </ul>
 * Channels served by the loop (its transports and streams) count as waiting on the loop, as in
 * Trio — except a socket whose connect is in progress, which is real-time work like the above.
 * Before a jump, a loop with registered channels polls them for 1 ms of real time, so that data
 * already in flight between two ends on 127.0.0.1 lands first; a peer in another process that
 * takes longer to answer may see a timeout expire "early". Use real time for such tests.
 *
 * <p>Work handed to the loop through {@link EventLoop#callSoonThreadsafe} by threads the loop does
 * not know about is invisible to it: time may jump ahead of such work. Route it through
 * {@code runInExecutor}, {@code toThread} or {@code wrapFuture} to make the loop wait for it.
 * With no timer left and nothing to wait for, the loop blocks as a real one would (a deadlock in
 * the test, not a jump to infinity).
 *
 * <h2>Threads</h2>
 * A clock belongs to one loop, given to {@link EventLoop#EventLoop(VirtualClock)}. {@link #time()}
 * and {@link #elapsed()} are safe from any thread; {@link #advance} must be called on the loop's
 * thread (a callback or task) or while the loop is not running.
 */
public final class VirtualClock {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    private static final Duration DEFAULT_STALL_LIMIT = Duration.ofSeconds(1);
    /** Real time the loop polls registered channels before a jump (see the class comment). */
    private static final long IO_SETTLE_NANOS = 1_000_000;

    /** Virtual nanoseconds since the clock was created; written on the loop thread only. */
    private volatile long nanos;
    private volatile Duration stallLimit = DEFAULT_STALL_LIMIT;
    private EventLoop loop;

    // Jump bookkeeping, loop thread only.
    /** selectTimeout found the loop idle: jump after the (non-blocking) select if nothing arrived. */
    private boolean jumpArmed;
    /** Real System.nanoTime() since when the loop has waited, without progress, for real-time work; 0 if not. */
    private long stallSince;
    /** Futures of real-time work the loop waits for (runInExecutor, wrapFuture...), not yet done. */
    private int externalWork;

    /** A clock at time 0, to give to one {@link EventLoop#EventLoop(VirtualClock)}. */
    public VirtualClock() {}

    /** The virtual time in seconds: what the clock's loop returns from {@link EventLoop#time()}. */
    public double time() {
        return nanos / 1e9;
    }

    /** How much virtual time has passed since the clock was created. */
    public Duration elapsed() {
        return Duration.ofNanos(nanos);
    }

    /**
     * Moves time forward by {@code d}; timers that become due run in the loop's next iteration
     * (this method runs nothing itself). Call it on the loop thread or while the loop is idle.
     *
     * @throws IllegalArgumentException if {@code d} is negative
     */
    public void advance(Duration d) {
        if (d == null) throw new NullPointerException("d");
        if (d.isNegative()) throw new IllegalArgumentException("virtual time cannot go back: " + d);
        EventLoop l = loop;
        if (l != null) l.owner.checkThread("VirtualClock.advance()");
        nanos = Math.addExact(nanos, d.toNanos());
    }

    /**
     * Suspends the calling task until every other task of the loop waits and no callback is
     * ready or due, without moving time: Trio's {@code wait_all_tasks_blocked}. Use it in a test
     * to let everything that can run now run, then look at the state. Suspending. Tasks that keep
     * yielding ({@code sleep(0)} in a loop) keep it waiting.
     *
     * <pre>{@code
     * Task<Void> worker = Asyncio.createTask(() -> consume(queue));
     * queue.putNowait(job);
     * clock.runUntilIdle();            // the worker has taken the job and waits for the next
     * assertTrue(queue.empty());
     * }</pre>
     *
     * @throws IllegalStateException if not called in a task of this clock's loop
     */
    public void runUntilIdle() {
        VirtualTimeSteps.runUntilIdle(boundLoop("runUntilIdle()"), "VirtualClock.runUntilIdle()");
    }

    /**
     * Moves time forward by {@code d} in steps: to each timer deadline on the way, in order,
     * running what each wakes (and what that schedules) before the next step, then to the end,
     * and returns when the loop is idle there: Tokio's {@code time::advance}. Unlike
     * {@link #advance}, which only sets the clock, every timer fires at its own time. Suspending.
     *
     * <pre>{@code
     * Interval iv = Interval.of(Duration.ofSeconds(1));
     * Task<Void> ticker = Asyncio.createTask(() -> { while (true) { iv.tick(); ticks++; } });
     * clock.advanceBy(Duration.ofMillis(3500));   // ticks at 0, 1, 2, 3 s
     * assertEquals(4, ticks);
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code d} is negative
     * @throws IllegalStateException    if not called in a task of this clock's loop
     */
    public void advanceBy(Duration d) {
        if (d == null) throw new NullPointerException("d");
        if (d.isNegative()) throw new IllegalArgumentException("virtual time cannot go back: " + d);
        VirtualTimeSteps.advanceBy(boundLoop("advanceBy()"), this, d, "VirtualClock.advanceBy()");
    }

    private EventLoop boundLoop(String method) {
        EventLoop l = loop;
        if (l == null) {
            throw new IllegalStateException("VirtualClock." + method + " needs the clock's loop: give the clock to new EventLoop(clock) "
                    + "or run with RunOptions.defaults().virtualTime(true), and call it from a task of that loop");
        }
        return l;
    }

    /**
     * How long the loop waits in real time for tasks blocked in JDK calls or work in other threads
     * before it jumps anyway (with a warning); null waits forever. Safe from any thread.
     */
    public VirtualClock setStallLimit(Duration limit) {
        if (limit != null && limit.isNegative()) throw new IllegalArgumentException("stall limit must be >= 0: " + limit);
        this.stallLimit = limit;
        return this;
    }

    /** See {@link #setStallLimit}; null means no limit. */
    public Duration getStallLimit() {
        return stallLimit;
    }

    @Override
    public String toString() {
        return "VirtualClock[" + String.format("%.6f", time()) + " s]";
    }

    // ---- for the loop (package-private, loop thread) ----

    void bind(EventLoop l) {
        if (loop != null) throw new IllegalArgumentException("this VirtualClock already drives another event loop: give each loop its own clock");
        loop = l;
    }

    long nanos() {
        return nanos;
    }

    /** Makes the loop wait for {@code f} in real time: it stands for work outside the loop. */
    void trackExternal(Future<?> f) {
        if (f.done()) return;
        externalWork++;
        f.addDoneCallback(x -> externalWork--);
    }

    /**
     * The select timeout in real nanoseconds for an iteration with nothing ready, given
     * {@code virtualTimeout}, the virtual nanoseconds until the nearest timer (-1: no timer).
     */
    long selectTimeout(EventLoop l, long virtualTimeout) {
        jumpArmed = false;
        if (virtualTimeout == 0) return 0;
        List<Task<?>> blocked = l.tasks.blockedOutsideLoop(l.current.task());
        if (blocked.isEmpty() && externalWork == 0 && !hasPendingConnects(l)) {
            stallSince = 0;
            if (virtualTimeout < 0) return -1; // nothing to jump to: only other threads can help
            jumpArmed = true;
            // Poll I/O and the inbox once more: what is ready beats a jump. With channels
            // registered, give bytes in flight on loopback a moment of real time to land.
            return l.scheduler.hasRegisteredChannels() ? IO_SETTLE_NANOS : 0;
        }
        // Real-time work is pending: wait for it as a real loop would, within the stall limit.
        Duration limit = stallLimit;
        if (virtualTimeout < 0 || limit == null) return -1;
        long now = System.nanoTime();
        if (stallSince == 0) stallSince = now;
        long left = limit.toNanos() - (now - stallSince);
        return Math.max(0, left);
    }

    /** After select and dispatch: jumps to the nearest timer if the loop is (still) idle. */
    void afterSelect(EventLoop l) {
        boolean armed = jumpArmed;
        jumpArmed = false;
        if (l.scheduler.hasReadyWork() || !l.scheduler.hasTimers()) {
            stallSince = 0;
            return;
        }
        if (!armed) {
            Duration limit = stallLimit;
            if (stallSince == 0 || limit == null || System.nanoTime() - stallSince < limit.toNanos()) return;
            stallSince = 0;
            warnStalled(l, limit);
        }
        long target = l.scheduler.firstTimerDeadline() - LoopTime.ORIGIN;
        if (target > nanos) nanos = target;
    }

    private void warnStalled(EventLoop l, Duration limit) {
        StringBuilder sb = new StringBuilder("virtual time jumps to the next timer although the loop still waits for real-time work, after ")
                .append(limit.toMillis()).append(" ms of real time without progress: timers may now fire earlier than real time would let them")
                .append(" (await jasyncio futures rather than blocking JDK calls, or raise VirtualClock.setStallLimit)");
        if (externalWork > 0) sb.append("\n  pending executor/wrapped futures: ").append(externalWork);
        if (hasPendingConnects(l)) sb.append("\n  a socket connect is still in progress");
        for (Task<?> t : l.tasks.blockedOutsideLoop(l.current.task())) {
            sb.append("\n  task blocked in a JDK call: ").append(t);
            TaskDebug.appendStack(sb, "      ", TaskDebug.taskStack(t), 12);
        }
        LOG.log(System.Logger.Level.WARNING, sb.toString());
    }

    /** Whether a channel of {@code l} waits for a connect to complete (real-time work in flight). */
    private static boolean hasPendingConnects(EventLoop l) {
        for (java.nio.channels.SelectionKey k : l.scheduler.selector().keys()) {
            try {
                if (k.isValid() && (k.interestOps() & java.nio.channels.SelectionKey.OP_CONNECT) != 0) return true;
            } catch (java.nio.channels.CancelledKeyException raced) {
                // cancelled meanwhile: not pending
            }
        }
        return false;
    }
}
