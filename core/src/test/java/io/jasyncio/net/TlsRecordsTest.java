package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/** How {@link TlsRecords} sets up its engine (SNI, the hostname check) and keeps the ciphertext received. */
class TlsRecordsTest extends TlsTestBase {
    private static SSLParameters client(TlsOptions options, String host) {
        TlsRecords r = new TlsRecords(options, false, host, 443);
        assertTrue(r.engine.getUseClientMode());
        return r.engine.getSSLParameters();
    }

    @Test
    void aClientSendsTheHostAsSniAndChecksTheCertificateAgainstIt() {
        SSLParameters p = client(TlsOptions.of(certs.client()), "localhost");
        assertEquals(List.of(new SNIHostName("localhost")), p.getServerNames());
        assertEquals("HTTPS", p.getEndpointIdentificationAlgorithm());
        assertEquals("localhost", new TlsRecords(TlsOptions.of(certs.client()), false, "localhost", 443).engine.getPeerHost());
    }

    /** RFC 6066: no IP literal in SNI; the certificate is still checked against the address. */
    @Test
    void aClientConnectingToAnAddressSendsNoSniButChecksTheAddress() {
        for (String ip : List.of("127.0.0.1", "::1")) {
            SSLParameters p = client(TlsOptions.of(certs.client()), ip);
            assertTrue(p.getServerNames() == null || p.getServerNames().isEmpty(), ip + ": " + p.getServerNames());
            assertEquals("HTTPS", p.getEndpointIdentificationAlgorithm(), ip);
        }
    }

    @Test
    void theServerHostnameOptionReplacesTheHostConnectedTo() {
        SSLParameters p = client(TlsOptions.of(certs.client()).withServerHostname("example.org"), "127.0.0.1");
        assertEquals(List.of(new SNIHostName("example.org")), p.getServerNames());
        assertEquals("HTTPS", p.getEndpointIdentificationAlgorithm());
    }

    @Test
    void withoutAnyNameThereIsNoSniAndNoHostnameCheck() {
        for (String none : new String[] {null, ""}) {
            TlsRecords r = new TlsRecords(TlsOptions.of(certs.client()), false, none, 0);
            assertNull(r.engine.getPeerHost());
            SSLParameters p = r.engine.getSSLParameters();
            assertTrue(p.getServerNames() == null || p.getServerNames().isEmpty());
            assertNull(p.getEndpointIdentificationAlgorithm());
        }
    }

    @Test
    void aServerEngineIsInServerMode() {
        TlsRecords r = new TlsRecords(TlsOptions.of(certs.server()), true, "ignored", 1);
        assertFalse(r.engine.getUseClientMode());
        assertNull(r.engine.getPeerHost());
    }

    @Test
    void ciphertextReceivedBeyondTheBufferIsAllKept() {
        TlsRecords r = new TlsRecords(TlsOptions.of(certs.client()), false, "localhost", 443);
        int packet = r.engine.getSession().getPacketBufferSize();
        byte[] all = new byte[3 * packet + 7];
        for (int i = 0; i < all.length; i++) all[i] = (byte) (i * 31);
        r.received(ByteBuffer.wrap(all, 0, packet - 1));
        r.received(ByteBuffer.wrap(all, packet - 1, 2)); // one byte more than the buffer holds
        r.received(ByteBuffer.wrap(all, packet + 1, all.length - packet - 1)); // more than twice its size at once
        assertEquals(all.length, r.waiting());
        r.fitPacket(); // large enough already: keeps what waits
        assertEquals(all.length, r.waiting());
    }
}
