package io.jasyncio.sync;

import static io.jasyncio.internal.Waiters.wakeUpAll;
import static io.jasyncio.internal.Waiters.wakeUpNext;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.LoopBinding;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A first-in, first-out queue for producer and consumer tasks: asyncio's {@code Queue}, with
 * 3.13's {@link #shutdown(boolean)}. {@link #put} waits while the queue is full, {@link #get}
 * while it is empty; {@link #taskDone()} and {@link #join()} track whether every item was
 * processed. {@link PriorityQueue} and {@link LifoQueue} change only the order.
 *
 * <pre>{@code
 * Queue<String> queue = new Queue<>(100);
 * Task<Void> worker = Asyncio.createTask(() -> {
 *     while (true) {
 *         String url = queue.get();           // suspends while the queue is empty
 *         try {
 *             fetch(url);
 *         } finally {
 *             queue.taskDone();
 *         }
 *     }
 * });
 * for (String url : urls) queue.put(url);     // suspends while 100 items wait
 * queue.join();                               // until taskDone() was called for each
 * worker.cancel();
 * }</pre>
 *
 * <p><b>Size.</b> A {@code maxsize} of zero or less means unbounded, as in asyncio. Because
 * everything of a loop runs on one thread, {@link #qsize()} is exact: nothing changes between
 * reading it and acting on it unless the task suspends.
 *
 * <p><b>Waiting.</b> Blocked getters and putters are woken first in, first out. A woken task
 * that finds the item (or slot) gone, for instance because {@link #getNowait()} took it first,
 * waits again at the end of the line. A task cancelled just as it was woken passes the wake-up
 * to the next waiter, so cancellation never strands an item or a free slot.
 *
 * <p><b>Shutdown</b> (asyncio 3.13): after {@link #shutdown(boolean) shutdown()}, puts fail with
 * {@link QueueShutDown}, gets return the remaining items and then fail with it, and every waiting
 * task is woken to see that. {@code shutdown(true)} also drops the remaining items (counting a
 * {@code taskDone()} for each, which may release {@link #join()}), so gets fail at once.
 *
 * <p>Items may not be null (as in Java's concurrent queues). Bound to the loop of its first use
 * (see {@link Lock} on loops and threads); the queries {@link #qsize()}, {@link #empty()},
 * {@link #full()} and {@link #maxsize()} only read.
 *
 * @param <T> the type of the items
 */
public sealed class Queue<T> permits PriorityQueue, LifoQueue {
    private final String kind;
    private final LoopBinding binding;
    private final int maxsize;
    /** The items; only the order in which poll() returns them differs between the subclasses. */
    private final java.util.Queue<T> items;
    /** Futures of tasks blocked in get()/put(), oldest first. A wake-up removes the future it completes. */
    private final ArrayDeque<Future<Void>> getters = new ArrayDeque<>();
    private final ArrayDeque<Future<Void>> putters = new ArrayDeque<>();
    /** Items put and not yet marked done with taskDone(); finished is set exactly when it is 0. */
    private int unfinishedTasks;
    private final Event finished = new Event();
    private boolean isShutdown;

    /** An unbounded queue. */
    public Queue() {
        this(0);
    }

    /** A queue that holds at most {@code maxsize} items; zero or less means unbounded. */
    public Queue(int maxsize) {
        this(maxsize, "Queue", new ArrayDeque<>());
    }

    Queue(int maxsize, String kind, java.util.Queue<T> items) {
        this.maxsize = maxsize;
        this.kind = kind;
        this.binding = new LoopBinding(kind);
        this.items = items;
        finished.setFlag();
    }

    // ---- queries ----

    /** The maximum number of items; zero or less means unbounded. */
    public final int maxsize() {
        return maxsize;
    }

    /** The number of items in the queue. */
    public final int qsize() {
        return items.size();
    }

    /** Whether the queue has no items. */
    public final boolean empty() {
        return items.size() == 0;
    }

    /** Whether the queue holds {@code maxsize} items; never true for an unbounded queue. */
    public final boolean full() {
        return maxsize > 0 && items.size() >= maxsize;
    }

    /** Whether {@link #shutdown(boolean)} was called. */
    public final boolean isShutdown() {
        return isShutdown;
    }

    // ---- putting ----

    /**
     * Puts {@code item} into the queue, first waiting for a free slot while it is full.
     * Suspending (only when it has to wait).
     *
     * @throws QueueShutDown         if the queue is shut down, before or while waiting
     * @throws CancelledError        if the task is cancelled while waiting; nothing is put
     * @throws NullPointerException  if {@code item} is null
     * @throws IllegalStateException if called outside a task of the queue's loop
     */
    public final void put(T item) {
        Objects.requireNonNull(item, "item");
        EventLoop loop = binding.checkTask("put()");
        while (full()) {
            if (isShutdown) throw shutDown();
            Future<Void> putter = loop.createFuture();
            putters.add(putter);
            try {
                putter.await();
            } catch (Throwable t) {
                putter.cancel(); // in case it is not done yet
                // A wake-up (get or shutdown) has already removed it; removing is then a no-op.
                putters.remove(putter);
                if (!full() && !putter.cancelled()) {
                    // We were handed a free slot but cannot use it: pass it to the next putter.
                    wakeUpNext(putters);
                }
                throw t;
            }
        }
        offer(item);
    }

    /**
     * Puts {@code item} into the queue if there is room, without waiting. Does not suspend.
     *
     * @throws QueueShutDown         if the queue is shut down
     * @throws QueueFull             if the queue holds {@code maxsize} items
     * @throws NullPointerException  if {@code item} is null
     * @throws IllegalStateException if called off the queue's loop
     */
    public final void putNowait(T item) {
        Objects.requireNonNull(item, "item");
        binding.check("putNowait()");
        offer(item);
    }

    private void offer(T item) {
        if (isShutdown) throw shutDown();
        if (full()) throw new QueueFull(kind + " is full: it holds its maxsize of " + maxsize + " items");
        items.offer(item); // first: if ordering fails (not Comparable), nothing has changed
        unfinishedTasks++;
        finished.clearFlag();
        wakeUpNext(getters);
    }

    // ---- getting ----

    /**
     * Removes and returns the next item, first waiting while the queue is empty. Suspending
     * (only when it has to wait).
     *
     * @throws QueueShutDown         if the queue is shut down and empty (also when that happens
     *                               while waiting), or was shut down immediately
     * @throws CancelledError        if the task is cancelled while waiting; no item is taken
     * @throws IllegalStateException if called outside a task of the queue's loop
     */
    public final T get() {
        EventLoop loop = binding.checkTask("get()");
        while (empty()) {
            if (isShutdown) throw shutDown();
            Future<Void> getter = loop.createFuture();
            getters.add(getter);
            try {
                getter.await();
            } catch (Throwable t) {
                getter.cancel(); // in case it is not done yet
                // A wake-up (put or shutdown) has already removed it; removing is then a no-op.
                getters.remove(getter);
                if (!empty() && !getter.cancelled()) {
                    // We were woken for an item we will not take: pass it to the next getter.
                    wakeUpNext(getters);
                }
                throw t;
            }
        }
        return poll();
    }

    /**
     * Removes and returns the next item if there is one, without waiting. Does not suspend.
     *
     * @throws QueueShutDown         if the queue is empty and shut down
     * @throws QueueEmpty            if the queue is empty
     * @throws IllegalStateException if called off the queue's loop
     */
    public final T getNowait() {
        binding.check("getNowait()");
        return poll();
    }

    private T poll() {
        if (empty()) {
            if (isShutdown) throw shutDown();
            throw new QueueEmpty(kind + " is empty");
        }
        T item = items.poll();
        wakeUpNext(putters);
        return item;
    }

    // ---- tracking work ----

    /**
     * Marks one item taken from the queue as processed: consumers call it once per
     * {@link #get()}. When every item put has been marked, {@link #join()} returns. Does not
     * suspend.
     *
     * @throws IllegalStateException if called more times than items were put ("taskDone()
     *                               called too many times"), or off the queue's loop
     */
    public final void taskDone() {
        binding.check("taskDone()");
        if (unfinishedTasks <= 0) {
            throw new IllegalStateException("taskDone() called too many times: every item put has already been marked done");
        }
        if (--unfinishedTasks == 0) finished.setFlag();
    }

    /**
     * Waits until every item put into the queue has been marked done with {@link #taskDone()};
     * returns at once if none is pending. Suspending.
     *
     * @throws CancelledError        if the task is cancelled while waiting
     * @throws IllegalStateException if called outside a task of the queue's loop
     */
    public final void join() {
        binding.checkTask("join()");
        if (unfinishedTasks > 0) finished.await();
    }

    // ---- shutdown ----

    /** {@link #shutdown(boolean) shutdown(false)}: puts fail at once, gets once the queue is empty. */
    public final void shutdown() {
        shutdown(false);
    }

    /**
     * Shuts the queue down: from now on puts fail with {@link QueueShutDown}, and gets fail once
     * the queue is empty. Every task waiting in {@link #put} or {@link #get} is woken to
     * re-check, so blocked putters fail, and blocked getters fail if there is no item for them.
     * With {@code immediate}, the remaining items are dropped first and each counts as a
     * {@link #taskDone()}, which may let {@link #join()} return; gets then fail at once.
     * Idempotent; does not suspend.
     *
     * @throws IllegalStateException if called off the queue's loop
     */
    public final void shutdown(boolean immediate) {
        binding.check("shutdown()");
        isShutdown = true;
        if (immediate) {
            while (!empty()) {
                items.poll();
                if (unfinishedTasks > 0) unfinishedTasks--;
            }
            if (unfinishedTasks == 0) finished.setFlag();
        }
        // Every blocked task must re-check the state to see the shutdown.
        wakeUpAll(getters);
        wakeUpAll(putters);
    }

    private QueueShutDown shutDown() {
        return new QueueShutDown(kind + " is shut down");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(kind).append("[maxsize=").append(maxsize);
        sb.append(", qsize=").append(items.size());
        if (!getters.isEmpty()) sb.append(", getters:").append(getters.size());
        if (!putters.isEmpty()) sb.append(", putters:").append(putters.size());
        if (unfinishedTasks > 0) sb.append(", tasks=").append(unfinishedTasks);
        if (isShutdown) sb.append(", shutdown");
        return sb.append(']').toString();
    }
}
