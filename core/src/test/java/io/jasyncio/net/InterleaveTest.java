package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Resolver#interleave}: asyncio's {@code _interleave_addrinfos}. */
class InterleaveTest {
    private static final InetSocketAddress A6 = at("2001:db8::a");
    private static final InetSocketAddress B6 = at("2001:db8::b");
    private static final InetSocketAddress C6 = at("2001:db8::c");
    private static final InetSocketAddress A4 = at("192.0.2.1");
    private static final InetSocketAddress B4 = at("192.0.2.2");

    private static InetSocketAddress at(String literal) {
        return new InetSocketAddress(InetAddress.ofLiteral(literal), 443);
    }

    @Test
    void familiesAlternateStartingWithTheFirstAddressesFamily() {
        assertEquals(List.of(A6, A4, B6, B4, C6), Resolver.interleave(List.of(A6, B6, C6, A4, B4), 1));
        assertEquals(List.of(A4, A6, B4, B6, C6), Resolver.interleave(List.of(A4, B4, A6, B6, C6), 1));
        // the order within a family is kept, wherever its addresses were
        assertEquals(List.of(B6, A4, A6, B4, C6), Resolver.interleave(List.of(B6, A4, A6, C6, B4), 1));
    }

    @Test
    void aFirstFamilyCountAboveOneLeadsWithThatManyOfTheFirstFamily() {
        assertEquals(List.of(A6, B6, A4, C6, B4), Resolver.interleave(List.of(A6, B6, C6, A4, B4), 2));
        assertEquals(List.of(A6, B6, C6, A4, B4), Resolver.interleave(List.of(A6, B6, C6, A4, B4), 3));
        assertEquals(List.of(A6, B6, C6, A4, B4), Resolver.interleave(List.of(A6, B6, C6, A4, B4), 9));
    }

    @Test
    void oneFamilyOrNoneIsLeftAsItIs() {
        assertEquals(List.of(B4, A4), Resolver.interleave(List.of(B4, A4), 1));
        assertEquals(List.of(A6), Resolver.interleave(List.of(A6), 2));
        assertEquals(List.of(), Resolver.interleave(List.of(), 1));
    }

    @Test
    void aFirstFamilyCountBelowOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Resolver.interleave(List.of(A4), 0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
    }
}
