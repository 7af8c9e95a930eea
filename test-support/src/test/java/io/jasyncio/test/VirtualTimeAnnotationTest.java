package io.jasyncio.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.VirtualClock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(JasyncioExtension.class)
@VirtualTime
class VirtualTimeAnnotationTest {
    private EventLoop configured;

    @BeforeEach
    void configure(EventLoop loop) {
        configured = loop; // the same loop the test method then runs on
    }

    @Test
    void everyTestOfTheClassRunsOnVirtualTime(VirtualClock clock) {
        Asyncio.sleep(Duration.ofDays(2));
        assertEquals(Duration.ofDays(2), clock.elapsed());
        assertEquals(configured, Asyncio.getRunningLoop());
    }

    @Test
    void timeoutsExpireOnVirtualTime(EventLoop loop) throws Exception {
        String r = Asyncio.timeout(Duration.ofMinutes(1), () -> {
            Asyncio.sleep(Duration.ofSeconds(59));
            return "in time";
        });
        assertEquals("in time", r);
        assertEquals(59.0, loop.time(), 1e-9);
    }
}
