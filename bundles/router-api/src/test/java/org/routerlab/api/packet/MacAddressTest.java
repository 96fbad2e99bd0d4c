package org.routerlab.api.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MacAddressTest {
    @Test
    void shouldParseIntoLow48BitsFirstOctetMostSignificant() {
        assertEquals(0x0200_0A00_0001L, MacAddress.parse("02:00:0a:00:00:01"));
        assertEquals(0xFFFF_FFFF_FFFFL, MacAddress.parse("ff:ff:ff:ff:ff:ff"));
        assertEquals(0xFFFF_FFFF_FFFFL, MacAddress.parse("FF:FF:FF:FF:FF:FF"));
        assertEquals(0L, MacAddress.parse("00:00:00:00:00:00"));
        assertEquals(0x8000_0000_0000L, MacAddress.parse("80:00:00:00:00:00"));
    }

    @Test
    void shouldFormatLowerCaseAndRoundTrip() {
        assertEquals("02:00:0a:00:00:01", MacAddress.format(0x0200_0A00_0001L));
        assertEquals("ff:ff:ff:ff:ff:ff", MacAddress.format(0xFFFF_FFFF_FFFFL));
        assertEquals("00:00:00:00:00:00", MacAddress.format(0));
        final SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 10_000; i++) {
            final long mac = random.nextLong() & 0xFFFF_FFFF_FFFFL;
            assertEquals(mac, MacAddress.parse(MacAddress.format(mac)));
        }
    }

    @Test
    void shouldRejectMalformedMacs() {
        for (final String bad : new String[] {"", "02:00:0a:00:00", "02:00:0a:00:00:01:02", "2:00:0a:00:00:01",
                "002:00:0a:00:00:01", "zz:00:0a:00:00:01", "02-00-0a-00-00-01", "02:00:0a:00:00:", "+1:00:0a:00:00:01"}) {
            assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(bad), () -> "accepted '" + bad + "'");
        }
    }

    @Test
    void shouldDeriveLocallyAdministeredUnicast() {
        assertEquals("02:00:0a:00:00:01", MacAddress.format(MacAddress.locallyAdministered(0x0A00_0001)));
        assertEquals("02:00:ff:ff:ff:ff", MacAddress.format(MacAddress.locallyAdministered(-1)));
        final long mac = MacAddress.locallyAdministered(12345);
        assertEquals(0x02, (int) (mac >>> 40) & 0x03, "locally administered, unicast");
    }
}
