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
import static org.routerlab.route.poptrie.internal.PoptrieLayout.STRIDE;
import static org.routerlab.route.poptrie.internal.PoptrieLayout.TOP_BITS;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;
import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

/**
 * Builds a Poptrie ({@link PoptrieNarrowTable} or {@link PoptrieWideTable}, layout in {@link PoptrieLayout}) from a
 * route set: the routes go into a temporary one-bit-per-level trie; a walk of it down to depth 18 gives every /18 its
 * trie node and longest match; then, group by group, each /18 becomes a top byte (a leaf) or a node line, and below a
 * node one line per 6-bit stride is emitted depth first. A node's 64 chunk values are expanded from the trie (leaf:
 * the longest route on the way; child: a trie node at the stride's end with descendants); its children get
 * consecutive lines, followed by the lines of the leaves that do not fit inline. Not thread-safe; one builder per
 * build.
 */
final class PoptrieBuilder {
    private static final int ABSENT = -1;
    private static final int SLOTS = 1 << STRIDE;
    private static final int TOP_SIZE = 1 << TOP_BITS;
    private static final int GROUP_SIZE = 1 << (TOP_BITS - GROUP_BITS);

    // The temporary binary trie: node 0 is the root; ABSENT marks a missing child; hop NO_ROUTE = no route ends here.
    private int[] zero = new int[1024];
    private int[] one = new int[1024];
    private int[] hop = new int[1024];
    private int trieNodes;

    // Per /18, from the walk: its trie node (ABSENT if none) and the longest match down to it.
    private final int[] topNode = new int[TOP_SIZE];
    private final int[] topBest = new int[TOP_SIZE];

    private final boolean wide;
    private final int inline;
    private final int leafBytes;
    private final byte[] top = new byte[TOP_SIZE];
    private final int[] base = new int[1 << GROUP_BITS];
    private byte[] memory = new byte[LINE * 1024];
    private MemorySegment lines = MemorySegment.ofArray(memory);
    private int lineCount = 1;

    private PoptrieBuilder(final boolean wide) {
        this.wide = wide;
        this.inline = wide ? PoptrieLayout.WIDE_INLINE : PoptrieLayout.NARROW_INLINE;
        this.leafBytes = wide ? 4 : 1;
        Arrays.fill(zero, ABSENT);
        Arrays.fill(one, ABSENT);
        Arrays.fill(hop, RouteTable.NO_ROUTE);
        trieNodes = 1;
    }

    /** Builds a table with narrow leaves when every next-hop id fits, else wide ones. */
    static RouteTable build(final RouteSet routes) {
        return build(routes, false);
    }

    /** Builds a table; {@code forceWide} makes wide leaves even when narrow ones would do (for tests). */
    static RouteTable build(final RouteSet routes, final boolean forceWide) {
        Objects.requireNonNull(routes, "routes");
        int maxHop = RouteTable.NO_ROUTE;
        for (final Route route : routes.routes()) {
            maxHop = Math.max(maxHop, route.nextHop());
        }
        final boolean wide = forceWide || maxHop > PoptrieLayout.NARROW_MAX_HOP;
        final PoptrieBuilder builder = new PoptrieBuilder(wide);
        for (final Route route : routes.routes()) {
            builder.insert(route.prefix(), route.length(), route.nextHop());
        }
        builder.walk(0, 0, 0, RouteTable.NO_ROUTE);
        builder.emit();
        final MemorySegment nodes = builder.lines.asSlice(0, (long) builder.lineCount << LINE_SHIFT);
        return wide ? new PoptrieWideTable(routes, builder.top, builder.base, nodes)
                : new PoptrieNarrowTable(routes, builder.top, builder.base, nodes);
    }

    private void insert(final int prefix, final int length, final int nextHop) {
        int node = 0;
        for (int depth = 0; depth < length; depth++) {
            final boolean right = ((prefix >>> (31 - depth)) & 1) != 0;
            int next = right ? one[node] : zero[node];
            if (ABSENT == next) {
                next = newTrieNode();
                if (right) {
                    one[node] = next;
                } else {
                    zero[node] = next;
                }
            }
            node = next;
        }
        hop[node] = nextHop;
    }

    private int newTrieNode() {
        if (trieNodes == hop.length) {
            final int capacity = Math.multiplyExact(hop.length, 2);
            zero = grow(zero, capacity, ABSENT);
            one = grow(one, capacity, ABSENT);
            hop = grow(hop, capacity, RouteTable.NO_ROUTE);
        }
        return trieNodes++;
    }

    private static int[] grow(final int[] array, final int capacity, final int fill) {
        final int[] grown = Arrays.copyOf(array, capacity);
        Arrays.fill(grown, array.length, capacity, fill);
        return grown;
    }

    private boolean hasChildren(final int node) {
        return ABSENT != node && (ABSENT != zero[node] || ABSENT != one[node]);
    }

    private int bestWith(final int node, final int best) {
        final int h = hop[node];
        return RouteTable.NO_ROUTE != h ? h : best;
    }

    /**
     * Records the trie node and longest match of every /18 under trie node {@code node} at {@code depth} (prefix
     * {@code index} of that many bits), {@code inherited} being the longest match above it.
     */
    private void walk(final int node, final int depth, final int index, final int inherited) {
        final int best = bestWith(node, inherited);
        if (TOP_BITS == depth) {
            topNode[index] = node;
            topBest[index] = best;
            return;
        }
        for (int bit = 0; bit < 2; bit++) {
            final int child = 0 == bit ? zero[node] : one[node];
            final int sub = (index << 1) | bit;
            if (ABSENT == child) {
                final int from = sub << (TOP_BITS - depth - 1);
                final int to = from + (1 << (TOP_BITS - depth - 1));
                Arrays.fill(topNode, from, to, ABSENT);
                Arrays.fill(topBest, from, to, best);
            } else {
                walk(child, depth + 1, sub, best);
            }
        }
    }

    /** Fills {@code top} and {@code base} and emits the nodes, group by group: a group's /18 nodes are consecutive. */
    private void emit() {
        final int[] members = new int[GROUP_SIZE];
        for (int group = 0; group < base.length; group++) {
            int count = 0;
            for (int j = 0; j < GROUP_SIZE; j++) {
                final int index = group * GROUP_SIZE + j;
                if (hasChildren(topNode[index]) || topBest[index] > PoptrieLayout.TOP_MAX_HOP) {
                    top[index] = (byte) (PoptrieLayout.TOP_NODE | count);
                    members[count++] = index;
                } else {
                    top[index] = (byte) (topBest[index] + 1);
                }
            }
            final int first = allocateLines(count);
            base[group] = first;
            for (int k = 0; k < count; k++) {
                buildNode(first + k, topNode[members[k]], TOP_BITS, topBest[members[k]]);
            }
        }
    }

    /**
     * Fills node line {@code line} for trie node {@code node} (ABSENT: no routes below, every chunk value is
     * {@code best}) at {@code depth}, then builds its children.
     */
    private void buildNode(final int line, final int node, final int depth, final int best) {
        final int[] leafHop = new int[SLOTS];
        final int[] childNode = new int[SLOTS];
        final int[] childBest = new int[SLOTS];
        Arrays.fill(childNode, ABSENT);
        if (ABSENT == node) {
            Arrays.fill(leafHop, best);
        } else {
            expand(node, depth, 0, 0, best, leafHop, childNode, childBest);
        }

        long vector = 0;
        long leafvec = 0;
        final int[] runs = new int[SLOTS];
        int count = 0;
        for (int v = 0; v < SLOTS; v++) {
            if (ABSENT != childNode[v]) {
                vector |= 1L << v;
            } else if (0 == count || leafHop[v] != runs[count - 1]) {
                leafvec |= 1L << v;
                runs[count++] = leafHop[v];
            }
        }
        final int children = Long.bitCount(vector);
        final int overflowBytes = Math.max(0, count - inline) * leafBytes;
        final int extLines = children + (overflowBytes + LINE - 1) / LINE;
        final int ext = 0 == extLines ? 0 : allocateLines(extLines);
        final long at = (long) line << LINE_SHIFT;
        lines.set(LONG, at, vector);
        lines.set(LONG, at + LEAFVEC, leafvec);
        lines.set(INT, at + EXT, ext);
        final long overflow = ((long) ext + children) << LINE_SHIFT;
        for (int r = 0; r < count; r++) {
            final long to = r < inline ? at + LEAVES + (long) r * leafBytes : overflow + (long) (r - inline) * leafBytes;
            if (wide) {
                lines.set(INT, to, runs[r]);
            } else {
                lines.set(BYTE, to, (byte) (runs[r] + 1));
            }
        }
        int child = ext;
        for (int v = 0; v < SLOTS; v++) {
            if (ABSENT != childNode[v]) {
                buildNode(child++, childNode[v], depth + STRIDE, childBest[v]);
            }
        }
    }

    /**
     * Expands trie node {@code node}, {@code level} bits below the node's top at {@code depth}, into the chunk
     * values {@code slot << (STRIDE - level)} and the following {@code 2^(STRIDE - level) - 1}.
     */
    private void expand(final int node, final int depth, final int level, final int slot, final int best,
                        final int[] leafHop, final int[] childNode, final int[] childBest) {
        if (STRIDE == level) {
            if (hasChildren(node)) {
                childNode[slot] = node;
                childBest[slot] = best;
            } else {
                leafHop[slot] = best;
            }
            return;
        }
        if (32 == depth + level) {
            // No address bits left (the last stride has only 2): every padded chunk value gets the same leaf.
            Arrays.fill(leafHop, slot << (STRIDE - level), (slot + 1) << (STRIDE - level), best);
            return;
        }
        for (int bit = 0; bit < 2; bit++) {
            final int child = 0 == bit ? zero[node] : one[node];
            final int sub = (slot << 1) | bit;
            if (ABSENT == child) {
                final int span = STRIDE - level - 1;
                Arrays.fill(leafHop, sub << span, (sub + 1) << span, best);
            } else {
                expand(child, depth, level + 1, sub, bestWith(child, best), leafHop, childNode, childBest);
            }
        }
    }

    /** Appends {@code count} zeroed lines and returns the number of the first. */
    private int allocateLines(final int count) {
        final int first = lineCount;
        lineCount = Math.addExact(lineCount, count);
        final long bytes = (long) lineCount << LINE_SHIFT;
        if (bytes > memory.length) {
            if (bytes > Integer.MAX_VALUE - LINE) {
                throw new IllegalStateException("Poptrie nodes exceed 2 GiB");
            }
            memory = Arrays.copyOf(memory, (int) Math.min(Integer.MAX_VALUE - LINE, Math.max(bytes, 2L * memory.length)));
            lines = MemorySegment.ofArray(memory);
        }
        return first;
    }
}
