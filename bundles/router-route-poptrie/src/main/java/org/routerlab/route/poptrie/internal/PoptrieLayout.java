package org.routerlab.route.poptrie.internal;

/**
 * The layout of a {@link PoptrieTable}: three flat arrays and no object per node.
 * <pre>
 *  address  |<------ 18 bits ------>|<- 6 ->|<- 6 ->|<2>|
 *           direct index             chunk 1 chunk 2 chunk 3 (the 2 last bits, then 4 zero bits)
 *
 *  direct[2^18] (int)   31  30                                   0
 *                      +---+--------------------------------------+
 *                      | 0 |  node number                          |   a node covers the next 6 bits
 *                      | 1 |  ~(next hop + 1)                      |   a leaf: the answer (NO_ROUTE = -1 → -1)
 *                      +---+--------------------------------------+
 *
 *  nodes (long[], 3 per node)
 *   [3n]     vector   bit v set: chunk value v continues in a child node
 *   [3n+1]   leafvec  bit v set: a new leaf run starts at chunk value v (leaf compression)
 *   [3n+2]   bases    high 32 bits: leaf base (index in leaves of the node's first leaf run)
 *                     low 32 bits:  child base (node number of the node's first child)
 *
 *  leaves          narrow (char[]): next-hop id + 1, 0 = NO_ROUTE, when every id is below 65535;
 *                  wide (int[]): next-hop id, NO_ROUTE = -1, otherwise.
 *                  leaves[0] is padding so that a leaf base is never 0
 * </pre>
 * For chunk value v: the child is {@code childBase + popcount(vector & ((2 << v) - 1)) - 1}, written
 * {@code bitCount(vector << ~v)} (a long shift uses the low 6 bits, so {@code ~v} is {@code 63 - v}); the leaf is
 * {@code leaves[leafBase + bitCount(leafvec << ~v) - 1]}: the run that the last set bit at or below v started.
 * Children of a node are consecutive, and so are its leaf runs. Chunk values that continue in a child set no
 * leafvec bit, so a run continues across them.
 */
final class PoptrieLayout {
    /** Address bits resolved by the direct-pointing array. */
    static final int DIRECT_BITS = 18;
    /** Bits per node level. */
    static final int STRIDE = 6;
    /** longs per node. */
    static final int NODE_LONGS = 3;
    /** The largest next-hop id that narrow (char) leaves hold, as id + 1. */
    static final int NARROW_MAX_HOP = 0xFFFE;

    private PoptrieLayout() {
    }

    /** The direct entry of a leaf with {@code hop} (NO_ROUTE included): negative. */
    static int directLeaf(final int hop) {
        return ~(hop + 1);
    }

    /** The next hop of a negative direct entry. */
    static int directHop(final int entry) {
        return ~entry - 1;
    }
}
