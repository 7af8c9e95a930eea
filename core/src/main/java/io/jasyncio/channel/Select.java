package io.jasyncio.channel;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.TimerHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Waits for the first of several operations — receive from a channel, send to a channel, a
 * future's completion, a timeout — performs exactly that one, and runs its handler: Kotlin's
 * {@code select}, Go's {@code select}, Tokio's {@code select!}.
 *
 * <pre>{@code
 * String what = new Select<String>()
 *         .onReceive(orders, o -> "order " + o)
 *         .onReceive(cancels, c -> "cancel " + c)
 *         .onSend(audit, entry, () -> "audited")
 *         .onTimeout(Duration.ofSeconds(1), () -> "idle")
 *         .await();                        // suspends until one branch is ready
 * }</pre>
 *
 * <p><b>Exactly one.</b> The choice and the operation are atomic: everything of a loop runs on
 * its thread, so {@code await()} checks the branches and performs the chosen operation without
 * anything running in between; a branch that loses consumes nothing (no value is taken from a
 * channel and dropped, no value is half-sent). While waiting, the select is registered with
 * every channel as one waiter: a receiving task on the other end can take the value of one of
 * its sends only while nothing else has chosen the select, and a value arriving on a receive
 * branch only wakes it; the select then takes it when it runs. A wake-up it does not use is
 * passed to the next waiting receiver, as a cancelled receive does.
 *
 * <p><b>Which one.</b> When several branches are ready, the first in the order they were added
 * wins (Kotlin's biased select; deterministic, which tests like). A timeout branch is chosen
 * only when no other branch is ready, so {@code onTimeout(Duration.ZERO, ...)} is Go's
 * {@code default}: "nothing ready now".
 *
 * <p><b>Outcomes of branches.</b> A receive from a channel that is closed and drained, or a send
 * to a closed channel, is ready too: {@code await()} throws that {@link ChannelClosed} (as
 * Kotlin's {@code onReceive}/{@code onSend} do). A future branch passes the future's result to
 * its handler; if the future failed or was cancelled, {@code await()} throws as
 * {@link Future#await()} would. Handlers run in the calling task after the operation.
 *
 * <p><b>Cancellation.</b> A task cancelled while waiting performs no operation, with one
 * exception as in {@link Channel#send}: if a receiver took the value of a send branch in the same
 * instant, that branch wins and the {@link CancelledError} is raised at the next suspension
 * point.
 *
 * <p>A select is built by one task and may be awaited again (each {@code await()} starts a new
 * timeout). Not thread-safe: use it in a task of the loop of its channels and futures.
 *
 * @param <R> the type of the value the handlers return
 */
public final class Select<R> {
    /** The branches other than the timeout, in the order added: that order breaks ties. */
    private final List<Branch<R>> branches = new ArrayList<>(4);
    private Duration timeout;
    private Supplier<? extends R> onTimeout;

    /** Creates a select without branches. */
    public Select() {}

    /**
     * Adds a branch that receives a value from {@code channel} and returns
     * {@code handler.apply(value)}.
     * Does not suspend: the wait is in {@link #await()}.
     *
     * @throws IllegalArgumentException if this select already receives from {@code channel}
     */
    public <T> Select<R> onReceive(Channel<T> channel, Function<? super T, ? extends R> handler) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(handler, "handler");
        for (Branch<R> b : branches) {
            if (b instanceof ReceiveBranch<?, R> r && r.channel == channel) {
                throw new IllegalArgumentException("select already has a receive branch for " + channel
                        + ": a channel can be received from by one branch; combine the handlers");
            }
        }
        branches.add(new ReceiveBranch<>(channel, handler));
        return this;
    }

    /**
     * Adds a branch that sends {@code value} to {@code channel} and returns
     * {@code handler.get()}.
     * Does not suspend: the wait is in {@link #await()}.
     *
     * @throws IllegalArgumentException if this select already sends to {@code channel}
     */
    public <T> Select<R> onSend(Channel<T> channel, T value, Supplier<? extends R> handler) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(handler, "handler");
        for (Branch<R> b : branches) {
            if (b instanceof SendBranch<?, R> s && s.channel == channel) {
                throw new IllegalArgumentException("select already has a send branch for " + channel
                        + ": a channel can be sent to by one branch; only one of them could happen");
            }
        }
        branches.add(new SendBranch<>(channel, value, handler));
        return this;
    }

    /**
     * Adds a branch that waits for {@code future} and returns {@code handler.apply(result)}. The
     * future is not cancelled when another branch wins.
     * Does not suspend: the wait is in {@link #await()}.
     *
     * @throws IllegalArgumentException if this select already waits for {@code future}
     */
    public <T> Select<R> onFuture(Future<T> future, Function<? super T, ? extends R> handler) {
        Objects.requireNonNull(future, "future");
        Objects.requireNonNull(handler, "handler");
        for (Branch<R> b : branches) {
            if (b instanceof FutureBranch<?, R> f && f.future == future) {
                throw new IllegalArgumentException("select already has a branch for " + future + ": one branch per future");
            }
        }
        branches.add(new FutureBranch<>(future, handler));
        return this;
    }

    /**
     * Adds the timeout branch: if nothing else is ready {@code delay} after {@code await()}
     * starts, returns {@code handler.get()}. Zero or negative: only if nothing is ready at once.
     *
     * @throws IllegalArgumentException if this select already has a timeout
     */
    public Select<R> onTimeout(Duration delay, Supplier<? extends R> handler) {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(handler, "handler");
        if (timeout != null) {
            throw new IllegalArgumentException("select already has a timeout of " + timeout + ": one timeout per select");
        }
        this.timeout = delay;
        this.onTimeout = handler;
        return this;
    }

    /**
     * Waits until a branch is ready, performs it, and returns what its handler returns.
     * Suspending (only when no branch is ready at once).
     *
     * @throws ChannelClosed            if the chosen branch receives from a closed and drained
     *                                  channel or sends to a closed one
     * @throws CancelledError           if the task is cancelled while waiting (no branch
     *                                  happened), or the chosen future was cancelled
     * @throws IllegalStateException    if the select has no branches, or is awaited outside a
     *                                  task of its channels' loop
     * @throws IllegalArgumentException if a future belongs to another loop
     */
    public R await() {
        if (branches.isEmpty() && timeout == null) {
            throw new IllegalStateException("select has no branches: add at least one with onReceive, onSend, onFuture or onTimeout");
        }
        EventLoop loop = Asyncio.getRunningLoop();
        if (loop.currentTask() == null) {
            throw new IllegalStateException("Select.await() suspends, so it can only be called inside a task, not in a callback: "
                    + "run the code in a task (Asyncio.createTask())");
        }
        for (Branch<R> b : branches) b.check(loop);
        double deadline = timeout == null ? Double.NaN : loop.time() + timeout.toNanos() / 1e9;
        while (true) {
            for (Branch<R> b : branches) {
                if (b.ready()) return b.fire();
            }
            if (timeout != null && loop.time() >= deadline) return onTimeout.get();

            Future<Void> waiter = loop.createFuture();
            for (Branch<R> b : branches) b.register(waiter);
            TimerHandle timer = timeout == null ? null : loop.callAt(deadline, () -> {
                if (!waiter.done()) waiter.setResult(null);
            });
            Throwable failure = null;
            try {
                waiter.await();
            } catch (Throwable t) {
                waiter.cancel(); // in case it is not done yet
                failure = t;
            }
            if (timer != null) timer.cancel();
            Branch<R> sent = null;
            for (Branch<R> b : branches) {
                b.unregister(waiter);
                if (sent == null && b.wasTaken()) sent = b;
            }
            if (sent != null) {
                // A receiver took the value of a send branch: that branch happened.
                if (failure instanceof CancelledError c) Channel.deliverLater(c);
                else if (failure != null) throw rethrow(failure);
                return sent.fire();
            }
            if (failure != null) {
                if (!waiter.cancelled()) passOnWakeUps(null);
                throw rethrow(failure);
            }
            // Woken: find what is ready now (it may be gone again, then wait anew). A wake-up
            // from a channel whose value we leave must reach the next receiver.
            for (Branch<R> b : branches) {
                if (b.ready()) {
                    passOnWakeUps(b);
                    return b.fire();
                }
            }
            if (timeout != null && loop.time() >= deadline) {
                passOnWakeUps(null);
                return onTimeout.get();
            }
        }
    }

    private void passOnWakeUps(Branch<R> except) {
        for (Branch<R> b : branches) {
            if (b != except && b instanceof ReceiveBranch<?, R> r) r.channel.passOnWakeUp();
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        throw new IllegalStateException(t); // await() throws nothing checked
    }

    @Override
    public String toString() {
        return "Select[" + branches.size() + " branches" + (timeout != null ? ", timeout " + timeout : "") + "]";
    }

    // ---- branches ----

    private abstract static sealed class Branch<R> permits ReceiveBranch, SendBranch, FutureBranch {
        abstract void check(EventLoop loop);

        /** Whether the operation can happen now (or fail at once, e.g. on a closed channel). */
        abstract boolean ready();

        /** Performs the operation ({@link #ready()} was true, or the send was taken) and runs the handler. */
        abstract R fire();

        abstract void register(Future<Void> waiter);

        abstract void unregister(Future<Void> waiter);

        boolean wasTaken() {
            return false;
        }
    }

    private static final class ReceiveBranch<T, R> extends Branch<R> {
        final Channel<T> channel;
        final Function<? super T, ? extends R> handler;

        ReceiveBranch(Channel<T> channel, Function<? super T, ? extends R> handler) {
            this.channel = channel;
            this.handler = handler;
        }

        @Override
        void check(EventLoop loop) {
            channel.checkLoop("select onReceive");
        }

        @Override
        boolean ready() {
            return channel.available() || channel.isClosedForReceive();
        }

        @Override
        R fire() {
            if (!channel.available()) throw channel.closedForReceive();
            return handler.apply(channel.take());
        }

        @Override
        void register(Future<Void> waiter) {
            channel.addReceiver(waiter);
        }

        @Override
        void unregister(Future<Void> waiter) {
            channel.removeReceiver(waiter);
        }
    }

    private static final class SendBranch<T, R> extends Branch<R> {
        final Channel<T> channel;
        final T value;
        final Supplier<? extends R> handler;
        /** The offer of the current wait, if any. */
        private Channel.Offer<T> offer;
        private boolean taken;

        SendBranch(Channel<T> channel, T value, Supplier<? extends R> handler) {
            this.channel = channel;
            this.value = value;
            this.handler = handler;
        }

        @Override
        void check(EventLoop loop) {
            channel.checkLoop("select onSend");
        }

        @Override
        boolean ready() {
            // trySendNow throws ChannelClosed on a closed channel: that is this branch's outcome
            // and it happens at once, so report ready and let fire() throw it.
            if (channel.isClosedForSend()) return true;
            taken = channel.trySendNow(value);
            return taken;
        }

        @Override
        R fire() {
            if (!taken) throw channel.closedForSend();
            taken = false;
            return handler.get();
        }

        @Override
        void register(Future<Void> waiter) {
            offer = new Channel.Offer<>(waiter, value);
            channel.addOffer(offer);
        }

        @Override
        void unregister(Future<Void> waiter) {
            channel.removeOffer(offer);
            taken = offer.taken;
            offer = null;
        }

        @Override
        boolean wasTaken() {
            return taken;
        }
    }

    private static final class FutureBranch<T, R> extends Branch<R> {
        final Future<T> future;
        final Function<? super T, ? extends R> handler;
        private Consumer<Future<T>> callback;

        FutureBranch(Future<T> future, Function<? super T, ? extends R> handler) {
            this.future = future;
            this.handler = handler;
        }

        @Override
        void check(EventLoop loop) {
            if (future.getLoop() != loop) {
                throw new IllegalArgumentException("select got " + future + ", which belongs to another event loop: "
                        + "await futures on their own loop, or bridge them with Asyncio.wrapFuture()");
            }
        }

        @Override
        boolean ready() {
            return future.done();
        }

        @Override
        R fire() {
            return handler.apply(future.result());
        }

        @Override
        void register(Future<Void> waiter) {
            callback = f -> {
                if (!waiter.done()) waiter.setResult(null);
            };
            future.addDoneCallback(callback);
        }

        @Override
        void unregister(Future<Void> waiter) {
            future.removeDoneCallback(callback);
            callback = null;
        }
    }
}
