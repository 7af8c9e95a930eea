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
        if (transport instanceof ThreadReadPipe r) r.release();
        if (transport instanceof ThreadWritePipe w) w.release();
    }

    @Override
    public void closeByOwner(BaseTransport transport) {
        if (transport instanceof WritePipe w) w.closeQuietly();
        else transport.close();
    }
}
