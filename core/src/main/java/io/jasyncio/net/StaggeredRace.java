package io.jasyncio.net;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.TimerHandle;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Attempts started one after another, each {@code delay} after the previous one or as soon as it
 * fails, running side by side until the first succeeds: asyncio's {@code staggered_race}, which
 * {@code create_connection} uses for Happy Eyeballs (RFC 8305). Suspending; loop thread only.
 *
 * <pre>{@code
 * List<StaggeredRace.Attempt<SocketChannel>> attempts = ...; // one per address
 * SocketChannel ch = StaggeredRace.run(loop, attempts, Duration.ofMillis(250), Net::closeQuietly);
 * }</pre>
 *
 * <h2>Who owns a result</h2>
 * An attempt owns what it makes (a socket) until it returns it, and must release it itself when it
 * fails or is cancelled. The moment it returns, the race owns the result: the first result while
 * the race is still open becomes the winner; any other (an attempt that connected in the same
 * loop iteration as the winner, or after the race closed) is handed to {@code discard} at once.
 * The hand-over happens in the attempt's own step on the loop thread, not through its task's
 * result, so no cancellation can fall between "returned" and "owned" and lose the result.
 *
 * <h2>How the caller waits</h2>
 * Only the caller decides: it starts attempts, and sleeps on one future that an attempt's
 * success, failure or end, and the stagger timer, complete. When a winner is chosen, an attempt
 * fails with an unchecked exception (a bug, which ends the race as it ends the sequential path),
 * or the caller is cancelled, the race closes, cancels the attempts still running and waits
 * until all have finished, so that every socket is released before this returns or throws
 * (asyncio's {@code staggered_race} waits the same way). A cancelled caller discards the winner
 * too and rethrows its {@link CancelledError}; cancelled again while it waits, it cancels the
 * attempts again and keeps waiting.
 */
final class StaggeredRace<T> {
    /** One attempt: suspending; fails with an {@link IOException}, releasing what it made. */
    @FunctionalInterface
    interface Attempt<T> {
        T run() throws IOException;
    }

    private final EventLoop loop;
    private final List<? extends Attempt<? extends T>> attempts;
    private final Duration delay;
    private final Consumer<? super T> discard;

    /** Attempt tasks not yet done; an entry leaves in the task's done callback. */
    private final List<Task<Void>> running = new ArrayList<>();
    /** The IOException of each attempt that failed, by index. */
    private final IOException[] failures;
    /** How many attempts were started; the latest is {@code started - 1}. */
    private int started;
    /** The next attempt may start: the delay passed or the latest attempt failed. */
    private boolean nextDue;
    private TimerHandle staggerTimer;
    /** Once true, results are no longer taken: attempts that succeed discard theirs. */
    private boolean closed;
    private boolean won;
    /** The winning result, owned by the race (and so to be discarded if the race fails). */
    private T winner;
    /** The first unchecked exception an attempt threw, other than a cancellation. */
    private Throwable fatal;
    /** What the caller sleeps on in {@link #sleep()}, or null while it runs. */
    private Future<Void> wakeup;

    private StaggeredRace(EventLoop loop, List<? extends Attempt<? extends T>> attempts, Duration delay,
                          Consumer<? super T> discard) {
        this.loop = loop;
        this.attempts = attempts;
        this.delay = delay;
        this.discard = discard;
        this.failures = new IOException[attempts.size()];
    }

    /**
     * Runs the race and returns the first result. Suspending.
     *
     * @param delay   how long an attempt runs alone before the next starts (zero: the next
     *                starts after one loop iteration)
     * @param discard releases a result that arrives after the winner's
     * @throws IOException if every attempt failed: the first attempt's failure, the others suppressed
     */
    static <T> T run(EventLoop loop, List<? extends Attempt<? extends T>> attempts, Duration delay,
                     Consumer<? super T> discard) throws IOException {
        if (attempts.isEmpty()) throw new IllegalArgumentException("no attempts to race");
        if (delay.isNegative()) throw new IllegalArgumentException("delay must be >= 0: " + delay);
        return new StaggeredRace<T>(loop, attempts, delay, discard).race();
    }

    private T race() throws IOException {
        Throwable interruption = null;
        try {
            while (!won && fatal == null) {
                if (started < attempts.size() && (nextDue || running.isEmpty())) {
                    startNext(); // the first, or the delay passed, or the latest failed or ended
                } else if (running.isEmpty()) {
                    break; // every attempt failed
                } else {
                    sleep();
                }
            }
        } catch (Throwable t) { // the caller was cancelled (nothing else here throws)
            interruption = t;
        }
        closed = true;
        if (staggerTimer != null) staggerTimer.cancel();
        for (Task<Void> t : running) t.cancel();
        while (!running.isEmpty()) {
            try {
                sleep();
            } catch (CancelledError e) {
                // Cancelled again: pass it on as well, but only once every attempt is done.
                if (interruption == null) interruption = e;
                for (Task<Void> t : running) t.cancel();
            }
        }
        if (interruption != null || fatal != null) {
            if (won) discard.accept(winner);
            throw unchecked(interruption != null ? interruption : fatal);
        }
        if (won) return winner;
        IOException first = null;
        for (IOException e : failures) {
            if (e == null) continue; // cancelled from elsewhere
            if (first == null) first = e;
            else first.addSuppressed(e);
        }
        throw first != null ? first : new IOException("every attempt was cancelled, by something other than the race");
    }

    /** {@code t}, which is unchecked: nothing the race catches it from throws a checked exception. */
    private static RuntimeException unchecked(Throwable t) {
        if (t instanceof Error e) throw e;
        return (RuntimeException) t;
    }

    private void startNext() {
        int index = started++;
        nextDue = false;
        if (staggerTimer != null) staggerTimer.cancel();
        staggerTimer = started < attempts.size() ? loop.callLater(delay, () -> {
            nextDue = true;
            wake();
        }) : null;
        Task<Void> task = loop.createTask(() -> attempt(index), "staggered race attempt " + index);
        running.add(task);
        task.addDoneCallback(t -> {
            running.remove(task);
            wake();
        });
    }

    /** The body of attempt {@code index}'s task. */
    private Void attempt(int index) {
        T result;
        try {
            result = attempts.get(index).run();
        } catch (IOException e) {
            failures[index] = e;
            if (index == started - 1) nextDue = true; // RFC 8305: do not wait out the delay
            wake();
            return null;
        } catch (CancelledError e) {
            throw e; // cancelled by the race; the attempt released what it held
        } catch (RuntimeException | Error e) {
            if (fatal == null) fatal = e;
            else fatal.addSuppressed(e);
            wake();
            return null;
        }
        if (closed || won) {
            discard.accept(result);
        } else {
            won = true;
            winner = result;
            wake();
        }
        return null;
    }

    private void sleep() {
        Future<Void> f = loop.createFuture();
        wakeup = f;
        try {
            f.await();
        } finally {
            wakeup = null;
        }
    }

    private void wake() {
        if (wakeup != null && !wakeup.done()) wakeup.setResult(null);
    }
}
