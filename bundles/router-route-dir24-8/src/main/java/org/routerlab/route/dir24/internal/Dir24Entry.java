package org.routerlab.route.dir24.internal;

/**
 * Layout of a DIR-24-8 table entry, in its two widths. The same three fields in both:
 * <pre>
 *  wide (int, 32 bits)                               narrow (char, 16 bits)
 *   31  30  29                               0        15  14  13                  0
 *  +---+---+----------------------------------+      +---+---+---------------------+
 *  | V | X |            payload (30)          |      | V | X |     payload (14)    |
 *  +---+---+----------------------------------+      +---+---+---------------------+
 *
 *  V=1 X=0  a route: payload = next-hop id
 *  V=0 X=0  no route (the whole entry is 0)
 *  V=0 X=1  tbl24 only: extended, payload = tbl8 group number; the answer is
 *           tbl8[group * 256 + (address &amp; 0xFF)], an entry of the first two kinds
 * </pre>
 * tbl24 has 2^24 entries indexed by the top 24 address bits; tbl8 is an array of 256-entry groups, one per /24 that
 * holds a route longer than /24. The narrow form is used when every next-hop id and group number fits in 14 bits
 * (a full Internet table does: a few next hops, under a thousand groups); it halves tbl24 to 32 MiB, which is what
 * a random lookup mostly pays for in cache and TLB misses.
 */
final class Dir24Entry {
    /** Entries per tbl8 group, and the shift from a group number to its first entry. */
    static final int GROUP_SIZE = 256;
    static final int GROUP_SHIFT = 8;
    static final int TBL24_SIZE = 1 << 24;

    static final int WIDE_VALID = 0x8000_0000;
    static final int WIDE_EXTENDED = 0x4000_0000;
    static final int WIDE_PAYLOAD = 0x3FFF_FFFF;

    static final int NARROW_VALID = 0x8000;
    static final int NARROW_EXTENDED = 0x4000;
    static final int NARROW_PAYLOAD = 0x3FFF;

    private Dir24Entry() {
    }
}
