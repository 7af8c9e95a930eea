package io.jasyncio;

import java.util.ArrayList;
import java.util.Objects;

/**
 * What an {@link EventLoop} runs when it closes ({@code LoopAccess.addCloseHook}): the I/O layer
 * registers here what must not outlive the loop, such as child processes and pipe threads. Hooks
 * run in reverse order of registration (the last resource made is released first), before the
 * selector closes; one that throws is reported to the loop's exception handler and the others
 * still run. Synchronized: a hook may be registered from any thread.
 */
final class CloseHooks {
    private final ArrayList<Runnable> hooks = new ArrayList<>();

    synchronized void add(Runnable hook) {
        hooks.add(Objects.requireNonNull(hook, "hook"));
    }

    void runAll(EventLoop loop) {
        Runnable[] all;
        synchronized (this) {
            all = hooks.toArray(new Runnable[0]);
            hooks.clear();
        }
        for (int i = all.length - 1; i >= 0; i--) {
            try {
                all[i].run();
            } catch (Throwable t) {
                if (t instanceof VirtualMachineError vme) throw vme;
                loop.callExceptionHandler(ErrorContext.of("a close hook failed while closing the event loop", t));
            }
        }
    }
}
