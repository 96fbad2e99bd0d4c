package org.routerlab.route.dir16.internal;

import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

/**
 * DIR-16-8-8 with {@code int} entries and top ({@link Dir16Tables}), for tables the narrow form cannot hold (next
 * hops above 126, more than 128 /24s with longer routes in one /16, or more than 65,536 groups). Immutable after
 * construction, so any number of threads may read it; lookups allocate nothing.
 */
final class Dir16WideTable implements RouteTable {
    private final RouteSet routes;
    private final int[] top;
    private final int[] entries;

    Dir16WideTable(final RouteSet routes, final int[] top, final int[] entries) {
        this.routes = routes;
        this.top = top;
        this.entries = entries;
    }

    /** {@inheritDoc} */
    @Override
    public int lookup(final int address) {
        final int v = entries[(top[address >>> 16] << 8) | ((address >>> 8) & 0xFF)];
        return v >= 0 ? v - 1 : deeper(top, entries, v, address);
    }

    /** {@inheritDoc} Stage by stage, as {@link Dir16NarrowTable#lookupBulk}. */
    @Override
    public void lookupBulk(final int[] addresses, final int[] nextHops, final int count) {
        final int[] t = top;
        final int[] e = entries;
        for (int i = 0; i < count; i++) {
            final int a = addresses[i];
            nextHops[i] = (t[a >>> 16] << 8) | ((a >>> 8) & 0xFF);
        }
        int deeper = 0;
        for (int i = 0; i < count; i++) {
            final int v = e[nextHops[i]];
            deeper |= v;
            nextHops[i] = v - 1;
        }
        if (deeper < 0) {
            for (int i = 0; i < count; i++) {
                final int v = nextHops[i];
                if (v < RouteTable.NO_ROUTE) {
                    nextHops[i] = deeper(t, e, v + 1, addresses[i]);
                }
            }
        }
    }

    /** Under a route longer than /24: entry {@code ~k} continues in group {@code g + 1 + k}. */
    private static int deeper(final int[] t, final int[] e, final int v, final int address) {
        return e[((t[address >>> 16] + 1 + ~v) << 8) | (address & 0xFF)] - 1;
    }

    /** {@inheritDoc} */
    @Override
    public RouteSet routes() {
        return routes;
    }

    /** {@inheritDoc} The two arrays with their headers. */
    @Override
    public long memoryBytes() {
        return 32 + 4L * top.length + 4L * entries.length;
    }

    /** Number of 256-entry groups. */
    int groups() {
        return entries.length >>> 8;
    }

    @Override
    public String toString() {
        return "Dir16WideTable[routes=" + routes.size() + ", groups=" + groups() + ", bytes=" + memoryBytes() + "]";
    }
}
