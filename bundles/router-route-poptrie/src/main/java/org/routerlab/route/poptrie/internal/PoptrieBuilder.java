package org.routerlab.route.poptrie.internal;

import static org.routerlab.route.poptrie.internal.PoptrieLayout.DIRECT_BITS;
import static org.routerlab.route.poptrie.internal.PoptrieLayout.NODE_LONGS;
import static org.routerlab.route.poptrie.internal.PoptrieLayout.STRIDE;

import java.util.Arrays;
import java.util.Objects;
import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

/**
 * Builds a Poptrie ({@link PoptrieNarrowTable} or {@link PoptrieWideTable}) from a route set in two passes: the
 * routes go into a temporary one-bit-per-level trie, then a walk of that trie fills the direct array down to depth
 * 18 and, below any depth-18 trie node with descendants, emits a Poptrie node per 6-bit stride. A node's 64 chunk
 * values are expanded from the trie (leaf: the longest route on the way; child: a trie node at the stride's end
 * with descendants), then its children are given consecutive node numbers and its leaf runs consecutive leaf
 * indexes before the children are built (depth first). Not thread-safe; one builder per build.
 */
final class PoptrieBuilder {
    private static final int ABSENT = -1;
    private static final int SLOTS = 1 << STRIDE;

    // The temporary binary trie: node 0 is the root; ABSENT marks a missing child; hop NO_ROUTE = no route ends here.
    private int[] zero = new int[1024];
    private int[] one = new int[1024];
    private int[] hop = new int[1024];
    private int trieNodes;

    private final int[] direct = new int[1 << DIRECT_BITS];
    private long[] nodes = new long[NODE_LONGS * 1024];
    private int nodeCount;
    private int[] leaves = new int[4096];
    private int leafCount = 1;

    private PoptrieBuilder() {
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
        final PoptrieBuilder builder = new PoptrieBuilder();
        int maxHop = RouteTable.NO_ROUTE;
        for (final Route route : routes.routes()) {
            builder.insert(route.prefix(), route.length(), route.nextHop());
            maxHop = Math.max(maxHop, route.nextHop());
        }
        builder.fillDirect(0, 0, 0, RouteTable.NO_ROUTE);
        final long[] nodes = Arrays.copyOf(builder.nodes, NODE_LONGS * builder.nodeCount);
        if (forceWide || maxHop > PoptrieLayout.NARROW_MAX_HOP) {
            final int[] wide = Arrays.copyOf(builder.leaves, builder.leafCount);
            return new PoptrieWideTable(routes, builder.direct, nodes, wide);
        }
        final char[] narrow = new char[builder.leafCount];
        for (int i = 0; i < narrow.length; i++) {
            narrow[i] = (char) (builder.leaves[i] + 1);
        }
        return new PoptrieNarrowTable(routes, builder.direct, nodes, narrow);
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
        return ABSENT != zero[node] || ABSENT != one[node];
    }

    private int bestWith(final int node, final int best) {
        final int h = hop[node];
        return RouteTable.NO_ROUTE != h ? h : best;
    }

    /**
     * Fills the direct entries under trie node {@code node} at {@code depth} (prefix {@code index} of that many
     * bits), {@code best} being the longest match above it.
     */
    private void fillDirect(final int node, final int depth, final int index, final int inherited) {
        final int best = bestWith(node, inherited);
        if (DIRECT_BITS == depth) {
            direct[index] = hasChildren(node) ? newNode(node, depth, best) : PoptrieLayout.directLeaf(best);
            return;
        }
        for (int bit = 0; bit < 2; bit++) {
            final int child = 0 == bit ? zero[node] : one[node];
            final int sub = (index << 1) | bit;
            if (ABSENT == child) {
                final int from = sub << (DIRECT_BITS - depth - 1);
                Arrays.fill(direct, from, from + (1 << (DIRECT_BITS - depth - 1)), PoptrieLayout.directLeaf(best));
            } else {
                fillDirect(child, depth + 1, sub, best);
            }
        }
    }

    /** Builds the Poptrie node for trie node {@code node} at {@code depth} and returns its number. */
    private int newNode(final int node, final int depth, final int best) {
        final int number = allocateNodes(1);
        buildNode(number, node, depth, best);
        return number;
    }

    /** Fills Poptrie node {@code number} for trie node {@code node} at {@code depth}, then builds its children. */
    private void buildNode(final int number, final int node, final int depth, final int best) {
        final int[] leafHop = new int[SLOTS];
        final int[] childNode = new int[SLOTS];
        final int[] childBest = new int[SLOTS];
        Arrays.fill(childNode, ABSENT);
        expand(node, depth, 0, 0, best, leafHop, childNode, childBest);

        long vector = 0;
        long leafvec = 0;
        int runs = 0;
        int last = 0;
        for (int v = 0; v < SLOTS; v++) {
            if (ABSENT != childNode[v]) {
                vector |= 1L << v;
            } else if (0 == runs || leafHop[v] != last) {
                leafvec |= 1L << v;
                last = leafHop[v];
                runs++;
            }
        }
        final int children = Long.bitCount(vector);
        final int childBase = allocateNodes(children);
        final int leafBase = allocateLeaves(runs);
        int run = leafBase;
        for (int v = 0; v < SLOTS; v++) {
            if ((leafvec & (1L << v)) != 0) {
                leaves[run++] = leafHop[v];
            }
        }
        final int at = NODE_LONGS * number;
        nodes[at] = vector;
        nodes[at + 1] = leafvec;
        nodes[at + 2] = ((long) leafBase << 32) | (childBase & 0xFFFF_FFFFL);
        int child = childBase;
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

    private int allocateNodes(final int count) {
        final int first = nodeCount;
        nodeCount += count;
        if (NODE_LONGS * nodeCount > nodes.length) {
            nodes = Arrays.copyOf(nodes, Math.max(nodes.length * 2, NODE_LONGS * nodeCount));
        }
        return first;
    }

    private int allocateLeaves(final int count) {
        final int first = leafCount;
        leafCount += count;
        if (leafCount > leaves.length) {
            leaves = Arrays.copyOf(leaves, Math.max(leaves.length * 2, leafCount));
        }
        return first;
    }
}
