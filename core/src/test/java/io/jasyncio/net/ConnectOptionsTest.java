package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link ConnectOptions}: defaults, copies and argument checks. */
class ConnectOptionsTest {

    @Test
    void theDefaultsConnectOneAddressAtATimeInTheResolversOrder() {
        ConnectOptions d = ConnectOptions.defaults();
        assertNull(d.tls());
        assertNull(d.localAddress());
        assertNull(d.happyEyeballsDelay());
        assertNull(d.interleave());
        assertEquals(0, d.effectiveInterleave());
    }

    @Test
    void aHappyEyeballsDelayInterleavesByDefaultUnlessToldOtherwise() {
        ConnectOptions he = ConnectOptions.defaults().withHappyEyeballs();
        assertEquals(Duration.ofMillis(250), he.happyEyeballsDelay());
        assertEquals(1, he.effectiveInterleave());
        assertEquals(0, he.withInterleave(0).effectiveInterleave());
        assertEquals(2, he.withInterleave(2).effectiveInterleave());
        assertEquals(2, ConnectOptions.defaults().withInterleave(2).effectiveInterleave(), "interleave applies without a delay too");
        assertEquals(0, he.withHappyEyeballsDelay(null).effectiveInterleave());
    }

    @Test
    void withMethodsCopyAndChangeOneComponent() {
        InetSocketAddress local = new InetSocketAddress("127.0.0.2", 0);
        ConnectOptions a = ConnectOptions.defaults().withLocalAddress(local).withHappyEyeballsDelay(Duration.ZERO);
        ConnectOptions b = a.withInterleave(3);
        assertEquals(new ConnectOptions(null, local, Duration.ZERO, null), a);
        assertEquals(new ConnectOptions(null, local, Duration.ZERO, 3), b);
        assertSame(ConnectOptions.defaults(), ConnectOptions.defaults());
    }

    @Test
    void aNegativeDelayOrInterleaveIsRefusedWithTheValueInTheMessage() {
        IllegalArgumentException delay = assertThrows(IllegalArgumentException.class,
                () -> ConnectOptions.defaults().withHappyEyeballsDelay(Duration.ofMillis(-5)));
        assertTrue(delay.getMessage().contains("PT-0.005S"), delay.getMessage());
        IllegalArgumentException interleave = assertThrows(IllegalArgumentException.class,
                () -> ConnectOptions.defaults().withInterleave(-1));
        assertTrue(interleave.getMessage().contains("-1"), interleave.getMessage());
    }

    @Test
    void createConnectionNeedsOptions() {
        Asyncio.run(() -> {
            NullPointerException e = assertThrows(NullPointerException.class,
                    () -> Net.createConnection(Recorder::new, "127.0.0.1", 1, (ConnectOptions) null));
            assertEquals("options", e.getMessage());
        });
    }
}
