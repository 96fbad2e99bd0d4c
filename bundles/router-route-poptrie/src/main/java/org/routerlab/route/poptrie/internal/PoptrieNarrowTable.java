package org.routerlab.route.poptrie.internal;

import static org.routerlab.route.poptrie.internal.PoptrieLayout.BYTE;
import static org.routerlab.route.poptrie.internal.PoptrieLayout.EXT;
import static org.routerlab.route.poptrie.internal.PoptrieLayout.GROUP_BITS;
import static org.routerlab.route.poptrie.internal.PoptrieLayout.INT;
import static org.routerlab.route.poptrie.internal.PoptrieLayout.LEAFVEC;
import static org.routerlab.route.poptrie.internal.PoptrieLayout.LEAVES;
import static org.routerlab.route.poptrie.internal.PoptrieLayout.LINE;
import static org.routerlab.route.poptrie.internal.PoptrieLayout.LINE_SHIFT;
import static org.routerlab.route.poptrie.internal.PoptrieLayout.LONG;
import static org.routerlab.route.poptrie.internal.PoptrieLayout.NARROW_INLINE;
import static org.routerlab.route.poptrie.internal.PoptrieLayout.STRIDE;
import static org.routerlab.route.poptrie.internal.PoptrieLayout.TOP_BITS;

import java.lang.foreign.MemorySegment;
import org.routerlab.api.route.RouteSet;

/**
 * A built Poptrie ({@link PoptrieLayout}) with narrow leaves: a byte, next hop + 1, for tables whose next-hop ids are
 * all below 255. A lookup is one byte of {@code top}, and for a quarter of random addresses on a full Internet table
 * one node line, which holds the leaf for 95% of the nodes.
 */
final class PoptrieNarrowTable extends PoptrieTable {
    private static final int TOP_SHIFT = 32 - TOP_BITS;
    private static final int GROUP_SHIFT = 32 - GROUP_BITS;
    private static final int CHUNK1_SHIFT = TOP_SHIFT - STRIDE;

    PoptrieNarrowTable(final RouteSet routes, final byte[] top, final int[] base, final MemorySegment lines) {
        super(routes, top, base, lines);
    }

    /** {@inheritDoc} */
    @Override
    public int lookup(final int address) {
        final int entry = top[address >>> TOP_SHIFT];
        return entry >= 0 ? entry - 1 : node(nodes, base[address >>> GROUP_SHIFT] + (entry & 63), address);
    }

    /**
     * {@inheritDoc} In chunks of up to 64 addresses, three passes each. The first loads every top byte (independent
     * loads from the 256 KiB {@code top}, no branch): a leaf is the answer; a node sets the address's bit in a 64-bit
     * mask. The second touches each such node line (the loop over the mask's set bits has no data-dependent branch
     * and little work per node, so the lines' cache misses overlap) and parks the line's byte offset and the number of
     * the address's leaf run in {@code nextHops}; the third finishes from the lines, now in L1.
     */
    @Override
    public void lookupBulk(final int[] addresses, final int[] nextHops, final int count) {
        for (int from = 0; from < count; from += 64) {
            chunk(addresses, nextHops, from, Math.min(count, from + 64));
        }
    }

    private void chunk(final int[] addresses, final int[] nextHops, final int from, final int to) {
        final byte[] t = top;
        long pending = 0;
        for (int i = from; i < to; i++) {
            final int entry = t[addresses[i] >>> TOP_SHIFT];
            nextHops[i] = entry - 1;
            pending |= (long) (entry >>> 31) << (i - from);
        }
        final int[] b = base;
        final MemorySegment n = nodes;
        for (long m = pending; m != 0; m &= m - 1) {
            final int i = from + Long.numberOfTrailingZeros(m);
            final int address = addresses[i];
            final int at = (b[address >>> GROUP_SHIFT] + ((nextHops[i] + 1) & 63)) << LINE_SHIFT;
            nextHops[i] = at | ((Long.bitCount(n.get(LONG, at + LEAFVEC) << ~(address >>> CHUNK1_SHIFT)) - 1) & 63);
        }
        for (long m = pending; m != 0; m &= m - 1) {
            final int i = from + Long.numberOfTrailingZeros(m);
            final int parked = nextHops[i];
            final int address = addresses[i];
            final long at = parked & -LINE;
            final long vector = n.get(LONG, at);
            nextHops[i] = (vector << ~(address >>> CHUNK1_SHIFT)) < 0 ? deeper(n, at, vector, address)
                    : leaf(n, at, vector, parked & 63);
        }
    }

    /** The next hop of {@code address} from its /18 node, line {@code line}. */
    private static int node(final MemorySegment n, final int line, final int address) {
        final long at = (long) line << LINE_SHIFT;
        final long vector = n.get(LONG, at);
        final int v = address >>> CHUNK1_SHIFT;
        if ((vector << ~v) < 0) {
            return deeper(n, at, vector, address);
        }
        return leaf(n, at, vector, Long.bitCount(n.get(LONG, at + LEAFVEC) << ~v) - 1);
    }

    /** Down the children from the /18 node at {@code at}, whose chunk of {@code address} continues in one. */
    private static int deeper(final MemorySegment n, final long node, final long vector18, final int address) {
        final long bits = (address & 0xFFFF_FFFFL) << 4;
        long at = node;
        long vector = vector18;
        int shift = 12;
        int v = (int) (bits >>> shift) & 63;
        do {
            at = (long) (n.get(INT, at + EXT) + Long.bitCount(vector << ~v) - 1) << LINE_SHIFT;
            vector = n.get(LONG, at);
            shift -= STRIDE;
            v = (int) (bits >>> shift) & 63;
        } while ((vector << ~v) < 0);
        return leaf(n, at, vector, Long.bitCount(n.get(LONG, at + LEAFVEC) << ~v) - 1);
    }

    /** Leaf number {@code run} of the node at {@code at}: inline, or after the node's children. */
    private static int leaf(final MemorySegment n, final long at, final long vector, final int run) {
        if (run < NARROW_INLINE) {
            return (n.get(BYTE, at + LEAVES + run) & 0xFF) - 1;
        }
        final long overflow = (long) (n.get(INT, at + EXT) + Long.bitCount(vector)) << LINE_SHIFT;
        return (n.get(BYTE, overflow + run - NARROW_INLINE) & 0xFF) - 1;
    }
}
