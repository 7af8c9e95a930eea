package io.jasyncio.sync;

import java.util.Comparator;

/**
 * A {@link Queue} that returns its items lowest first: asyncio's {@code PriorityQueue}. Items are
 * ordered by their natural ordering or by a {@link Comparator}; items that compare equal come out
 * in no particular order (it is a binary heap, like Python's {@code heapq}).
 *
 * <pre>{@code
 * record Job(int priority, String name) {}
 * PriorityQueue<Job> jobs = new PriorityQueue<>(0, Comparator.comparingInt(Job::priority));
 * jobs.putNowait(new Job(5, "backup"));
 * jobs.putNowait(new Job(1, "alert"));
 * jobs.getNowait();   // Job[priority=1, name=alert]
 * }</pre>
 *
 * <p>With natural ordering, putting an item that is not {@link Comparable} fails with a
 * {@link ClassCastException} and leaves the queue unchanged. Everything else is as for
 * {@link Queue}.
 *
 * @param <T> the type of the items
 */
public final class PriorityQueue<T> extends Queue<T> {
    /** An unbounded queue in the items' natural order. */
    public PriorityQueue() {
        this(0);
    }

    /** A queue of at most {@code maxsize} items (zero or less: unbounded) in their natural order. */
    public PriorityQueue(int maxsize) {
        super(maxsize, "PriorityQueue", new java.util.PriorityQueue<>());
    }

    /** A queue of at most {@code maxsize} items (zero or less: unbounded), lowest first by {@code order}. */
    public PriorityQueue(int maxsize, Comparator<? super T> order) {
        super(maxsize, "PriorityQueue", new java.util.PriorityQueue<>(java.util.Objects.requireNonNull(order, "order")));
    }
}
