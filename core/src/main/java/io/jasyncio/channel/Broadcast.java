package io.jasyncio.channel;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.LoopBinding;
import java.util.Objects;

/**
 * A channel where every receiver gets every message: Tokio's {@code broadcast}. Messages are kept
 * in a ring of {@code capacity}; {@link #send} never waits, and a receiver that falls more than
 * {@code capacity} messages behind loses the oldest ones and is told so by a {@link Lagged}
 * error, as in Tokio (a slow receiver never holds up the sender or the other receivers).
 *
 * <pre>{@code
 * Broadcast<Event> events = new Broadcast<>(1024);
 * Broadcast.Receiver<Event> rx = events.subscribe();   // sees messages sent from now on
 * Asyncio.createTask(() -> {
 *     for (Event e : rx) show(e);                     // suspends per message; ends at close()
 * });
 * events.send(new Event("started"));
 * events.close();
 * }</pre>
 *
 * <p><b>Waiting.</b> A waiting receiver parks on a future of its own (one future cannot be shared:
 * cancelling a task cancels the future it awaits), and a send wakes them all. A receiver takes a
 * message only while it runs, so a cancelled receive loses nothing.
 *
 * <p><b>Closing.</b> After {@link #close()} sends fail with {@link ChannelClosed}; each receiver
 * still gets the messages it has not received (that are still held), then fails with
 * {@code ChannelClosed} and its iteration ends.
 *
 * <p>Bound to the loop of its first use, like {@link Channel}. Values may not be null.
 *
 * @param <T> the type of the messages
 */
public final class Broadcast<T> {
    private final LoopBinding binding = new LoopBinding("Broadcast");
    private final Object[] ring;
    /** Sequence number of the next message sent; message {@code s} is in {@code ring[s % capacity]} while {@code s >= tail - capacity}. */
    private long tail;
    /** Futures of the receivers waiting for the next send or the close; all woken then. */
    private final java.util.ArrayList<Future<Void>> waiting = new java.util.ArrayList<>();
    private boolean closed;
    private int receivers;

    /**
     * A broadcast that holds the last {@code capacity} messages for slow receivers.
     *
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public Broadcast(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("Broadcast capacity must be positive, got " + capacity
                    + ": it is how many messages are kept for receivers that are behind");
        }
        this.ring = new Object[capacity];
    }

    /**
     * A new receiver that gets every message sent from now on. Does not suspend.
     *
     * @throws IllegalStateException if called off the broadcast's loop
     */
    public Receiver<T> subscribe() {
        binding.check("subscribe()");
        receivers++;
        return new Receiver<>(this, tail);
    }

    /**
     * Sends {@code value} to every receiver; returns how many receivers exist. Never waits: a
     * receiver that is {@code capacity} messages behind loses its oldest message. Does not
     * suspend.
     *
     * @throws ChannelClosed         if the broadcast is closed
     * @throws NullPointerException  if {@code value} is null
     * @throws IllegalStateException if called off the broadcast's loop
     */
    public int send(T value) {
        Objects.requireNonNull(value, "value");
        binding.check("send()");
        if (closed) throw new ChannelClosed("Broadcast is closed: close() was called");
        ring[(int) (tail % ring.length)] = value;
        tail++;
        wakeAll();
        return receivers;
    }

    /** Closes the broadcast: sends fail; receivers drain what they have not received, then see the end. Idempotent; does not suspend. */
    public void close() {
        binding.check("close()");
        closed = true;
        wakeAll();
    }

    private void wakeAll() {
        if (waiting.isEmpty()) return;
        for (Future<Void> f : waiting) {
            if (!f.done()) f.setResult(null);
        }
        waiting.clear();
    }

    @SuppressWarnings("unchecked")
    private T at(long seq) {
        return (T) ring[(int) (seq % ring.length)];
    }

    @Override
    public String toString() {
        return "Broadcast[capacity=" + ring.length + ", sent=" + tail + ", receivers=" + receivers + (closed ? ", closed" : "") + "]";
    }

    /**
     * One subscriber's view of a {@link Broadcast}: it receives each message once, in order.
     * Iterating it ({@code for (var m : rx)}) suspends per message and ends when the broadcast is
     * closed and this receiver has everything; a {@link Lagged} error comes out of the iteration
     * too (catch it and iterate on). Use it in one task at a time.
     */
    public static final class Receiver<T> implements Iterable<T> {
        private final Broadcast<T> owner;
        /** Sequence number of the next message for this receiver. */
        private long next;

        Receiver(Broadcast<T> owner, long next) {
            this.owner = owner;
            this.next = next;
        }

        /**
         * Receives the next message, waiting while there is none. Suspending (only when it has
         * to wait).
         *
         * @throws Lagged                if messages were lost to overwriting (the receiver then
         *                               continues from the oldest message held)
         * @throws ChannelClosed         if the broadcast is closed and this receiver has every
         *                               message
         * @throws CancelledError        if the task is cancelled while waiting; nothing is taken
         * @throws IllegalStateException if called outside a task of the broadcast's loop
         */
        public T receive() {
            T value = receiveOrNull("Receiver.receive()");
            if (value == null) throw new ChannelClosed("Broadcast is closed and this receiver has every message");
            return value;
        }

        private T receiveOrNull(String method) {
            EventLoop loop = owner.binding.checkTask(method);
            while (true) {
                T value = poll();
                if (value != null) return value;
                if (owner.closed) return null;
                Future<Void> f = loop.createFuture();
                owner.waiting.add(f);
                try {
                    f.await();
                } catch (Throwable t) {
                    f.cancel();
                    owner.waiting.remove(f); // nothing to pass on: every waiter is woken by a send
                    throw t;
                }
            }
        }

        /**
         * Receives the next message if there is one, without waiting; null otherwise. Does not
         * suspend.
         *
         * @throws Lagged        as {@link #receive()}
         * @throws ChannelClosed if the broadcast is closed and this receiver has every message
         */
        public T tryReceive() {
            owner.binding.check("Receiver.tryReceive()");
            T value = poll();
            if (value == null && owner.closed) throw new ChannelClosed("Broadcast is closed and this receiver has every message");
            return value;
        }

        private T poll() {
            long oldest = owner.tail - owner.ring.length;
            if (next < oldest) {
                long skipped = oldest - next;
                next = oldest;
                throw new Lagged(skipped);
            }
            if (next == owner.tail) return null;
            return owner.at(next++);
        }

        /** How many messages wait for this receiver (at most the capacity). */
        public long pending() {
            return Math.min(owner.tail - next, owner.ring.length);
        }

        @Override
        public java.util.Iterator<T> iterator() {
            return new java.util.Iterator<>() {
                private T next;

                @Override
                public boolean hasNext() {
                    if (next == null) next = receiveOrNull("Receiver.iterator().hasNext()");
                    return next != null;
                }

                @Override
                public T next() {
                    if (!hasNext()) throw new java.util.NoSuchElementException("the broadcast is closed and every message was received");
                    T v = next;
                    next = null;
                    return v;
                }
            };
        }
    }
}
