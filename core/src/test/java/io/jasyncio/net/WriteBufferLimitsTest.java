package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jasyncio.Asyncio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One argument order for write-buffer limits: {@code (high, low)} in the setter and the record. */
@Timeout(30)
class WriteBufferLimitsTest {

    @Test
    void theRecordTakesHighThenLowLikeTheSetter() {
        WriteBufferLimits l = new WriteBufferLimits(4096, 1024);
        assertEquals(4096, l.high());
        assertEquals(1024, l.low());
    }

    @Test
    void limitsGivenInTheOldLowHighOrderFailLoudlyWithTheSettersMessage() {
        assertEquals("high (1024) must be >= low (4096) must be >= 0",
                assertThrows(IllegalArgumentException.class, () -> new WriteBufferLimits(1024, 4096)).getMessage());
        assertEquals("high (10) must be >= low (-1) must be >= 0",
                assertThrows(IllegalArgumentException.class, () -> new WriteBufferLimits(10, -1)).getMessage());
        assertEquals(new WriteBufferLimits(0, 0), new WriteBufferLimits(0, 0), "equal marks are legal");
    }

    @Test
    void whatTheSetterTakesTheGetterReturnsInTheSameOrder() {
        Asyncio.run(() -> {
            try (Server server = Net.createServer(Recorder::new, "127.0.0.1", 0)) {
                Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", server.port());
                c.transport().setWriteBufferLimits(8192, 2048);
                assertEquals(new WriteBufferLimits(8192, 2048), c.transport().getWriteBufferLimits());
                assertEquals("high (2048) must be >= low (8192) must be >= 0", assertThrows(IllegalArgumentException.class,
                        () -> c.transport().setWriteBufferLimits(2048, 8192)).getMessage());
                c.transport().close();
            }
        });
    }
}
