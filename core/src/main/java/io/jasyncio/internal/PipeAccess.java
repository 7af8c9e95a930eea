package io.jasyncio.internal;

import io.jasyncio.EventLoop;
import io.jasyncio.net.ReadPipeProtocol;
import io.jasyncio.net.ReadTransport;
import io.jasyncio.net.WritePipeProtocol;
import io.jasyncio.net.WriteTransport;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The subprocess layer's door into the pipe transports of {@code io.jasyncio.net}: thread-served
 * pipes made without suspending (connectionMade is scheduled), with a thread name, and the
 * "reader went away" event of a child's stdin. Installs itself as {@link LoopAccess} does.
 */
public abstract class PipeAccess {
    private static volatile PipeAccess instance;

    protected PipeAccess() {
    }

    public static void install(PipeAccess access) {
        if (instance != null) throw new IllegalStateException("PipeAccess is already installed");
        instance = access;
    }

    public static PipeAccess get() {
        PipeAccess a = instance;
        if (a == null) {
            try {
                Class.forName("io.jasyncio.net.PipeAccessImpl", true, PipeAccess.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("jasyncio is incomplete: io.jasyncio.net.PipeAccessImpl is missing", e);
            }
            a = instance;
        }
        return a;
    }

    /** A read pipe served by a thread named {@code "jasyncio-pipe-" + name}; connectionMade comes soon. */
    public abstract ReadTransport readPipe(EventLoop loop, InputStream in, String name, ReadPipeProtocol protocol);

    /** A write pipe served by a thread named {@code "jasyncio-pipe-" + name}; connectionMade comes soon. */
    public abstract WriteTransport writePipe(EventLoop loop, OutputStream out, String name, WritePipeProtocol protocol);

    /** The reading end of {@code transport}'s pipe closed (the child exited): close it, as asyncio does. */
    public abstract void peerClosed(WriteTransport transport);

    /** The thread serving a thread-served pipe transport, or null. */
    public abstract Thread thread(Object transport);

    /**
     * Ends a thread-served pipe now, without protocol callbacks (the loop is closing): its thread
     * stops after the read or write it is blocked in, if any.
     */
    public abstract void releaseNow(Object transport);

    /**
     * Closes a pipe transport on behalf of its owner (a subprocess transport): as {@code close()},
     * except that later writes are dropped as after a lost pipe rather than refused as after the
     * application's own close, which is what asyncio does for every write after close.
     */
    public abstract void closeByOwner(io.jasyncio.net.BaseTransport transport);

    /** A read pipe on the loop's selector (made non-blocking here); connectionMade comes soon. */
    public abstract ReadTransport readPipe(EventLoop loop, java.nio.channels.Pipe.SourceChannel source,
                                           ReadPipeProtocol protocol) throws java.io.IOException;

    /** A write pipe on the loop's selector (made non-blocking here); connectionMade comes soon. */
    public abstract WriteTransport writePipe(EventLoop loop, java.nio.channels.Pipe.SinkChannel sink,
                                             WritePipeProtocol protocol) throws java.io.IOException;
}
