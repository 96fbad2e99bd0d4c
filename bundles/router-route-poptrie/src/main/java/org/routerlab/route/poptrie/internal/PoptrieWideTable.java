package org.routerlab.route.poptrie.internal;

import static org.routerlab.route.poptrie.internal.PoptrieLayout.DIRECT_BITS;

import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

/**
 * A built Poptrie ({@link PoptrieLayout}) with wide ({@code int}) leaves: {@code direct},
 * {@code nodes}, {@code leaves}. Immutable after
 * construction (final fields, never written), so any number of threads may read it; lookups allocate nothing.
 * A lookup is one direct load, then per 6-bit level one node (24 bytes) and at the end one leaf: for a full
 * Internet table most addresses take one or two loads after the direct one.
 */
final class PoptrieWideTable implements RouteTable {
    private static final int DIRECT_SHIFT = 32 - DIRECT_BITS;

    private final RouteSet routes;
    private final int[] direct;
    private final long[] nodes;
    private final int[] leaves;

    PoptrieWideTable(final RouteSet routes, final int[] direct, final long[] nodes, final int[] leaves) {
        this.routes = routes;
        this.direct = direct;
        this.nodes = nodes;
        this.leaves = leaves;
    }

    /** {@inheritDoc} */
    @Override
    public int lookup(final int address) {
        final int entry = direct[address >>> DIRECT_SHIFT];
        return entry < 0 ? PoptrieLayout.directHop(entry) : descend(nodes, leaves, entry, address);
    }

    /**
     * {@inheritDoc} In two passes over the burst: first every direct entry is loaded (parked in {@code nextHops}),
     * a loop of independent loads whose cache misses overlap; then each address is finished, from its direct leaf
     * or down its nodes. Measured 15-30% faster than four interleaved lookups per round.
     */
    @Override
    public void lookupBulk(final int[] addresses, final int[] nextHops, final int count) {
        final int[] d = direct;
        final long[] n = nodes;
        final int[] l = leaves;
        for (int i = 0; i < count; i++) {
            nextHops[i] = d[addresses[i] >>> DIRECT_SHIFT];
        }
        for (int i = 0; i < count; i++) {
            final int e = nextHops[i];
            nextHops[i] = e < 0 ? PoptrieLayout.directHop(e) : descend(n, l, e, addresses[i]);
        }
    }

    /** From node {@code node} (depth 18) down to the leaf of {@code address}: at most three nodes. */
    private static int descend(final long[] n, final int[] l, final int node, final int address) {
        int at = 3 * node;
        long vector = n[at];
        int v = (address >>> 8) & 63;
        if ((vector & (1L << v)) != 0) {
            at = 3 * ((int) n[at + 2] + Long.bitCount(vector << ~v) - 1);
            vector = n[at];
            v = (address >>> 2) & 63;
            if ((vector & (1L << v)) != 0) {
                at = 3 * ((int) n[at + 2] + Long.bitCount(vector << ~v) - 1);
                v = (address << 4) & 63;
            }
        }
        return l[(int) (n[at + 2] >>> 32) + Long.bitCount(n[at + 1] << ~v) - 1];
    }

    /** {@inheritDoc} */
    @Override
    public RouteSet routes() {
        return routes;
    }

    /** {@inheritDoc} The three arrays with their headers. */
    @Override
    public long memoryBytes() {
        return 48 + 4L * direct.length + 8L * nodes.length + 4L * leaves.length;
    }

    /** Number of nodes below the direct array. */
    int nodeCount() {
        return nodes.length / PoptrieLayout.NODE_LONGS;
    }

    /** Number of leaves (leaf runs after compression), padding included. */
    int leafCount() {
        return leaves.length;
    }

    @Override
    public String toString() {
        return "PoptrieWideTable[routes=" + routes.size() + ", nodes=" + nodeCount() + ", leaves=" + leafCount()
                + ", bytes=" + memoryBytes() + "]";
    }
}
