package io.jasyncio;

import io.jasyncio.internal.Inbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A loop's scheduling core, asyncio's {@code _ready}, {@code _scheduled} and {@code _run_once}:
 * the ready queue, the urgent stack of eager task steps, the timers, the inbox from other threads,
 * I/O readiness, and one iteration of the loop.
 *
 * <h2>One iteration</h2>
 * Drop cancelled timers from the top of the heap; move cross-thread work in; wait in the selector
 * for I/O, the nearest timer or a cross-thread offer (without waiting when work is ready); append
 * the handles of ready channels, then cross-thread work, then due timers; then run exactly the
 * handles that were ready at that point, each followed by the urgent steps it pushed. What they
 * schedule waits for the next iteration, so one busy callback cannot starve the selector.
 *
 * <p>This is the hot path: every callback and task step passes through {@link #add} and
 * {@link #run}. It allocates nothing per handle and calls only small final methods, which the JIT
 * inlines; the facade {@link EventLoop} reaches it through one final field.
 *
 * <p>Invariant: everything here is touched only by the loop thread while it runs, or by any single
 * thread while it does not — except {@link #offer}, the one way in from other threads.
 */
final class LoopScheduler {
    private static final Duration DEFAULT_SLOW_CALLBACK = Duration.ofMillis(100);

    private static final System.Logger LOG = System.getLogger("io.jasyncio");

    private final EventLoop loop;
    /** The loop's thread and closed state, read by {@link #addFromAnyThread}. */
    private final LoopOwner owner;
    private final ArrayDeque<Handle> ready = new ArrayDeque<>(256);
    /**
     * Task steps that must run before anything else, outside the ready queue's accounting: an
     * eager task's first step, then the task that created it (see Task.startEagerly). Used as a
     * stack (push to the front); drained after every handle the loop runs.
     */
    private final ArrayDeque<Handle> urgent = new ArrayDeque<>();
    private final LoopTimers timers = new LoopTimers();
    private final Inbox<Handle> inbox;
    /** Set by EventLoop.setRandomSchedule(); null for asyncio's FIFO order. Loop thread only. */
    private ScheduleShuffler shuffler;
    /** Records interrupts of the loop thread that mounting a task would erase; null if unavailable. */
    private final io.jasyncio.internal.CarrierInterrupts interruptWatch;
    /**
     * I/O dispatch, asyncio's _process_events: every registered channel's key carries one
     * {@link Handle}, made once per channel and reused, which a readiness event appends to the
     * ready queue, behind the callbacks already ready and before due timers. No allocation per
     * event, asyncio's order, and the debug-mode timing and error handling of any callback.
     */
    private final Consumer<SelectionKey> ioReady = key -> ready.add((Handle) key.attachment());
    /** Virtual time (see {@link VirtualClock}), or null for System.nanoTime(). */
    private final VirtualClock clock;
    /** stop() was called: the current iteration is the last one. */
    private boolean stopping;
    /** What an interrupt of the loop thread does; null: stop the loop (see EventLoop.runForever). */
    private Runnable interruptHandler;
    /** The loop thread was interrupted and nobody took the record yet. */
    private boolean interruptPending;
    private boolean debug = DebugDefault.enabled();
    private long slowCallbackNanos = DEFAULT_SLOW_CALLBACK.toNanos();
    /** Debug mode's slow-step sampler, created on the first timed step. */
    private SlowStepMonitor slowSteps;

    LoopScheduler(EventLoop loop, VirtualClock clock) {
        this.loop = loop;
        this.owner = loop.owner;
        this.clock = clock;
        try {
            inbox = new Inbox<>(Selector.open());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for the event loop", e);
        }
        interruptWatch = io.jasyncio.internal.CarrierInterrupts.forLoop(inbox.selector());
    }

    /** The loop's clock in System.nanoTime() units: real, or ORIGIN plus virtual time. */
    long now() {
        VirtualClock c = clock;
        return c == null ? System.nanoTime() : LoopTime.ORIGIN + c.nanos();
    }

    // ---- scheduling ----

    /** Appends to the ready queue; loop thread (or the loop is idle). */
    void add(Handle h) {
        ready.add(h);
    }

    /** Hands {@code h} over from any thread, waking the loop if it sleeps. */
    void offer(Handle h) {
        inbox.offer(h);
    }

    /** Appends from whatever thread the JDK resumes a task on. */
    void addFromAnyThread(Handle h) {
        if (owner.isLoopThread()) {
            ready.add(h);
        } else if (owner.closed()) {
            LOG.log(System.Logger.Level.WARNING, "a task was resumed after its event loop closed and cannot run: {0}", h);
        } else {
            inbox.offer(h);
        }
    }

    void addTimer(TimerHandle h) {
        timers.add(h);
    }

    void timerCancelled() {
        timers.cancelled();
    }

    /** Queues a task step to run before anything else (eager start); see {@link #urgent}. */
    void pushUrgent(Handle h) {
        urgent.addFirst(h);
    }

    void stop() {
        stopping = true;
    }

    // ---- running ----

    /** Runs iterations until stop() is called (or an interrupt stops the loop). */
    void runUntilStopped() {
        if (interruptWatch != null) interruptWatch.arm();
        try {
            runIterations();
        } finally {
            if (interruptWatch != null) interruptWatch.disarm();
        }
    }

    private void runIterations() {
        while (true) {
            if (JfrEvents.AVAILABLE && JfrEvents.recording()) {
                Object iteration = JfrEvents.iterationBegin();
                runOnce();
                JfrEvents.iterationEnd(iteration, loop);
            } else {
                runOnce();
            }
            if (stopping) break;
        }
    }

    /**
     * After runForever, however it ended: forget the stop request, and give an interrupt that
     * stopped the loop back to {@code thread}, whose caller should see it.
     */
    void afterRun(Thread thread) {
        stopping = false;
        if (interruptPending && interruptHandler == null) {
            interruptPending = false;
            thread.interrupt();
        }
    }

    void setInterruptHandler(Runnable handler) {
        interruptHandler = handler;
    }

    /** Whether the loop thread was interrupted since the last call; clears the record. */
    boolean takeInterrupt() {
        boolean was = interruptPending;
        interruptPending = false;
        return was;
    }

    // ---- one iteration ----

    void runOnce() {
        timers.dropCancelled();
        inbox.drainTo(ready);
        long timeout;
        if (!ready.isEmpty() || stopping) {
            timeout = 0;
        } else if (!timers.isEmpty()) {
            timeout = Math.max(0, timers.firstDeadline() - now());
            if (clock != null) timeout = clock.selectTimeout(loop, timeout);
        } else {
            timeout = clock == null ? -1 : clock.selectTimeout(loop, -1);
        }
        try {
            // With work ready and no channel registered, polling the selector would be a wasted
            // system call per iteration; cross-thread work arrives through the inbox anyway.
            if (timeout != 0 || !inbox.selector().keys().isEmpty()) {
                inbox.select(timeout, ioReady);
            }
        } catch (IOException e) {
            loop.callExceptionHandler(ErrorContext.of("selector failed", e));
        }
        // A blocking select (or a callback's channel I/O) replaced the interrupt watch and cleared it.
        if (interruptWatch != null) interruptWatch.ensureArmed();
        if (Thread.interrupted() | (interruptWatch != null && interruptWatch.take())) {
            // Selectors return at once while the thread is interrupted: take the interrupt here,
            // or the loop would spin.
            interruptPending = true;
            if (interruptHandler != null) interruptHandler.run();
            else stopping = true;
        }
        inbox.drainTo(ready);
        if (clock != null) clock.afterSelect(loop);
        if (!timers.isEmpty()) {
            timers.moveDue(now(), ready);
        }
        ScheduleShuffler shuffle = shuffler;
        if (shuffle != null) {
            runShuffled(shuffle);
            return;
        }
        // Run only what was ready at this point; what these schedule waits for the next round.
        for (int n = ready.size(); n > 0; n--) {
            run(ready.poll());
            runUrgent();
        }
    }

    /** The batch of runOnce() in the randomized schedule (see ScheduleShuffler). */
    private void runShuffled(ScheduleShuffler shuffle) {
        shuffle.permute(ready);
        for (int n = ready.size(); n > 0; n--) {
            Handle h = ready.poll();
            shuffle.beforeRun(ready);
            run(h);
            runUrgent();
            shuffle.afterRun(h, ready);
        }
    }

    /** Permutes each iteration's batch from now on (EventLoop.setRandomSchedule); loop thread. */
    void setShuffler(ScheduleShuffler shuffler) {
        this.shuffler = shuffler;
    }

    /** Runs one callback or task step, timed in debug mode and observed by JFR when recording. */
    private void run(Handle h) {
        if (debug) {
            runTimed(h);
        } else if (JfrEvents.AVAILABLE && JfrEvents.recording()) {
            JfrEvents.step(h);
        } else {
            h.invoke();
        }
    }

    /** Runs the urgent steps, including those they push, until none is left. Loop thread only. */
    void runUrgent() {
        Handle h;
        while ((h = urgent.pollFirst()) != null) {
            run(h);
        }
    }

    /** Debug mode: whether the watchdog has sampled the step running now (see SlowStepMonitor). */
    boolean slowStepSampled() {
        SlowStepMonitor m = slowSteps;
        return m != null && m.sampledRunningStep();
    }

    private void runTimed(Handle h) {
        SlowStepMonitor m = slowSteps;
        if (m == null) slowSteps = m = new SlowStepMonitor(loop);
        long t0 = m.begin(h);
        try {
            h.invoke();
        } finally {
            m.end(h, t0, slowCallbackNanos);
        }
    }

    // ---- debug mode ----

    boolean debug() {
        return debug;
    }

    void setDebug(boolean enabled) {
        debug = enabled;
    }

    long slowCallbackNanos() {
        return slowCallbackNanos;
    }

    void setSlowCallbackNanos(long nanos) {
        slowCallbackNanos = nanos;
    }

    // ---- state, for close() and the developer tools ----

    Selector selector() {
        return inbox.selector();
    }

    Inbox<Handle> inbox() {
        return inbox;
    }

    /** Drops every ready callback and timer (close). */
    void clear() {
        ready.clear();
        timers.clear();
    }

    boolean hasReadyWork() {
        return !ready.isEmpty() || !urgent.isEmpty() || !inbox.isEmpty();
    }

    boolean hasTimers() {
        return !timers.isEmpty();
    }

    boolean hasRegisteredChannels() {
        return !inbox.selector().keys().isEmpty();
    }

    /** How many timers the heap holds, cancelled ones not yet dropped included (compaction tests). */
    int timerCount() {
        return timers.size();
    }

    long firstTimerDeadline() {
        return timers.firstDeadline();
    }
}
