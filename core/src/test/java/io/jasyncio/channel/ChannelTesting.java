package io.jasyncio.channel;


import io.jasyncio.AsyncRunnable;
import io.jasyncio.sync.SyncTesting;
import io.jasyncio.Task;
import java.util.List;

/** Helpers shared by the tests of this package (as sync's SyncTesting). */
final class ChannelTesting {
    private ChannelTesting() {}

    /** Runs {@code body} as the main task of a new loop, failing (not hanging) on a lost wake-up: see SyncTesting. */
    static void run(AsyncRunnable body) {
        SyncTesting.run(body);
    }

    /** Lets every ready task and callback run one step: asyncio's {@code await asyncio.sleep(0)}. */
    static void runReady() {
        SyncTesting.runReady();
    }

    static void runReady(int n) {
        SyncTesting.runReady(n);
    }

    /** Awaits every task; returns how many ended cancelled: see SyncTesting. */
    static int awaitAll(List<? extends Task<?>> tasks) {
        return SyncTesting.awaitAll(tasks);
    }
}
