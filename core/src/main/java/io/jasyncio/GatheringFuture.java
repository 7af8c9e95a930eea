package io.jasyncio;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The future {@link Asyncio#gather} returns: asyncio's {@code _GatheringFuture}, and the gathering
 * itself. Cancelling it cancels the children; it then ends with a {@link CancelledError} (as an
 * exception, like asyncio) once they are all done, even if {@code returnExceptions} is set.
 */
final class GatheringFuture<R> extends Future<List<R>> {
    /** One entry per argument, in argument order; a future given twice appears twice. */
    private final List<Future<?>> children;
    private boolean cancelRequested;

    private GatheringFuture(EventLoop loop, List<Future<?>> children) {
        super(loop);
        this.children = children;
    }

    /** What this gather waits for, in argument order: for {@link TaskDump}'s tree. */
    List<Future<?>> children() {
        return children;
    }

    @Override
    public boolean cancel(String message) {
        loop.owner.checkThread("Future.cancel()");
        if (done()) return false;
        boolean any = false;
        for (Future<?> child : children) {
            if (child.cancel(message)) any = true;
        }
        // Only if a child really was cancelled: the gather must then end cancelled whatever
        // returnExceptions says (bpo-32684).
        if (any) cancelRequested = true;
        return any;
    }

    /**
     * Gathers {@code args}, each a {@link Future} or a {@link Coroutine} (run as a new task), in
     * asyncio 3.12's order of operations: children are made and hooked one argument at a time,
     * and those already done (an eager task may finish at creation) are counted synchronously
     * once the outer future exists, so gathering only done futures returns a done future.
     *
     * @param returnExceptions if true the results are {@link Outcome}s, else plain values
     */
    static <R> Future<List<R>> gather(List<?> args, boolean returnExceptions) {
        if (args.isEmpty()) {
            Future<List<R>> outer = Asyncio.getRunningLoop().createFuture();
            outer.setResult(List.of());
            return outer;
        }
        EventLoop loop = null;
        Gathering<R> g = null;
        // Only futures are de-duplicated (see below): no map at all for a list of coroutines.
        Map<Object, Future<?>> argToFut = null;
        List<Future<?>> children = new ArrayList<>(args.size());
        List<Future<?>> doneFuts = null;
        for (Object arg : args) {
            if (arg == null) throw new NullPointerException("gather() argument " + children.size() + " is null");
            Future<?> fut;
            if (arg instanceof Future<?> f) {
                if (argToFut == null) argToFut = new IdentityHashMap<>();
                else if (argToFut.containsKey(f)) {
                    children.add(f);
                    continue;
                }
                if (loop != null && f.loop != loop) {
                    throw new IllegalArgumentException("The future belongs to a different loop than the other "
                            + "awaitables of this gather(): " + f);
                }
                fut = f;
                // A coroutine is a reusable function in Java, not a one-shot object: each
                // occurrence runs once, so only futures are de-duplicated.
                argToFut.put(f, f);
            } else {
                @SuppressWarnings("unchecked")
                Coroutine<Object> coro = (Coroutine<Object>) arg;
                fut = (loop != null ? loop : Asyncio.getRunningLoop()).createTask(coro);
            }
            if (loop == null) {
                loop = fut.loop;
                loop.owner.checkThread("gather()");
                // The callback context is the caller's now, once for all children (asyncio's
                // add_done_callback captures the same context for each of them).
                g = new Gathering<>(loop, returnExceptions);
            }
            g.nfuts++;
            if (fut.done()) {
                if (doneFuts == null) doneFuts = new ArrayList<>();
                doneFuts.add(fut);
            } else {
                fut.addDoneSink(g);
            }
            children.add(fut);
        }
        GatheringFuture<R> outer = new GatheringFuture<>(loop, children);
        g.outer = outer;
        if (doneFuts != null) {
            for (Future<?> f : doneFuts) g.accept(f);
        }
        return outer;
    }

    /**
     * The children's done callback: asyncio's {@code _done_callback} closure, one object for all
     * children. A child that finishes is queued here and this handle is appended to the ready
     * queue once per child, exactly where a done callback of that child would have gone; each
     * run takes the oldest finished child. So the gather costs no callback object per child and
     * keeps asyncio's order (one loop iteration between a child finishing and being counted).
     */
    private static final class Gathering<R> extends Handle implements Runnable, io.jasyncio.internal.DoneSink {
        final boolean returnExceptions;
        /** Null until every child is hooked (bpo-46672: a child may finish before that). */
        GatheringFuture<R> outer;
        int nfuts;
        int nfinished;
        /** Children done whose turn in the ready queue has not come yet, oldest first. */
        private final ArrayDeque<Future<?>> finished = new ArrayDeque<>();

        Gathering(EventLoop loop, boolean returnExceptions) {
            super(loop, loop.current.contextMap());
            this.returnExceptions = returnExceptions;
        }

        @Override
        public void futureDone(Future<?> child) {
            finished.add(child);
            loop.scheduler.add(this);
        }

        @Override
        public void run() {
            accept(finished.poll());
        }

        @Override
        public String toString() {
            return "Handle[gather() child done callback]";
        }

        /** Counts one finished child; asyncio's _done_callback body. */
        void accept(Future<?> fut) {
            nfinished++;
            GatheringFuture<R> out = outer;
            if (out == null || out.done()) {
                if (!fut.cancelled()) fut.exception(); // mark it retrieved: we report nothing
                return;
            }
            if (!returnExceptions) {
                if (fut.cancelled()) {
                    out.setException(cancelledErrorOf(fut));
                    return;
                }
                Throwable exc = fut.exception();
                if (exc != null) {
                    out.setException(exc);
                    return;
                }
            }
            if (nfinished == nfuts) {
                List<Object> results = new ArrayList<>(out.children.size());
                Future<?> last = null;
                for (Future<?> child : out.children) {
                    results.add(returnExceptions ? Outcome.of(child) : child.result());
                    last = child;
                }
                if (out.cancelRequested) {
                    out.setException(cancelledErrorOf(last));
                } else {
                    @SuppressWarnings("unchecked")
                    List<R> typed = (List<R>) Collections.unmodifiableList(results);
                    out.setResult(typed);
                }
            }
        }
    }

    /** The error awaiting {@code f} throws if it was cancelled, else a fresh one with its message. */
    static CancelledError cancelledErrorOf(Future<?> f) {
        if (f.cancelled()) {
            try {
                f.exception();
            } catch (CancelledError e) {
                return e;
            }
        }
        return new CancelledError(f.cancelMessage());
    }
}
