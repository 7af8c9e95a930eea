package io.jasyncio.internal;

import io.jasyncio.EventLoop;
import io.jasyncio.net.BaseProtocol;
import io.jasyncio.net.WriteTransport;
import io.jasyncio.stream.StreamWriter;

/**
 * The subprocess layer's door into {@code io.jasyncio.stream}: a {@link StreamWriter} over a pipe
 * (a child's stdin), which users cannot build, driven by a flow-control object the pipe's
 * protocol forwards {@code pauseWriting}/{@code resumeWriting}/{@code connectionLost} to. The
 * implementation installs itself when its class is initialized (as {@link LoopAccess}).
 */
public abstract class StreamAccess {
    private static volatile StreamAccess instance;

    protected StreamAccess() {
    }

    public static void install(StreamAccess access) {
        if (instance != null) throw new IllegalStateException("StreamAccess is already installed");
        instance = access;
    }

    public static StreamAccess get() {
        StreamAccess a = instance;
        if (a == null) {
            try {
                Class.forName("io.jasyncio.stream.StreamAccessImpl", true, StreamAccess.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("jasyncio is incomplete: io.jasyncio.stream.StreamAccessImpl is missing", e);
            }
            a = instance;
        }
        return a;
    }

    /** A new flow-control object: forward the write pipe's protocol events to it. */
    public abstract BaseProtocol newDrainFlow(EventLoop loop);

    /** A writer on {@code transport} whose {@code drain}/{@code waitClosed} follow {@code drainFlow}. */
    public abstract StreamWriter newPipeWriter(WriteTransport transport, BaseProtocol drainFlow);
}
