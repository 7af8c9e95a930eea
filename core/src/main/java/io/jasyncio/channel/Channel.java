package io.jasyncio.channel;

import static io.jasyncio.internal.Waiters.wakeUpAll;
import static io.jasyncio.internal.Waiters.wakeUpNext;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.LoopAccess;
import io.jasyncio.internal.LoopBinding;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A channel between producer and consumer tasks, as Kotlin's {@code Channel}, Go's {@code chan}
 * and Trio's memory channels: {@link #send} waits while the channel is full, {@link #receive}
 * while it is empty, and the producer side ends the stream with {@link #close()}. Any number of
 * tasks may send and receive (MPMC). Three kinds, by capacity:
 * {@link #rendezvous()} (no buffer: a send waits for a receiver), {@link #bounded(int)} and
 * {@link #unbounded()}.
 *
 * <pre>{@code
 * Channel<String> urls = Channel.bounded(100);
 * Task<Void> producer = Asyncio.createTask(() -> {
 *     for (String url : seed) urls.send(url);   // suspends while 100 urls wait
 *     urls.close();                               // receivers drain, then the loop below ends
 * });
 * for (String url : urls) {                       // each step suspends until a url or the end
 *     fetch(url);
 * }
 * }</pre>
 *
 * <p><b>Closing.</b> Two sides, as Kotlin's {@code close()} and {@code cancel()}:
 * <ul>
 * <li>{@link #close()} is the sending side saying "no more": later sends fail with
 *     {@link ChannelClosed}; everything sent before (including by senders still waiting at that
 *     moment) is still received, and only then do receives fail with {@code ChannelClosed} and
 *     iteration end. A stream's end is thus an exception for {@link #receive()} (a value may
 *     legitimately be anything but null, so there is no sentinel to return) and a clean end for
 *     {@code for (var x : channel)}, which is how most consumers read.
 * <li>{@link #cancel()} is the receiving side saying "I stop listening": the buffered values are
 *     removed and <em>returned</em> to the caller (never silently dropped), waiting senders fail
 *     with {@code ChannelClosed} (their values were not delivered), and every later send and
 *     receive fails.
 * </ul>
 *
 * <p><b>Fairness.</b> Waiting receivers are served first in, first out, like
 * {@code io.jasyncio.sync.Queue}, with the same mechanism: a future per waiter in a deque. A
 * waiting sender's value joins the buffer in the order the senders arrived, and a
 * {@link #trySend} never overtakes a waiting sender. A woken receiver that finds the value gone
 * (a {@link #tryReceive()} took it first) waits again at the end of the line.
 *
 * <p><b>Cancellation loses no value.</b> A receiver takes a value only while it runs, never while
 * it is parked, so a receiver cancelled after being woken takes nothing and passes the wake-up on.
 * A waiting sender's value is taken by the receiving side; a send therefore ends in one of two
 * ways: it returns, and the value was delivered to the channel, or it throws, and the value was
 * not. If the task is cancelled in the instant after its value was taken, {@code send} returns
 * normally and the {@link CancelledError} is raised at the task's next suspension point instead
 * (Trio's rule: an operation that happened is not reported as cancelled). For a rendezvous
 * channel a send completes when a receiver is committed to the value; if that receiver is then
 * cancelled before it runs, the value waits in the channel for the next receiver rather than
 * being lost, so a rendezvous channel can then briefly hold a value.
 *
 * <p><b>Loop and threads.</b> Bound to the loop of its first use, like the primitives of
 * {@code io.jasyncio.sync}; other loops and threads fail with an {@link IllegalStateException}
 * that names {@code loop.callSoonThreadsafe()}. Values may not be null. {@link #size()},
 * {@link #capacity()} and {@link #isClosedForSend()} only read.
 *
 * @param <T> the type of the values
 */
public final class Channel<T> implements Iterable<T> {
    /** Capacity of an unbounded channel: no send ever waits. */
    private static final int UNBOUNDED = Integer.MAX_VALUE;

    private final LoopBinding binding = new LoopBinding("Channel");
    /** 0 for rendezvous, {@link #UNBOUNDED}, or the bound. */
    private final int capacity;
    /**
     * Values sent and not yet received. At most {@code capacity} long, except that a rendezvous
     * channel holds the values handed to receivers that were woken but have not run yet.
     */
    private final ArrayDeque<T> buffer = new ArrayDeque<>();
    /**
     * Futures of tasks (or selects) waiting to receive, oldest first. A wake-up removes the future
     * it completes, so every pending future here is a receiver nobody has woken yet.
     */
    private final ArrayDeque<Future<Void>> receivers = new ArrayDeque<>();
    /**
     * Senders waiting with their values, oldest first. An offer whose future is done was taken,
     * cancelled, or belongs to a select that chose another branch; it is skipped and pruned.
     */
    private final ArrayDeque<Offer<T>> senders = new ArrayDeque<>();
    /** close() or cancel() was called: sends fail. */
    private boolean closed;
    /** cancel() was called: receives fail too, and nothing is buffered. */
    private boolean cancelled;

    /**
     * A value waiting to be sent. {@code taken} is set exactly when the receiving side took the
     * value, which is also when {@code waiter} is completed (by that side).
     */
    static final class Offer<T> {
        final Future<Void> waiter;
        final T value;
        boolean taken;

        Offer(Future<Void> waiter, T value) {
            this.waiter = waiter;
            this.value = value;
        }
    }

    private Channel(int capacity) {
        this.capacity = capacity;
    }

    /**
     * A channel without buffer: each send waits until a receiver takes its value (Kotlin's
     * RENDEZVOUS, Go's {@code make(chan T)}). Does not suspend; the channel binds to the loop
     * that first uses it, so it may be created anywhere.
     */
    public static <T> Channel<T> rendezvous() {
        return new Channel<>(0);
    }

    /**
     * A channel that buffers up to {@code capacity} values; sends wait while it is full.
     *
     * <p>Does not suspend; may be created anywhere, as {@link #rendezvous()}.
     *
     * @throws IllegalArgumentException if {@code capacity} is not positive (use
     *                                  {@link #rendezvous()} or {@link #unbounded()})
     */
    public static <T> Channel<T> bounded(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("Channel capacity must be positive, got " + capacity
                    + ": use Channel.rendezvous() for a channel without buffer, Channel.unbounded() for one without limit");
        }
        return new Channel<>(capacity);
    }

    /** A channel whose sends never wait. Does not suspend; may be created anywhere, as {@link #rendezvous()}. */
    public static <T> Channel<T> unbounded() {
        return new Channel<>(UNBOUNDED);
    }

    // ---- queries ----

    /** The capacity: 0 for a rendezvous channel, {@link Integer#MAX_VALUE} for an unbounded one. */
    public int capacity() {
        return capacity;
    }

    /** The number of values buffered (not counting those of waiting senders). Does not bind or suspend. */
    public int size() {
        return buffer.size();
    }

    /** Whether {@link #close()} or {@link #cancel()} was called: sends fail. */
    public boolean isClosedForSend() {
        return closed;
    }

    // ---- sending ----

    /**
     * Sends {@code value}, first waiting while the channel is full (for a rendezvous channel:
     * until a receiver takes it). Suspending (only when it has to wait); see the class comment
     * for what a cancellation means here.
     *
     * @throws ChannelClosed         if the channel is closed, before or while waiting (then the
     *                               value was not delivered)
     * @throws CancelledError        if the task is cancelled while waiting; the value was not
     *                               delivered
     * @throws NullPointerException  if {@code value} is null
     * @throws IllegalStateException if called outside a task of the channel's loop
     */
    public void send(T value) {
        Objects.requireNonNull(value, "value");
        EventLoop loop = binding.checkTask("send()");
        if (trySendNow(value)) return;
        Offer<T> offer = new Offer<>(loop.createFuture(), value);
        senders.add(offer);
        try {
            offer.waiter.await();
        } catch (Throwable t) {
            offer.waiter.cancel(); // in case it is not done yet
            senders.remove(offer);
            if (offer.taken && t instanceof CancelledError c) {
                deliverLater(c);
                return;
            }
            throw t;
        }
    }

    /**
     * Sends {@code value} if that needs no waiting: there is room in the buffer (for a
     * rendezvous channel: a receiver is waiting) and no sender waits before. Does not suspend.
     *
     * @return whether the value was sent
     * @throws ChannelClosed         if the channel is closed
     * @throws NullPointerException  if {@code value} is null
     * @throws IllegalStateException if called off the channel's loop
     */
    public boolean trySend(T value) {
        Objects.requireNonNull(value, "value");
        binding.check("trySend()");
        return trySendNow(value);
    }

    /** Sends if possible without waiting; the caller has checked the loop. */
    boolean trySendNow(T value) {
        if (closed) throw closedForSend();
        if (!canSendNow()) return false;
        buffer.add(value);
        wakeUpNext(receivers);
        return true;
    }

    private boolean canSendNow() {
        if (firstLiveOffer() != null) return false; // FIFO: waiting senders go first
        if (capacity == 0) return hasWaitingReceiver();
        return buffer.size() < capacity;
    }

    /** Whether a receiver (or select) waits that nobody has woken yet. */
    boolean hasWaitingReceiver() {
        for (Future<Void> r : receivers) {
            if (!r.done()) return true;
        }
        return false;
    }

    // ---- receiving ----

    /**
     * Receives the next value, first waiting while there is none. Suspending (only when it has
     * to wait).
     *
     * @throws ChannelClosed         if the channel is closed and every value was received (also
     *                               when that happens while waiting), or was cancelled
     * @throws CancelledError        if the task is cancelled while waiting; no value is taken
     * @throws IllegalStateException if called outside a task of the channel's loop
     */
    public T receive() {
        T value = receiveOrNull("receive()");
        if (value == null) throw closedForReceive();
        return value;
    }

    /** receive(), with null for the end of the stream (values are never null). */
    private T receiveOrNull(String method) {
        EventLoop loop = binding.checkTask(method);
        while (true) {
            if (available()) return take();
            if (closed) {
                if (cancelled) throw closedForReceive();
                return null;
            }
            Future<Void> receiver = loop.createFuture();
            receivers.add(receiver);
            try {
                receiver.await();
            } catch (Throwable t) {
                receiver.cancel(); // in case it is not done yet
                // A wake-up has already removed it; removing is then a no-op.
                receivers.remove(receiver);
                if (!receiver.cancelled()) passOnWakeUp();
                throw t;
            }
        }
    }

    /**
     * Receives the next value if one is there, without waiting. Does not suspend.
     *
     * @return the value, or null if there is none now
     * @throws ChannelClosed         if the channel is closed and every value was received, or
     *                               was cancelled
     * @throws IllegalStateException if called off the channel's loop
     */
    public T tryReceive() {
        binding.check("tryReceive()");
        if (available()) return take();
        if (closed) throw closedForReceive();
        return null;
    }

    /**
     * Iterates the values until the channel is closed and drained: {@code hasNext()} suspends
     * like {@link #receive()} (and takes the value, which {@code next()} then returns), and
     * returns false at the end instead of throwing {@link ChannelClosed}. Use it in a task of the
     * channel's loop. A value taken by {@code hasNext()} belongs to that iterator: call
     * {@code next()}.
     *
     * @throws ChannelClosed (from {@code hasNext()}) if the channel was cancelled by the
     *                       receiving side
     */
    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            private T next;

            @Override
            public boolean hasNext() {
                if (next == null) next = receiveOrNull("iterator().hasNext()");
                return next != null;
            }

            @Override
            public T next() {
                if (!hasNext()) throw new NoSuchElementException("the channel is closed and every value was received");
                T value = next;
                next = null;
                return value;
            }
        };
    }

    /** Whether a receive would get a value now. */
    boolean available() {
        return !buffer.isEmpty() || firstLiveOffer() != null;
    }

    /** Takes the next value; only when {@link #available()}. Refills the buffer from waiting senders. */
    T take() {
        T value = buffer.pollFirst();
        if (value == null) {
            value = takeOffer(); // rendezvous, or a bounded channel's empty buffer with waiting senders
        }
        // A slot is free now: the oldest waiting sender's value moves in, in arrival order. It
        // is a new value for the receivers, as a send would be: wake one for it, or it could sit
        // next to waiting receivers (the receivers-first random-cancellation test found this).
        while (buffer.size() < capacity && firstLiveOffer() != null) {
            buffer.add(takeOffer());
            wakeUpNext(receivers);
        }
        return value;
    }

    private T takeOffer() {
        Offer<T> offer = firstLiveOffer();
        senders.pollFirst();
        offer.taken = true;
        offer.waiter.setResult(null);
        return offer.value;
    }

    /** The first offer whose sender still waits, after pruning the dead ones at the head. */
    private Offer<T> firstLiveOffer() {
        Offer<T> o;
        while ((o = senders.peekFirst()) != null && o.waiter.done()) senders.pollFirst();
        return o;
    }

    /**
     * A receiver that was woken but takes nothing (cancelled, or a select that chose another
     * branch) hands its wake-up to the next receiver if there is something for it.
     */
    void passOnWakeUp() {
        if (available() || closed) wakeUpNext(receivers);
    }

    // ---- closing ----

    /**
     * Closes the sending side: later sends fail with {@link ChannelClosed}; receivers still get
     * every value sent before (also those of senders waiting now), then fail with
     * {@code ChannelClosed}, and iteration ends. Every waiting receiver is woken to see that.
     * Idempotent; does not suspend.
     *
     * @throws IllegalStateException if called off the channel's loop
     */
    public void close() {
        binding.check("close()");
        closed = true;
        wakeUpAll(receivers);
    }

    /**
     * Closes the channel from the receiving side: removes and returns the buffered values
     * (oldest first), fails waiting senders with {@link ChannelClosed} (their values were not
     * delivered), and makes every later send and receive fail with it; waiting receivers are
     * woken and fail. Kotlin's {@code ReceiveChannel.cancel()}. Idempotent (a second call
     * returns an empty list); does not suspend.
     *
     * @return the values that were sent but will never be received, for the caller to dispose of
     * @throws IllegalStateException if called off the channel's loop
     */
    public List<T> cancel() {
        binding.check("cancel()");
        closed = true;
        cancelled = true;
        List<T> undelivered = new ArrayList<>(buffer);
        buffer.clear();
        Offer<T> o;
        while ((o = senders.pollFirst()) != null) {
            if (!o.waiter.done()) o.waiter.setException(new ChannelClosed("Channel was cancelled by its receiving side while this send waited: the value was not delivered"));
        }
        wakeUpAll(receivers);
        return undelivered;
    }

    // ---- for Select ----

    void addReceiver(Future<Void> waiter) {
        receivers.add(waiter);
    }

    void removeReceiver(Future<Void> waiter) {
        receivers.remove(waiter);
    }

    void addOffer(Offer<T> offer) {
        senders.add(offer);
    }

    void removeOffer(Offer<T> offer) {
        senders.remove(offer);
    }

    boolean isClosedForReceive() {
        return closed && (cancelled || !available());
    }

    void checkLoop(String method) {
        binding.check(method);
    }

    ChannelClosed closedForSend() {
        return new ChannelClosed(cancelled
                ? "Channel was cancelled by its receiving side: nothing can be sent"
                : "Channel is closed for sending: close() was called");
    }

    ChannelClosed closedForReceive() {
        return new ChannelClosed(cancelled
                ? "Channel was cancelled by its receiving side: nothing can be received"
                : "Channel is closed and every value was received");
    }

    /**
     * The operation completed but the task was cancelled in the same instant: report the
     * completion and raise the cancellation at the next suspension point, with the same message
     * and without counting a second request.
     */
    static void deliverLater(CancelledError c) {
        LoopAccess.get().redeliverCancel(Asyncio.currentTask(), c.getMessage());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Channel[");
        sb.append(capacity == 0 ? "rendezvous" : capacity == UNBOUNDED ? "unbounded" : "capacity=" + capacity);
        sb.append(", size=").append(buffer.size());
        if (!receivers.isEmpty()) sb.append(", receivers:").append(receivers.size());
        if (!senders.isEmpty()) sb.append(", senders:").append(senders.size());
        if (cancelled) sb.append(", cancelled");
        else if (closed) sb.append(", closed");
        return sb.append(']').toString();
    }
}
