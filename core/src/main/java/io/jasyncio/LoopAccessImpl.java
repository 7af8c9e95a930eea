package io.jasyncio;

import io.jasyncio.internal.DoneSink;
import io.jasyncio.internal.LoopAccess;
import java.nio.channels.Selector;

/** Installs the {@link LoopAccess} bridge for the I/O layer; initialized by {@link LoopAccess#get()}. */
final class LoopAccessImpl extends LoopAccess {
    static {
        LoopAccess.install(new LoopAccessImpl());
    }

    private LoopAccessImpl() {
    }

    @Override
    public Selector selector(EventLoop loop) {
        return loop.scheduler.selector();
    }

    @Override
    public Handle ioHandle(EventLoop loop, Runnable onReady) {
        if (onReady == null) throw new NullPointerException("onReady");
        return new Handle(loop, onReady, loop.current.contextMap());
    }

    @Override
    public void checkThread(EventLoop loop, String what) {
        loop.owner.checkThread(what);
    }

    @Override
    public void addCloseHook(EventLoop loop, Runnable hook) {
        loop.owner.checkThread("addCloseHook()");
        loop.closing.addHook(hook);
    }

    @Override
    public void redeliverCancel(Task<?> task, String message) {
        task.uncancel();
        task.request(Task.HERE, message, false);
    }

    @Override
    public EventLoop runningLoopOrNull() {
        return RunningLoops.current();
    }

    @Override
    public Object currentContext(EventLoop loop) {
        return loop.current.contextMap();
    }

    @Override
    public void callSoon(EventLoop loop, Runnable callback, Object context) {
        // Queued exactly as a done callback is when its future completes (Future.dispatch).
        loop.scheduler.add(new Handle(loop, callback, context));
    }

    @Override
    public void addDoneSink(Future<?> future, DoneSink sink) {
        future.addDoneSink(sink);
    }
}
