package org.routerlab.api.packet;

import java.util.HexFormat;

/** 48-bit MAC addresses held in the low bits of a {@code long}, first octet most significant. */
public final class MacAddress {
    private MacAddress() {
    }

    public static long parse(final String text) {
        final String[] parts = text.split(":");
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address: " + text);
        }
        long value = 0;
        for (final String part : parts) {
            if (part.length() != 2) {
                throw new IllegalArgumentException("not a MAC address: " + text);
            }
            value = (value << 8) | HexFormat.fromHexDigits(part);
        }
        return value;
    }

    public static String format(final long mac) {
        final StringBuilder sb = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            if (sb.length() > 0) {
                sb.append(':');
            }
            sb.append(HexFormat.of().toHexDigits((byte) (mac >>> shift)));
        }
        return sb.toString();
    }

    /** A locally administered unicast MAC derived from a 32-bit value (02:00:a:b:c:d). */
    public static long locallyAdministered(final int value) {
        return 0x0200_0000_0000L | (value & 0xFFFF_FFFFL);
    }
}
