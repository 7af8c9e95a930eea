/**
 * jasyncio: Python's asyncio for Java. One event loop per thread, tasks that are virtual threads
 * scheduled by that loop, and asyncio's semantics for futures, tasks and cancellation.
 *
 * <p>Start with {@link io.jasyncio.Asyncio#run(io.jasyncio.AsyncRunnable)}.
 */
module io.jasyncio {
    // JFR events (JfrEvents), used only when jdk.jfr is present at run time.
    requires static jdk.jfr;
    // sun.misc.Signal, the JDK's only way to handle POSIX signals (EventLoop.addSignalHandler).
    requires jdk.unsupported;

    exports io.jasyncio;
    exports io.jasyncio.sync;
    exports io.jasyncio.net;
    exports io.jasyncio.stream;
    exports io.jasyncio.file;
    exports io.jasyncio.channel;
    exports io.jasyncio.time;
    exports io.jasyncio.process;
    exports io.jasyncio.loops;
}
