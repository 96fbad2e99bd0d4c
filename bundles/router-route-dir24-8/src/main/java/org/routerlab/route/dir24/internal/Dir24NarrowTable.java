package org.routerlab.route.dir24.internal;

import static org.routerlab.route.dir24.internal.Dir24Entry.GROUP_SHIFT;
import static org.routerlab.route.dir24.internal.Dir24Entry.NARROW_EXTENDED;
import static org.routerlab.route.dir24.internal.Dir24Entry.NARROW_PAYLOAD;
import static org.routerlab.route.dir24.internal.Dir24Entry.NARROW_VALID;

import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

/**
 * DIR-24-8 with 16-bit entries ({@link Dir24Entry}, narrow form): tbl24 is a 32 MiB {@code char[]}. Immutable after
 * construction (final fields, never written), so any number of threads may read it; lookups allocate nothing.
 */
final class Dir24NarrowTable implements RouteTable {
    private final RouteSet routes;
    private final char[] tbl24;
    private final char[] tbl8;

    Dir24NarrowTable(final RouteSet routes, final char[] tbl24, final char[] tbl8) {
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
        final char[] t24 = tbl24;
        final char[] t8 = tbl8;
        for (int i = 0; i < count; i++) {
            nextHops[i] = t24[addresses[i] >>> 8];
        }
        for (int i = 0; i < count; i++) {
            nextHops[i] = resolve(t8, nextHops[i], addresses[i]);
        }
    }

    /** The next hop for a tbl24 entry: follows an extended entry into its tbl8 group, then decodes. */
    private static int resolve(final char[] t8, final int tbl24Entry, final int address) {
        int entry = tbl24Entry;
        if ((entry & NARROW_EXTENDED) != 0) {
            entry = t8[((entry & NARROW_PAYLOAD) << GROUP_SHIFT) | (address & 0xFF)];
        }
        return (entry & NARROW_VALID) != 0 ? entry & NARROW_PAYLOAD : NO_ROUTE;
    }

    /** {@inheritDoc} */
    @Override
    public RouteSet routes() {
        return routes;
    }

    /** {@inheritDoc} The two {@code char} arrays with their headers. */
    @Override
    public long memoryBytes() {
        return 32 + 2L * tbl24.length + 2L * tbl8.length;
    }

    /** Number of tbl8 groups. */
    int groups() {
        return tbl8.length >>> GROUP_SHIFT;
    }

    @Override
    public String toString() {
        return "Dir24NarrowTable[routes=" + routes.size() + ", groups=" + groups() + ", bytes=" + memoryBytes() + "]";
    }
}
