package io.jasyncio.internal;

import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * A binary min-heap of timers ordered by deadline, then by insertion order (so timers with equal
 * deadlines fire first-in, first-out, which {@code heapq} alone does not promise).
 *
 * <p>Deadlines and sequence numbers live in parallel primitive arrays beside the entries: a sift
 * compares longs without touching the entry objects, and adding a timer allocates nothing but the
 * occasional array growth. Cancelled timers are not removed eagerly; the loop skips them when they
 * reach the top and calls {@link #removeIf} when they dominate the heap (asyncio's policy).
 *
 * <p>Not thread-safe: owned by one event loop thread.
 */
public final class TimerQueue<E> {
    private long[] deadlines = new long[64];
    private long[] sequences = new long[64];
    private Object[] entries = new Object[64];
    private int size;
    private long nextSequence;

    /** Adds {@code entry} to fire at {@code deadline} (nanoseconds, same clock as the loop). */
    public void add(long deadline, E entry) {
        if (size == entries.length) {
            int n = size * 2;
            deadlines = Arrays.copyOf(deadlines, n);
            sequences = Arrays.copyOf(sequences, n);
            entries = Arrays.copyOf(entries, n);
        }
        siftUp(size++, deadline, nextSequence++, entry);
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Deadline of the earliest timer; the queue must not be empty. */
    public long firstDeadline() {
        if (size == 0) throw new NoSuchElementException("no timers");
        return deadlines[0];
    }

    @SuppressWarnings("unchecked")
    public E first() {
        if (size == 0) throw new NoSuchElementException("no timers");
        return (E) entries[0];
    }

    /** Removes and returns the earliest timer. */
    public E poll() {
        E head = first();
        int last = --size;
        long d = deadlines[last];
        long s = sequences[last];
        Object e = entries[last];
        entries[last] = null;
        if (last > 0) siftDown(0, d, s, e);
        return head;
    }

    /** Removes every entry matching {@code filter} and restores the heap in O(n). */
    @SuppressWarnings("unchecked")
    public int removeIf(Predicate<? super E> filter) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (!filter.test((E) entries[i])) {
                deadlines[kept] = deadlines[i];
                sequences[kept] = sequences[i];
                entries[kept] = entries[i];
                kept++;
            }
        }
        int removed = size - kept;
        Arrays.fill(entries, kept, size, null);
        size = kept;
        for (int i = (size >>> 1) - 1; i >= 0; i--) {
            siftDown(i, deadlines[i], sequences[i], entries[i]);
        }
        return removed;
    }

    public void clear() {
        Arrays.fill(entries, 0, size, null);
        size = 0;
    }

    private static boolean before(long d1, long s1, long d2, long s2) {
        // Deadlines are System.nanoTime() values: compare by difference, never by value.
        long diff = d1 - d2;
        return diff < 0 || (diff == 0 && s1 < s2);
    }

    private void siftUp(int i, long d, long s, Object e) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(d, s, deadlines[parent], sequences[parent])) break;
            set(i, deadlines[parent], sequences[parent], entries[parent]);
            i = parent;
        }
        set(i, d, s, e);
    }

    private void siftDown(int i, long d, long s, Object e) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && before(deadlines[right], sequences[right], deadlines[child], sequences[child])) {
                child = right;
            }
            if (!before(deadlines[child], sequences[child], d, s)) break;
            set(i, deadlines[child], sequences[child], entries[child]);
            i = child;
        }
        set(i, d, s, e);
    }

    private void set(int i, long d, long s, Object e) {
        deadlines[i] = d;
        sequences[i] = s;
        entries[i] = e;
    }
}
