package org.routerlab.route.trie.internal;

import java.util.Arrays;
import java.util.Objects;
import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

/**
 * A one-bit-per-level binary trie held in flat {@code int} arrays: node {@code n} has children {@code child0[n]} and
 * {@code child1[n]} and the next hop {@code nextHop[n]} of the route ending there, or {@link #NO_ROUTE}.
 * <pre>
 *   node 0        the root (the /0 route, if any)
 *   child == 0    no child: the root is nobody's child, so 0 doubles as "absent"
 *   depth d       a node at depth d stands for a /d prefix; bit (31 - d) of the address picks the next child
 * </pre>
 * The arrays are grown while building and trimmed to the node count at the end; after construction nothing is
 * written, and all fields are final, so any number of threads may read a published table.
 */
final class BinaryTrieTable implements RouteTable {
    private static final int INITIAL_NODES = 1024;

    private final RouteSet routes;
    private final int[] child0;
    private final int[] child1;
    private final int[] nextHop;

    private BinaryTrieTable(final RouteSet routes, final int[] child0, final int[] child1, final int[] nextHop) {
        this.routes = routes;
        this.child0 = child0;
        this.child1 = child1;
        this.nextHop = nextHop;
    }

    /** Builds the trie for {@code routes}: one walk per route, creating the missing nodes on the way. */
    static BinaryTrieTable build(final RouteSet routes) {
        Objects.requireNonNull(routes, "routes");
        int capacity = INITIAL_NODES;
        int[] zero = new int[capacity];
        int[] one = new int[capacity];
        int[] hop = new int[capacity];
        Arrays.fill(hop, NO_ROUTE);
        int nodes = 1;
        for (final Route route : routes.routes()) {
            final int prefix = route.prefix();
            final int length = route.length();
            int node = 0;
            for (int depth = 0; depth < length; depth++) {
                final boolean right = ((prefix >>> (31 - depth)) & 1) != 0;
                int next = right ? one[node] : zero[node];
                if (0 == next) {
                    if (nodes == capacity) {
                        capacity = Math.multiplyExact(capacity, 2);
                        zero = Arrays.copyOf(zero, capacity);
                        one = Arrays.copyOf(one, capacity);
                        hop = Arrays.copyOf(hop, capacity);
                        Arrays.fill(hop, nodes, capacity, NO_ROUTE);
                    }
                    next = nodes++;
                    if (right) {
                        one[node] = next;
                    } else {
                        zero[node] = next;
                    }
                }
                node = next;
            }
            hop[node] = route.nextHop();
        }
        return new BinaryTrieTable(routes, Arrays.copyOf(zero, nodes), Arrays.copyOf(one, nodes),
                Arrays.copyOf(hop, nodes));
    }

    /** {@inheritDoc} */
    @Override
    public int lookup(final int address) {
        return walk(child0, child1, nextHop, address);
    }

    /** {@inheritDoc} */
    @Override
    public void lookupBulk(final int[] addresses, final int[] nextHops, final int count) {
        final int[] zero = child0;
        final int[] one = child1;
        final int[] hop = nextHop;
        for (int i = 0; i < count; i++) {
            nextHops[i] = walk(zero, one, hop, addresses[i]);
        }
    }

    /** Descends from the root along the address bits, remembering the last next hop passed (the longest match). */
    private static int walk(final int[] zero, final int[] one, final int[] hop, final int address) {
        int best = hop[0];
        int node = 0;
        for (int shift = 31; shift >= 0; shift--) {
            node = 0 == ((address >>> shift) & 1) ? zero[node] : one[node];
            if (0 == node) {
                break;
            }
            final int candidate = hop[node];
            if (NO_ROUTE != candidate) {
                best = candidate;
            }
        }
        return best;
    }

    /** {@inheritDoc} */
    @Override
    public RouteSet routes() {
        return routes;
    }

    /** {@inheritDoc} Three {@code int} arrays of {@link #nodes()} entries, with their array headers. */
    @Override
    public long memoryBytes() {
        return 3L * (16 + 4L * nextHop.length);
    }

    /** Number of trie nodes, root included. */
    int nodes() {
        return nextHop.length;
    }

    @Override
    public String toString() {
        return "BinaryTrieTable[routes=" + routes.size() + ", nodes=" + nodes() + ", bytes=" + memoryBytes() + "]";
    }
}
