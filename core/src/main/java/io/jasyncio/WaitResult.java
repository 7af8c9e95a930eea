package io.jasyncio;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What {@link Asyncio#wait} returns: the futures that are done and those still pending, each in
 * the order they were given (asyncio's {@code (done, pending)} pair of sets). Both sets are
 * unmodifiable.
 *
 * <pre>{@code
 * WaitResult<Task<String>> r = Asyncio.wait(tasks, Duration.ofSeconds(1));
 * for (Task<String> t : r.done()) System.out.println(t.result());
 * r.pending().forEach(Task::cancel);   // a timeout leaves them running
 * }</pre>
 *
 * <p>A value: its methods never suspend and may be called from any thread.
 *
 * @param done    the futures that were done when wait returned
 * @param pending the others
 * @param <F>     the type of the futures passed in
 */
public record WaitResult<F extends Future<?>>(Set<F> done, Set<F> pending) {
    public WaitResult {
        // Insertion-ordered copies: Set.copyOf would lose the order the futures were given in.
        done = Collections.unmodifiableSet(new LinkedHashSet<>(done));
        pending = Collections.unmodifiableSet(new LinkedHashSet<>(pending));
    }
}
