package io.jasyncio;

import java.util.List;

/**
 * Several exceptions raised together: what a {@link TaskGroup} throws when children (or its body)
 * failed — asyncio's {@code ExceptionGroup}. The exceptions keep the order in which they
 * happened; a nested task group contributes its own group as one member. Each member is also
 * attached as a suppressed exception, so a printed stack trace shows all of them.
 *
 * <pre>{@code
 * try {
 *     TaskGroup.run(tg -> {
 *         tg.createTask(() -> download(a));
 *         tg.createTask(() -> download(b));
 *     });
 * } catch (ExceptionGroup eg) {
 *     for (Throwable e : eg.exceptions()) log(e);
 * }
 * }</pre>
 *
 * <p>A member may be a checked exception, an unchecked one or an {@link Error}, exactly as the
 * child threw it; cancellations are never members (a cancelled child is not a failure).
 *
 * <p>Its accessors never suspend and may be called from any thread.
 */
public final class ExceptionGroup extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String baseMessage;
    /** An array, not a List, so that the exception stays serializable. */
    private final Throwable[] exceptions;

    /**
     * @param message    what the exceptions have in common
     * @param exceptions at least one exception
     * @throws IllegalArgumentException if {@code exceptions} is empty
     */
    public ExceptionGroup(String message, List<? extends Throwable> exceptions) {
        super(message + " (" + sizeOf(exceptions) + " sub-exception" + (exceptions.size() == 1 ? "" : "s") + ")", null, true, true);
        this.baseMessage = message;
        this.exceptions = exceptions.toArray(new Throwable[0]);
        for (Throwable e : this.exceptions) addSuppressed(e);
    }

    private static int sizeOf(List<? extends Throwable> exceptions) {
        if (exceptions.isEmpty()) throw new IllegalArgumentException("an exception group needs at least one exception");
        return exceptions.size();
    }

    /** The message without the count of sub-exceptions (asyncio's {@code eg.message}). */
    public String message() {
        return baseMessage;
    }

    /** The exceptions, in the order they happened; unmodifiable. */
    public List<Throwable> exceptions() {
        return List.of(exceptions);
    }
}
