package io.jasyncio.internal;

import io.jasyncio.Future;
import java.util.ArrayDeque;

/**
 * Waking the FIFO of waiter futures that Queue and Channel keep (one future per waiting task,
 * STYLE.md's one waiting mechanism). A waiter that is already done was cancelled; it is dropped
 * and the next one woken instead. Loop thread only.
 */
public final class Waiters {
    private Waiters() {
    }

    /** Removes waiters up to the first one not done yet and wakes it (done ones were cancelled). */
    public static void wakeUpNext(ArrayDeque<Future<Void>> waiters) {
        Future<Void> w;
        while ((w = waiters.pollFirst()) != null) {
            if (!w.done()) {
                w.setResult(null);
                return;
            }
        }
    }

    /** Removes every waiter and wakes those not done yet. */
    public static void wakeUpAll(ArrayDeque<Future<Void>> waiters) {
        Future<Void> w;
        while ((w = waiters.pollFirst()) != null) {
            if (!w.done()) w.setResult(null);
        }
    }
}
