package io.jasyncio.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.VirtualClock;
import java.io.IOException;
import java.time.Duration;

/**
 * Tests that break the extension's rules, run by {@link ExtensionChecksTest} through the JUnit
 * launcher. Not a *Test class: the build does not run them by themselves.
 */
class ExtensionFixtures {

    @AsyncTest
    void leavesATaskRunning() {
        Asyncio.createTask(() -> Asyncio.sleep(Duration.ofHours(1)), "straggler");
    }

    @AsyncTest
    void forgetsAFailedTask() {
        Asyncio.createTask(() -> {
            throw new IllegalStateException("lost");
        }, "forgotten");
        Asyncio.sleep(0);
        Asyncio.sleep(0);
    }

    @AsyncTest
    void letsACallbackThrow(EventLoop loop) {
        loop.callSoon(() -> {
            throw new IllegalArgumentException("in a callback");
        });
        Asyncio.sleep(0);
    }

    @AsyncTest
    void throwsACheckedException() throws IOException {
        throw new IOException("disk on fire");
    }

    @AsyncTest
    void failsAndLeavesATaskRunning() {
        Asyncio.createTask(() -> Asyncio.sleep(Duration.ofHours(1)), "straggler");
        assertEquals(1, 2);
    }

    @AsyncTest
    void asksForAClockWithoutVirtualTime(VirtualClock clock) {}
}
