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
     * {@inheritDoc} In two passes over the burst: first every tbl24 entry is loaded (parked in {@code nextHops}),
     * a loop of independent loads whose cache and TLB misses overlap; then each entry is resolved.
     */
    @Override
    public void lookupBulk(final int[] addresses, final int[] nextHops, final int count) {
        final int[] t24 = tbl24;
        final int[] t8 = tbl8;
        for (int i = 0; i < count; i++) {
            nextHops[i] = t24[addresses[i] >>> 8];
        }
        for (int i = 0; i < count; i++) {
            nextHops[i] = resolve(t8, nextHops[i], addresses[i]);
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
