package io.jasyncio.net;

import io.jasyncio.EventLoop;
import io.jasyncio.internal.PipeAccess;
import java.io.InputStream;
import java.io.OutputStream;

/** Installs the {@link PipeAccess} bridge; initialized by {@link PipeAccess#get()}. */
final class PipeAccessImpl extends PipeAccess {
    static {
        PipeAccess.install(new PipeAccessImpl());
    }

    private PipeAccessImpl() {
    }

    @Override
    public ReadTransport readPipe(EventLoop loop, InputStream in, String name, ReadPipeProtocol protocol) {
        return new ThreadReadPipe(loop, in, name, protocol, null);
    }

    @Override
    public WriteTransport writePipe(EventLoop loop, OutputStream out, String name, WritePipeProtocol protocol) {
        return new ThreadWritePipe(loop, out, name, protocol, null);
    }

    @Override
    public void peerClosed(WriteTransport transport) {
        ((WritePipe) transport).peerClosed();
    }

    @Override
    public Thread thread(Object transport) {
        if (transport instanceof ThreadReadPipe r) return r.thread();
        if (transport instanceof ThreadWritePipe w) return w.thread();
        return null;
    }

    @Override
    public void releaseNow(Object transport) {
        if (transport instanceof ReadPipe r) r.release();
        if (transport instanceof WritePipe w) w.release();
    }

    @Override
    public void closeByOwner(BaseTransport transport) {
        if (transport instanceof WritePipe w) w.closeQuietly();
        else transport.close();
    }

    @Override
    public ReadTransport readPipe(EventLoop loop, java.nio.channels.Pipe.SourceChannel source, ReadPipeProtocol protocol)
            throws java.io.IOException {
        source.configureBlocking(false);
        return new SelectorReadPipe(loop, source, protocol, null);
    }

    @Override
    public WriteTransport writePipe(EventLoop loop, java.nio.channels.Pipe.SinkChannel sink, WritePipeProtocol protocol)
            throws java.io.IOException {
        sink.configureBlocking(false);
        return new SelectorWritePipe(loop, sink, protocol, null);
    }
}
