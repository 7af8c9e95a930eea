package io.jasyncio;

/**
 * A callback scheduled for a point in time by {@link EventLoop#callLater} or
 * {@link EventLoop#callAt}.
 *
 * <pre>{@code
 * TimerHandle h = loop.callLater(Duration.ofSeconds(5), () -> System.out.println("late"));
 * double due = h.when(); // in loop.time() seconds
 * h.cancel();
 * }</pre>
 *
 * <p>Threads: as every {@link Handle}, cancel it on the loop thread or in one of its tasks (or
 * before the loop runs); from another thread use {@code loop.callSoonThreadsafe(h::cancel)}.
 */
public final class TimerHandle extends Handle {
    /** Deadline in {@link System#nanoTime()} units. */
    final long deadline;
    /** True while the handle is in the loop's timer queue. */
    boolean scheduled;

    TimerHandle(EventLoop loop, long deadline, Runnable callback, Object context) {
        super(loop, callback, context);
        this.deadline = deadline;
    }

    /** When the callback is due, in the seconds of {@link EventLoop#time()}. */
    public double when() {
        return LoopTime.toSeconds(deadline);
    }

    @Override
    public void cancel() {
        if (cancelled()) return;
        loop.owner.checkThread("TimerHandle.cancel()");
        super.cancel();
        if (scheduled) loop.scheduler.timerCancelled();
    }
}
