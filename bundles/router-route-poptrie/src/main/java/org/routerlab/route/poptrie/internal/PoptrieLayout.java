package org.routerlab.route.poptrie.internal;

import java.lang.foreign.ValueLayout;

/**
 * The layout of a Poptrie table ({@link PoptrieNarrowTable}, {@link PoptrieWideTable}): a byte per /18 on the heap,
 * and nodes of exactly one 64-byte cache line each in one off-heap segment aligned to 64 bytes.
 * <pre>
 *  address  |<- 12 ->|<- 6 ->|<- 6 ->|<- 6 ->|<2>|
 *            group    top     chunk 1 chunk 2 chunk 3 (the last 2 bits, then 4 zero bits)
 *           |<---- 18 bits -->|
 *
 *  top[2^18] (byte, 256 KiB: stays in a core's L2)
 *     0 .. 127      a leaf: next hop + 1 (0 = NO_ROUTE)
 *     0x80 | k      a node: line number base[group] + k  (k = 0..63, the k-th node of the /12 group)
 *  base[2^12] (int, 16 KiB): line number of the first /18 node of each /12 group
 *
 *  nodes (off-heap, line n at byte 64n; line 0 is padding, so a node line is never 0)
 *     bytes  0..7    vector   bit v set: chunk value v continues in a child node
 *     bytes  8..15   leafvec  bit v set: a new leaf run starts at chunk value v (leaf compression)
 *     bytes 16..19   ext      line number of the node's first child; its C = popcount(vector) children are the
 *                             consecutive lines ext .. ext+C-1, and leaves that do not fit inline follow them
 *                             from line ext+C on
 *     bytes 20..63   the first 44 leaves inline: narrow, a byte (next hop + 1, 0 = NO_ROUTE);
 *                    wide, the first 11 leaves as an int (next hop, NO_ROUTE = -1)
 * </pre>
 * For chunk value v: the child is {@code ext + popcount(vector << ~v) - 1} (a long shift uses the low 6 bits, so
 * {@code ~v} is {@code 63 - v} and the popcount counts the set bits at or below v); the leaf is number
 * {@code popcount(leafvec << ~v) - 1}: the run that the last set bit at or below v started. Chunk values that continue
 * in a child set no leafvec bit, so a run continues across them.
 *
 * <p>A lookup reads one byte of {@code top} (75% of uniformly random addresses end there on a full Internet table);
 * otherwise one node line, whose leaf is in the same line for 95% of the nodes: one cache miss at most, in the
 * common case. A /18 whose only next hop does not fit a top byte (id 127 and above) gets a node with one leaf.
 */
final class PoptrieLayout {
    /** Address bits resolved by {@code top}. */
    static final int TOP_BITS = 18;
    /** Address bits that select a group (and its {@code base}). */
    static final int GROUP_BITS = 12;
    /** Bits per node level. */
    static final int STRIDE = 6;
    /** log2 of the node size: one 64-byte cache line. */
    static final int LINE_SHIFT = 6;
    /** Bytes per node. */
    static final int LINE = 1 << LINE_SHIFT;
    /** Byte offset of {@code leafvec} in a node. */
    static final int LEAFVEC = 8;
    /** Byte offset of {@code ext} in a node. */
    static final int EXT = 16;
    /** Byte offset of the inline leaves in a node. */
    static final int LEAVES = 20;
    /** The most a top byte holds as a leaf: next hop + 1 up to 127. */
    static final int TOP_MAX_HOP = 126;
    /** Marks a top byte as a node. */
    static final int TOP_NODE = 0x80;
    /** The largest next hop that narrow (byte) leaves hold, as next hop + 1. */
    static final int NARROW_MAX_HOP = 0xFE;
    /** Inline leaves per node, narrow (bytes). */
    static final int NARROW_INLINE = LINE - LEAVES;
    /** Inline leaves per node, wide (ints). */
    static final int WIDE_INLINE = (LINE - LEAVES) / 4;

    /** Unaligned layouts: no alignment check on access (every offset used is naturally aligned anyway). */
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private PoptrieLayout() {
    }
}
