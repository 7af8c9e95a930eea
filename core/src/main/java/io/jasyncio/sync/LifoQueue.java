package io.jasyncio.sync;

import java.util.ArrayDeque;
import java.util.Collections;

/**
 * A {@link Queue} that returns the most recently added item first (a stack): asyncio's
 * {@code LifoQueue}.
 *
 * <pre>{@code
 * LifoQueue<String> stack = new LifoQueue<>();
 * stack.putNowait("a");
 * stack.putNowait("b");
 * stack.getNowait();   // "b"
 * }</pre>
 *
 * <p>Only the order differs; waiting tasks are still served first in, first out, and everything
 * else is as for {@link Queue}.
 *
 * @param <T> the type of the items
 */
public final class LifoQueue<T> extends Queue<T> {
    /** An unbounded stack. */
    public LifoQueue() {
        this(0);
    }

    /** A stack of at most {@code maxsize} items; zero or less means unbounded. */
    public LifoQueue(int maxsize) {
        // asLifoQueue: offer pushes at the head and poll pops from it.
        super(maxsize, "LifoQueue", Collections.asLifoQueue(new ArrayDeque<>()));
    }
}
