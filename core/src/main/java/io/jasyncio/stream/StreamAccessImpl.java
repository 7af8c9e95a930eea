package io.jasyncio.stream;

import io.jasyncio.EventLoop;
import io.jasyncio.internal.StreamAccess;
import io.jasyncio.net.BaseProtocol;
import io.jasyncio.net.WriteTransport;

/** Installs the {@link StreamAccess} bridge; initialized by {@link StreamAccess#get()}. */
final class StreamAccessImpl extends StreamAccess {
    static {
        StreamAccess.install(new StreamAccessImpl());
    }

    private StreamAccessImpl() {
    }

    @Override
    public BaseProtocol newDrainFlow(EventLoop loop) {
        return new DrainFlow(loop);
    }

    @Override
    public StreamWriter newPipeWriter(WriteTransport transport, BaseProtocol drainFlow) {
        return new StreamWriter(transport, (DrainFlow) drainFlow, null);
    }
}
