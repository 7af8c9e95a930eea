package io.jasyncio;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The futures given to {@link Asyncio#asCompleted}, in the order they complete: asyncio's
 * {@code as_completed} iterator. {@link #next()} waits for the next one and returns it, done, so
 * {@code f.await()} (or {@code f.result()}) gives its result or throws its exception.
 *
 * <pre>{@code
 * for (Task<String> t : Asyncio.asCompleted(tasks, Duration.ofSeconds(5))) {
 *     System.out.println(t.await());   // fastest first; next() throws TimeoutError after 5 s
 * }
 * }</pre>
 *
 * <p>Python 3.12's plain {@code for} hands out coroutines to await because its iteration cannot
 * suspend; a task's iteration can, so {@code next()} itself waits, as 3.13's {@code async for}
 * does, and returns the original future. {@code hasNext()} never waits: it says whether futures
 * remain to be handed out. On timeout, every remaining {@code next()} throws
 * {@link TimeoutError}; the futures themselves keep running.
 *
 * <p>One-shot: {@link #iterator()} returns this object. Used by tasks of one loop.
 *
 * @param <F> the type of the futures
 */
public final class AsCompleted<F extends Future<?>> implements Iterator<F>, Iterable<F> {
    private final EventLoop loop;
    /** Futures not yet completed; emptied by the timeout. */
    private final Set<F> todo;
    /** How many futures next() has yet to hand out (or fail on). */
    private int todoLeft;
    /** Completed futures not handed out yet, in completion order. */
    private final ArrayDeque<F> done = new ArrayDeque<>();
    /** Entries the timeout queued after the completed ones: each makes one next() time out. */
    private int timeoutsQueued;
    /** Tasks waiting in next(), woken one per queued entry: asyncio's Queue.get. */
    private final ArrayDeque<Future<Void>> getters = new ArrayDeque<>();
    private final Consumer<Future<?>> onCompletion = this::handleCompletion;
    private TimerHandle timeoutHandle;

    AsCompleted(Collection<? extends F> fs, Duration timeout) {
        if (fs == null) throw new NullPointerException("fs");
        this.loop = Asyncio.getRunningLoop();
        this.todo = new LinkedHashSet<>(fs);
        for (F f : todo) {
            if (f == null) throw new NullPointerException("asCompleted() got a null future");
            if (f.loop != loop) {
                throw new IllegalArgumentException("asCompleted() got a future of another event loop than the running one: " + f);
            }
        }
        for (F f : todo) f.addDoneCallback(onCompletion);
        if (!todo.isEmpty() && timeout != null) {
            timeoutHandle = loop.callLater(timeout, this::handleTimeout);
        }
        todoLeft = todo.size();
    }

    /** Whether more futures remain to be handed out. Never suspends. */
    @Override
    public boolean hasNext() {
        return todoLeft > 0;
    }

    /**
     * Waits for the next future to complete and returns it. Suspending.
     *
     * @throws TimeoutError           if the timeout passed before another one completed
     * @throws NoSuchElementException if every future was handed out
     * @throws CancelledError         if the calling task is cancelled meanwhile
     */
    @Override
    public F next() {
        if (todoLeft == 0) throw new NoSuchElementException("asCompleted(): every future was handed out");
        todoLeft--;
        while (done.isEmpty() && timeoutsQueued == 0) {
            Future<Void> getter = loop.createFuture();
            getters.add(getter);
            try {
                getter.await();
            } catch (Throwable t) {
                getter.cancel();
                getters.remove(getter);
                // Woken but cancelled before taking the entry: pass the wake-up on.
                if (!(done.isEmpty() && timeoutsQueued == 0) && !getter.cancelled()) wakeupNext();
                throw t;
            }
        }
        if (!done.isEmpty()) return done.poll();
        timeoutsQueued--;
        throw new TimeoutError("asCompleted(): the timeout passed before the next future completed");
    }

    /** This iterator itself (one-shot). */
    @Override
    public Iterator<F> iterator() {
        return this;
    }

    private void handleCompletion(Future<?> f) {
        if (todo.isEmpty()) return; // the timeout came first
        todo.remove(f);
        @SuppressWarnings("unchecked")
        F typed = (F) f;
        done.add(typed);
        wakeupNext();
        if (todo.isEmpty() && timeoutHandle != null) timeoutHandle.cancel();
    }

    private void handleTimeout() {
        for (F f : todo) {
            f.removeDoneCallback(onCompletion);
            timeoutsQueued++;
            wakeupNext();
        }
        todo.clear();
    }

    private void wakeupNext() {
        Future<Void> g;
        while ((g = getters.poll()) != null) {
            if (!g.done()) {
                g.setResult(null);
                return;
            }
        }
    }
}
