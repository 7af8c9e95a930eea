package io.jasyncio;

/**
 * Where a loop sends the errors nobody else receives (asyncio's {@code call_exception_handler}):
 * the user's {@link ExceptionHandler} if one is set, else a log record at level ERROR on the
 * {@code io.jasyncio} logger. A handler that fails is itself logged, never rethrown into the loop.
 */
final class LoopErrors {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");

    /** The user's handler, or null for logging. Set and read on the loop thread. */
    private ExceptionHandler handler;

    ExceptionHandler handler() {
        return handler;
    }

    void setHandler(ExceptionHandler handler) {
        this.handler = handler;
    }

    void report(EventLoop loop, ErrorContext context) {
        ExceptionHandler h = handler;
        if (h == null) {
            log(context);
            return;
        }
        try {
            h.handle(loop, context);
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError vme) throw vme;
            log(ErrorContext.of("Unhandled error in exception handler (context: " + context.message() + ")", t));
        }
    }

    /** The default handling: log {@code context} at level ERROR through {@link System.Logger}. */
    static void log(ErrorContext context) {
        StringBuilder msg = new StringBuilder(context.message());
        if (context.future() != null) {
            msg.append("\n  future: ").append(context.future() instanceof Task<?> t ? TaskDebug.describe(t) : context.future());
        }
        if (context.handle() != null) msg.append("\n  handle: ").append(context.handle());
        if (context.transport() != null) msg.append("\n  transport: ").append(context.transport());
        if (context.protocol() != null) msg.append("\n  protocol: ").append(Callbacks.describe(context.protocol()));
        if (context.socket() != null) msg.append("\n  socket: ").append(context.socket());
        LOG.log(System.Logger.Level.ERROR, msg.toString(), context.exception());
    }
}
