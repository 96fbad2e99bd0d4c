package org.example.routerlab.route.internal;

import java.util.List;
import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

/**
 * DXR's D16R layout (Zec, Rizzo, Mikuc: "DXR: towards a billion routing lookups per second in software", ACM CCR
 * 42(5), 2012). The address space is cut into the elementary ranges on which the longest matching prefix is
 * constant; adjacent ranges with the same next hop are merged. A direct table indexed by the top 16 bits of the
 * address then either holds the next hop itself (the whole /16 is one range) or points at that chunk's ranges, whose
 * 16-bit starts are binary-searched with the low 16 bits.
 * <pre>
 *   direct[a &gt;&gt;&gt; 16]  (64 bits):  count == 0 → next hop in the high 32 bits (or NO_ROUTE)
 *                                  count  > 0 → base (high 32 bits), count (low 32 bits) of the chunk's ranges
 *   rangeStart[base .. base+count)  low 16 bits of each range's first address, ascending, the first one 0
 *   rangeHop[base .. base+count)    its next hop
 * </pre>
 * Heap arrays only: immutable after the constructor, read-only lookups, safe for any number of readers.
 */
final class DxrTable implements RouteTable {
    private static final int CHUNKS = 1 << 16;

    private final RouteSet routes;
    private final long[] direct;
    private final char[] rangeStart;
    private final int[] rangeHop;

    DxrTable(final RouteSet routes) {
        this.routes = routes;
        final Ranges ranges = Ranges.of(routes.routes());
        this.direct = new long[CHUNKS];
        // Upper bound of the range entries: every range start inside a chunk, plus one leading entry per chunk.
        final int[] starts = new int[ranges.size + CHUNKS];
        final int[] hops = new int[ranges.size + CHUNKS];
        int used = 0;
        int r = 0; // the range containing the current chunk's first address
        for (int chunk = 0; chunk < CHUNKS; chunk++) {
            final long first = (long) chunk << 16;
            final long last = first + 0xFFFF;
            while (r + 1 < ranges.size && ranges.start[r + 1] <= first) {
                r++;
            }
            if (r + 1 == ranges.size || ranges.start[r + 1] > last) {
                direct[chunk] = (long) ranges.hop[r] << 32; // one range covers the whole chunk
                continue;
            }
            final int base = used;
            starts[used] = 0;
            hops[used++] = ranges.hop[r];
            while (r + 1 < ranges.size && ranges.start[r + 1] <= last) {
                r++;
                starts[used] = (int) (ranges.start[r] - first);
                hops[used++] = ranges.hop[r];
            }
            direct[chunk] = (long) base << 32 | (used - base);
        }
        this.rangeStart = new char[used];
        this.rangeHop = new int[used];
        for (int i = 0; i < used; i++) {
            rangeStart[i] = (char) starts[i];
            rangeHop[i] = hops[i];
        }
    }

    @Override
    public int lookup(final int address) {
        final long entry = direct[address >>> 16];
        final int count = (int) entry;
        if (count == 0) {
            return (int) (entry >> 32);
        }
        final int key = address & 0xFFFF;
        int lo = (int) (entry >>> 32);
        int hi = lo + count - 1;
        final char[] starts = rangeStart;
        while (lo < hi) {
            final int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= key) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return rangeHop[lo];
    }

    @Override
    public void lookupBulk(final int[] addresses, final int[] nextHops, final int count) {
        for (int i = 0; i < count; i++) {
            nextHops[i] = lookup(addresses[i]);
        }
    }

    @Override
    public RouteSet routes() {
        return routes;
    }

    @Override
    public long memoryBytes() {
        return 8L * direct.length + 2L * rangeStart.length + 4L * rangeHop.length;
    }

    /** Number of range entries behind the direct table (for tests and the description). */
    int rangeEntries() {
        return rangeStart.length;
    }

    /**
     * The elementary ranges of a route set: {@code start[i]} (unsigned, as a long) is the first address of range
     * {@code i}, which ends where range {@code i + 1} starts; {@code hop[i]} is its longest match's next hop or
     * {@link RouteTable#NO_ROUTE}. The first range starts at 0; adjacent ranges have different next hops.
     */
    static final class Ranges {
        final long[] start;
        final int[] hop;
        final int size;

        private Ranges(final long[] start, final int[] hop, final int size) {
            this.start = start;
            this.hop = hop;
            this.size = size;
        }

        /**
         * Sweeps the prefixes in address order (shorter first at equal starts): prefixes nest or are disjoint, so a
         * stack of the prefixes containing the sweep position gives the longest match between events.
         */
        static Ranges of(final List<Route> routes) {
            final int n = routes.size();
            if (n > (1 << 25)) {
                throw new IllegalArgumentException("routes=" + n + " (at most 2^25)");
            }
            // key: 32-bit start | 6-bit length | 25-bit index, so that a sort of longs orders the routes.
            final long[] keys = new long[n];
            for (int i = 0; i < n; i++) {
                final Route route = routes.get(i);
                keys[i] = (Integer.toUnsignedLong(route.prefix()) << 31) | ((long) route.length() << 25) | i;
            }
            java.util.Arrays.sort(keys);
            final long[] start = new long[2 * n + 2];
            final int[] hop = new int[2 * n + 2];
            final long[] stackEnd = new long[34];
            final int[] stackHop = new int[34];
            int depth = 0;
            int size = 0;
            long position = 0; // the first address not yet assigned to a range
            for (final long key : keys) {
                final Route route = routes.get((int) (key & ((1 << 25) - 1)));
                final long first = Integer.toUnsignedLong(route.prefix());
                final long last = first + (1L << (32 - route.length())) - 1;
                while (depth > 0 && stackEnd[depth - 1] < first) {
                    if (position <= stackEnd[depth - 1]) {
                        size = append(start, hop, size, position, stackHop[depth - 1]);
                        position = stackEnd[depth - 1] + 1;
                    }
                    depth--;
                }
                if (position < first) {
                    size = append(start, hop, size, position, depth == 0 ? NO_ROUTE : stackHop[depth - 1]);
                    position = first;
                }
                stackEnd[depth] = last;
                stackHop[depth++] = route.nextHop();
            }
            while (depth > 0) {
                if (position <= stackEnd[depth - 1]) {
                    size = append(start, hop, size, position, stackHop[depth - 1]);
                    position = stackEnd[depth - 1] + 1;
                }
                depth--;
            }
            if (position <= 0xFFFF_FFFFL) {
                size = append(start, hop, size, position, NO_ROUTE);
            }
            return new Ranges(start, hop, size);
        }

        /** Appends the range starting at {@code at}, merging it into the previous one when the next hop is the same. */
        private static int append(final long[] start, final int[] hop, final int size, final long at, final int nextHop) {
            if (size > 0 && hop[size - 1] == nextHop) {
                return size;
            }
            start[size] = at;
            hop[size] = nextHop;
            return size + 1;
        }
    }
}
