package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The option records' checks at their boundaries and their one-component copies. */
@Timeout(10)
class OptionsTest {

    @Test
    void aServerBacklogOfZeroIsAcceptedAndANegativeOneIsRefused() {
        assertEquals(0, ServerOptions.defaults().withBacklog(0).backlog());
        assertEquals("backlog must be >= 0: -1",
                assertThrows(IllegalArgumentException.class, () -> ServerOptions.defaults().withBacklog(-1)).getMessage());
    }

    @Test
    void withReuseAddressChangesOnlyThatComponent() {
        ServerOptions s = ServerOptions.defaults().withReuseAddress(false);
        assertEquals(new ServerOptions(100, false, false, true, null), s);
        DatagramOptions d = DatagramOptions.defaults().withReuseAddress(true);
        assertEquals(new DatagramOptions(true, false, false), d);
    }

    @Test
    void tlsTimeoutsMustBePositiveNeitherZeroNorNegative() throws Exception {
        TlsOptions tls = TlsOptions.of(SSLContext.getDefault());
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1)}) {
            assertEquals("handshakeTimeout must be positive: " + bad,
                    assertThrows(IllegalArgumentException.class, () -> tls.withHandshakeTimeout(bad)).getMessage());
            assertEquals("shutdownTimeout must be positive: " + bad,
                    assertThrows(IllegalArgumentException.class, () -> tls.withShutdownTimeout(bad)).getMessage());
        }
        assertEquals(Duration.ofNanos(1), tls.withShutdownTimeout(Duration.ofNanos(1)).shutdownTimeout());
    }
}
