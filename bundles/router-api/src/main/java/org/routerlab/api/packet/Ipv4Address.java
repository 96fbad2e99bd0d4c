package org.routerlab.api.packet;

/** IPv4 addresses as {@code int} in network order (the most significant byte is the first octet). */
public final class Ipv4Address {
    private Ipv4Address() {
    }

    /**
     * Parses dotted-quad notation.
     *
     * @throws IllegalArgumentException with the offending text when it is not an IPv4 address
     */
    public static int parse(final String text) {
        final int n = text.length();
        int value = 0;
        int octet = -1;
        int dots = 0;
        for (int i = 0; i < n; i++) {
            final char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (octet == 0 && i > 0 && text.charAt(i - 1) == '0' && (i < 2 || text.charAt(i - 2) == '.')) {
                    throw new IllegalArgumentException("not an IPv4 address (leading zero): " + text);
                }
                octet = (octet < 0 ? 0 : octet * 10) + (c - '0');
                if (octet > 255) {
                    throw new IllegalArgumentException("not an IPv4 address (octet > 255): " + text);
                }
            } else if (c == '.' && octet >= 0 && dots < 3) {
                value = (value << 8) | octet;
                octet = -1;
                dots++;
            } else {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
        }
        if (dots != 3 || octet < 0) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        return (value << 8) | octet;
    }

    public static String format(final int address) {
        return ((address >>> 24) & 0xFF) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
                + (address & 0xFF);
    }

    /** The network mask of a prefix length 0..32 (0 for /0). */
    public static int mask(final int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /** Whether {@code address} lies inside {@code prefix/length}. */
    public static boolean contains(final int prefix, final int length, final int address) {
        final int mask = mask(length);
        return (address & mask) == (prefix & mask);
    }
}
