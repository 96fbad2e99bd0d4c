package org.routerlab.route.dir24.internal;

import static org.routerlab.route.dir24.internal.Dir24Entry.GROUP_SHIFT;
import static org.routerlab.route.dir24.internal.Dir24Entry.WIDE_EXTENDED;
import static org.routerlab.route.dir24.internal.Dir24Entry.WIDE_PAYLOAD;
import static org.routerlab.route.dir24.internal.Dir24Entry.WIDE_VALID;

import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

/**
 * DIR-24-8 with 32-bit entries ({@link Dir24Entry}, wide form): tbl24 is a 64 MiB {@code int[]}. Immutable after
 * construction (final fields, never written), so any number of threads may read it; lookups allocate nothing.
 */
final class Dir24WideTable implements RouteTable {
    private final RouteSet routes;
    private final int[] tbl24;
    private final int[] tbl8;

    Dir24WideTable(final RouteSet routes, final int[] tbl24, final int[] tbl8) {
        this.routes = routes;
        this.tbl24 = tbl24;
        this.tbl8 = tbl8;
    }

    /** {@inheritDoc} */
    @Override
    public int lookup(final int address) {
        return resolve(tbl8, tbl24[address >>> 8], address);
    }

    /**
     * {@inheritDoc} Eight addresses per round: their tbl24 loads are issued together so that the cache misses
     * overlap, then each entry is resolved.
     */
    @Override
    public void lookupBulk(final int[] addresses, final int[] nextHops, final int count) {
        final int[] t24 = tbl24;
        final int[] t8 = tbl8;
        int i = 0;
        for (; i <= count - 8; i += 8) {
            final int a0 = addresses[i];
            final int a1 = addresses[i + 1];
            final int a2 = addresses[i + 2];
            final int a3 = addresses[i + 3];
            final int a4 = addresses[i + 4];
            final int a5 = addresses[i + 5];
            final int a6 = addresses[i + 6];
            final int a7 = addresses[i + 7];
            final int e0 = t24[a0 >>> 8];
            final int e1 = t24[a1 >>> 8];
            final int e2 = t24[a2 >>> 8];
            final int e3 = t24[a3 >>> 8];
            final int e4 = t24[a4 >>> 8];
            final int e5 = t24[a5 >>> 8];
            final int e6 = t24[a6 >>> 8];
            final int e7 = t24[a7 >>> 8];
            nextHops[i] = resolve(t8, e0, a0);
            nextHops[i + 1] = resolve(t8, e1, a1);
            nextHops[i + 2] = resolve(t8, e2, a2);
            nextHops[i + 3] = resolve(t8, e3, a3);
            nextHops[i + 4] = resolve(t8, e4, a4);
            nextHops[i + 5] = resolve(t8, e5, a5);
            nextHops[i + 6] = resolve(t8, e6, a6);
            nextHops[i + 7] = resolve(t8, e7, a7);
        }
        for (; i < count; i++) {
            final int a = addresses[i];
            nextHops[i] = resolve(t8, t24[a >>> 8], a);
        }
    }

    /** The next hop for a tbl24 entry: follows an extended entry into its tbl8 group, then decodes. */
    private static int resolve(final int[] t8, final int tbl24Entry, final int address) {
        int entry = tbl24Entry;
        if ((entry & WIDE_EXTENDED) != 0) {
            entry = t8[((entry & WIDE_PAYLOAD) << GROUP_SHIFT) | (address & 0xFF)];
        }
        return (entry & WIDE_VALID) != 0 ? entry & WIDE_PAYLOAD : NO_ROUTE;
    }

    /** {@inheritDoc} */
    @Override
    public RouteSet routes() {
        return routes;
    }

    /** {@inheritDoc} The two {@code int} arrays with their headers. */
    @Override
    public long memoryBytes() {
        return 32 + 4L * tbl24.length + 4L * tbl8.length;
    }

    /** Number of tbl8 groups. */
    int groups() {
        return tbl8.length >>> GROUP_SHIFT;
    }

    @Override
    public String toString() {
        return "Dir24WideTable[routes=" + routes.size() + ", groups=" + groups() + ", bytes=" + memoryBytes() + "]";
    }
}
