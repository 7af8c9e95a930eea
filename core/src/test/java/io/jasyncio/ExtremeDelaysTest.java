package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Delays beyond the nanosecond range saturate instead of overflowing; a null delay is refused by name. */
@Timeout(30)
class ExtremeDelaysTest {

    @Test
    void aDelayTooLongForNanosecondsNeverComesAndATooNegativeOneIsDueAtOnce() {
        List<String> fired = new ArrayList<>();
        try (EventLoop loop = new EventLoop(new VirtualClock())) {
            loop.callLater(Duration.ofSeconds(Long.MAX_VALUE), () -> fired.add("far future"));
            loop.callLater(Duration.ofSeconds(Long.MIN_VALUE), () -> fired.add("far past"));
            loop.callLater(Duration.ofMillis(1), () -> {
                fired.add("stop");
                loop.stop();
            });
            loop.runForever();
        }
        assertEquals(List.of("far past", "stop"), fired);
    }

    @Test
    void aNullDelayIsRefusedByName() {
        try (EventLoop loop = new EventLoop()) {
            NullPointerException e = assertThrows(NullPointerException.class, () -> loop.callLater((Duration) null, () -> {}));
            assertEquals("delay", e.getMessage());
        }
    }
}
