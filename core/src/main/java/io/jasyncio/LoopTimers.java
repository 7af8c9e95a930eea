package io.jasyncio;

import io.jasyncio.internal.TimerQueue;
import java.util.ArrayDeque;

/**
 * A loop's timers: the heap of {@link TimerHandle}s by deadline, and asyncio's policy for
 * cancelled ones — skip them when they reach the top, and rebuild the heap without them once they
 * are more than half of it (and at least {@value #MIN_CANCELLED_TO_COMPACT}), so that a program
 * that keeps cancelling timeouts does not grow the heap without bound. Loop thread only.
 */
final class LoopTimers {
    private static final int MIN_CANCELLED_TO_COMPACT = 100;

    private final TimerQueue<TimerHandle> heap = new TimerQueue<>();
    /** Cancelled handles still in the heap. */
    private int cancelled;

    void add(TimerHandle h) {
        h.scheduled = true;
        heap.add(h.deadline, h);
    }

    /** A handle still in the heap was cancelled. */
    void cancelled() {
        cancelled++;
    }

    boolean isEmpty() {
        return heap.isEmpty();
    }

    /** How many handles the heap holds, cancelled ones included (for the compaction tests). */
    int size() {
        return heap.size();
    }

    long firstDeadline() {
        return heap.firstDeadline();
    }

    /** Drops cancelled handles from the top, or all of them when they dominate the heap. */
    void dropCancelled() {
        if (cancelled > MIN_CANCELLED_TO_COMPACT && cancelled * 2 > heap.size()) {
            heap.removeIf(h -> {
                if (!h.cancelled()) return false;
                h.scheduled = false;
                return true;
            });
            cancelled = 0;
            return;
        }
        while (!heap.isEmpty() && heap.first().cancelled()) {
            heap.poll().scheduled = false;
            cancelled--;
        }
    }

    /** Moves the handles due at {@code now} to {@code ready}, in deadline-then-FIFO order. */
    void moveDue(long now, ArrayDeque<Handle> ready) {
        while (!heap.isEmpty() && heap.firstDeadline() - now <= 0) {
            TimerHandle h = heap.poll();
            h.scheduled = false;
            if (h.cancelled()) {
                cancelled--;
            } else {
                ready.add(h);
            }
        }
    }

    void clear() {
        heap.clear();
        cancelled = 0;
    }
}
