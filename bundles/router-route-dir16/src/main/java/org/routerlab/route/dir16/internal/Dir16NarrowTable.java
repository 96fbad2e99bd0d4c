package org.routerlab.route.dir16.internal;

import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

/**
 * DIR-16-8-8 with one-byte entries and a {@code char} top ({@link Dir16Tables}): 128 KiB that stay in a core's L2,
 * then one byte per lookup. Immutable after construction (final fields, never written), so any number of threads
 * may read it; lookups allocate nothing.
 */
final class Dir16NarrowTable implements RouteTable {
    private final RouteSet routes;
    private final char[] top;
    private final byte[] entries;

    Dir16NarrowTable(final RouteSet routes, final char[] top, final byte[] entries) {
        this.routes = routes;
        this.top = top;
        this.entries = entries;
    }

    /** {@inheritDoc} */
    @Override
    public int lookup(final int address) {
        final int b = entries[(top[address >>> 16] << 8) | ((address >>> 8) & 0xFF)];
        return b >= 0 ? b - 1 : deeper(top, entries, b, address);
    }

    /**
     * {@inheritDoc} Stage by stage over the burst, each stage a loop of independent loads: first every entry index
     * from the top level (parked in {@code nextHops}), then every entry, in a loop with nothing else in it (no
     * branch), so that the out-of-order window holds as many of its cache misses as possible; then, only if some
     * entry said so, the addresses under routes longer than /24. The second loop as {@code b >= 0 ? b - 1 : deeper}
     * was 1.5x slower (paired CPU-time runs), and one fused loop 1.5x slower again.
     */
    @Override
    public void lookupBulk(final int[] addresses, final int[] nextHops, final int count) {
        final char[] t = top;
        final byte[] e = entries;
        for (int i = 0; i < count; i++) {
            final int a = addresses[i];
            nextHops[i] = (t[a >>> 16] << 8) | ((a >>> 8) & 0xFF);
        }
        int deeper = 0;
        for (int i = 0; i < count; i++) {
            final int b = e[nextHops[i]];
            deeper |= b;
            nextHops[i] = b - 1;
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

    /** Under a route longer than /24: entry {@code 0x80 | k} continues in group {@code g + 1 + k}. */
    private static int deeper(final char[] t, final byte[] e, final int b, final int address) {
        return e[((t[address >>> 16] + 1 + (b & 0x7F)) << 8) | (address & 0xFF)] - 1;
    }

    /** {@inheritDoc} */
    @Override
    public RouteSet routes() {
        return routes;
    }

    /** {@inheritDoc} The two arrays with their headers. */
    @Override
    public long memoryBytes() {
        return 32 + 2L * top.length + entries.length;
    }

    /** The top level (group numbers), for {@link Dir16Tables#lines}. */
    char[] top() {
        return top;
    }

    /** The groups, for {@link Dir16Tables#lines}. */
    byte[] entries() {
        return entries;
    }

    /** Number of 256-entry groups. */
    int groups() {
        return entries.length >>> 8;
    }

    @Override
    public String toString() {
        return "Dir16NarrowTable[routes=" + routes.size() + ", groups=" + groups() + ", bytes=" + memoryBytes() + "]";
    }
}
