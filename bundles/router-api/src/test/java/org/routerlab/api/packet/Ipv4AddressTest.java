package org.routerlab.api.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Ipv4AddressTest {
    @Test
    void shouldParseDottedQuadInNetworkOrder() {
        assertEquals(0xC0A8_0101, Ipv4Address.parse("192.168.1.1"));
        assertEquals(0x0A00_0002, Ipv4Address.parse("10.0.0.2"));
        assertEquals(0, Ipv4Address.parse("0.0.0.0"));
        assertEquals(-1, Ipv4Address.parse("255.255.255.255"));
        assertEquals(0x8000_0000, Ipv4Address.parse("128.0.0.0"));
        assertEquals(0x6400_C80A, Ipv4Address.parse("100.0.200.10"));
    }

    @Test
    void shouldFormatAndParseRoundTrip() {
        assertEquals("255.255.255.255", Ipv4Address.format(-1));
        assertEquals("0.0.0.0", Ipv4Address.format(0));
        assertEquals("128.0.0.1", Ipv4Address.format(0x8000_0001));
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            final int address = random.nextInt();
            final String text = Ipv4Address.format(address);
            assertEquals(address, Ipv4Address.parse(text), text);
            assertEquals(text, Ipv4Address.format(Ipv4Address.parse(text)));
        }
    }

    @Test
    void shouldRejectMalformedAddressesNamingTheText() {
        for (final String bad : new String[] {"1.2.3", "256.1.1.1", "1.2.3.4.5", "01.2.3.4", "a.b.c.d", "", "1.2.3.256",
                "1.02.3.4", "1.2.3.00", "00.1.2.3", "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.4.", " 1.2.3.4", "1.2.3.4 ",
                "1.2.3.-4", "+1.2.3.4", "1.2.3.4/8", "1.2.3.4294967297", "99999999999.1.1.1", "1,2,3,4", "::1"}) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(bad),
                    () -> "accepted '" + bad + "'");
            assertTrue(e.getMessage().endsWith(": " + bad), e.getMessage());
        }
    }

    @Test
    void shouldComputeMasks() {
        assertEquals(0, Ipv4Address.mask(0));
        assertEquals(0x8000_0000, Ipv4Address.mask(1));
        assertEquals(0xFF00_0000, Ipv4Address.mask(8));
        assertEquals(0xFFFF_FF00, Ipv4Address.mask(24));
        assertEquals(0xFFFF_FFFE, Ipv4Address.mask(31));
        assertEquals(0xFFFF_FFFF, Ipv4Address.mask(32));
        for (int length = 0; length <= 32; length++) {
            assertEquals(length, Integer.bitCount(Ipv4Address.mask(length)), "length=" + length);
            assertEquals(length, Integer.numberOfLeadingZeros(~Ipv4Address.mask(length)), "length=" + length);
        }
    }

    @Test
    void shouldTellWhetherPrefixContainsAddress() {
        final int net = Ipv4Address.parse("10.0.0.0");
        assertTrue(Ipv4Address.contains(net, 8, Ipv4Address.parse("10.0.0.0")));
        assertTrue(Ipv4Address.contains(net, 8, Ipv4Address.parse("10.255.255.255")));
        assertFalse(Ipv4Address.contains(net, 8, Ipv4Address.parse("11.0.0.0")));
        assertFalse(Ipv4Address.contains(net, 8, Ipv4Address.parse("9.255.255.255")));
        assertTrue(Ipv4Address.contains(0, 0, -1));
        assertTrue(Ipv4Address.contains(0, 0, 0));
        final int host = Ipv4Address.parse("192.168.1.1");
        assertTrue(Ipv4Address.contains(host, 32, host));
        assertFalse(Ipv4Address.contains(host, 32, host + 1));
        assertTrue(Ipv4Address.contains(Ipv4Address.parse("192.168.0.0"), 16, Ipv4Address.parse("192.168.255.1")));
        assertFalse(Ipv4Address.contains(Ipv4Address.parse("192.168.0.0"), 16, Ipv4Address.parse("192.169.0.0")));
        assertTrue(Ipv4Address.contains(Ipv4Address.parse("128.0.0.0"), 1, -1));
        assertFalse(Ipv4Address.contains(Ipv4Address.parse("128.0.0.0"), 1, Integer.MAX_VALUE));
    }
}
