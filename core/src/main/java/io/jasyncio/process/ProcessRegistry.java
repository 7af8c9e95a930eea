package io.jasyncio.process;

import io.jasyncio.EventLoop;
import io.jasyncio.internal.LoopAccess;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The children of one loop whose transports have not finished: when the loop closes, its close
 * hook kills them and waits until the JDK has reaped them and their pipe threads ended, so no
 * child or thread outlives {@code Asyncio.run}. One hook per loop (not per child), registered on
 * the first child. Found through a synchronized weak map: once per child, off the hot path.
 */
final class ProcessRegistry {
    private static final Map<EventLoop, ProcessRegistry> LOOPS = Collections.synchronizedMap(new WeakHashMap<>());

    private final Set<ProcessTransport> live = Collections.synchronizedSet(new LinkedHashSet<>());

    static ProcessRegistry of(EventLoop loop) {
        return LOOPS.computeIfAbsent(loop, l -> {
            ProcessRegistry r = new ProcessRegistry();
            LoopAccess.get().addCloseHook(l, r::killAll);
            return r;
        });
    }

    void add(ProcessTransport t) {
        live.add(t);
    }

    void remove(ProcessTransport t) {
        live.remove(t);
    }

    private void killAll() {
        ProcessTransport[] all;
        synchronized (live) {
            all = live.toArray(new ProcessTransport[0]);
            live.clear();
        }
        for (ProcessTransport t : all) t.killOnLoopClose();
    }
}
