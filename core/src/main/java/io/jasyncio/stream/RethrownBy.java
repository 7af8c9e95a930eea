package io.jasyncio.stream;

import java.io.IOException;

/**
 * Not an error: the frame where a stream handed a connection's stored error to a task.
 *
 * <p>When a socket write fails, the transport records the error and the task sees it later, from
 * {@link StreamWriter#drain()}; the exception is the same object (as asyncio raises the same
 * object), so its stack shows the write that met the broken connection, not the drain() that
 * raised it. asyncio's traceback would show both. This marker, attached once as a suppressed
 * exception, adds the missing frame to every printed stack trace, and changes neither the
 * exception's type nor its identity.
 */
final class RethrownBy extends Exception {
    private RethrownBy(String where) {
        super("the error above was stored when the connection broke and rethrown to the task by " + where);
    }

    /** {@code stored} as {@code where} throws it, marked with the caller's frame once. */
    static IOException mark(Throwable stored, String where) {
        IOException io = rethrowable(stored);
        for (Throwable s : io.getSuppressed()) {
            if (s instanceof RethrownBy) return io;
        }
        io.addSuppressed(new RethrownBy(where));
        return io;
    }

    /**
     * {@code t} as something to throw from a method declaring {@link IOException}: an
     * IOException is returned as it is, an unchecked one thrown as it is, any other wrapped.
     */
    static IOException rethrowable(Throwable t) {
        if (t instanceof IOException io) return io;
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error err) throw err;
        return new IOException(t.getMessage(), t);
    }
}
