package org.routerlab.testkit.route;

import java.util.Arrays;
import java.util.List;
import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

/**
 * The testkit's own longest-prefix-match answer, built a different way from any trie so that it cannot share a
 * trie's bugs: the address space is cut into <em>elementary intervals</em>, maximal runs of addresses that all have
 * the same longest match, and a lookup is a binary search over the interval starts.
 * <pre>
 *   routes 10.0.0.0/8 → a, 10.1.0.0/16 → b
 *   starts  0.0.0.0   10.0.0.0   10.1.0.0   10.2.0.0   11.0.0.0
 *   hops    NO_ROUTE  a          b          a          NO_ROUTE
 * </pre>
 * Prefixes are either nested or disjoint, so one sweep over the routes sorted by (first address, length) with a
 * stack of the enclosing routes yields the intervals. Build O(N log N), lookup O(log N). Immutable, thread-safe.
 * It is tested against a literal linear scan in the testkit's own tests.
 */
public final class LpmOracle {
    /** Interval starts with the sign bit flipped, so that signed order is unsigned address order. */
    private final int[] starts;
    private final int[] hops;

    private LpmOracle(final int[] starts, final int[] hops) {
        this.starts = starts;
        this.hops = hops;
    }

    /** The oracle for {@code set}'s routes. */
    public static LpmOracle of(final RouteSet set) {
        return of(set.routes());
    }

    /** The oracle for {@code routes} (distinct prefixes, as in a {@link RouteSet}). */
    public static LpmOracle of(final List<Route> routes) {
        final int n = routes.size();
        // Sort key: the first address with its sign bit flipped in the high 32 bits (signed order of the key is
        // then unsigned address order), then the length (shorter, i.e. enclosing, first), then the index.
        final long[] order = new long[n];
        for (int i = 0; i < n; i++) {
            final Route r = routes.get(i);
            order[i] = ((long) (r.prefix() ^ Integer.MIN_VALUE) << 32) | ((long) r.length() << 24) | i;
        }
        if (n >= 1 << 24) {
            throw new IllegalArgumentException("routes=" + n + " exceeds the oracle's 2^24");
        }
        Arrays.sort(order);
        final Emitter out = new Emitter(2 * n + 2);
        final long[] stackEnd = new long[34];
        final int[] stackHop = new int[34];
        int depth = 0;
        long position = 0;
        for (final long key : order) {
            final Route r = routes.get((int) (key & 0xFF_FFFF));
            final long start = r.prefix() & 0xFFFF_FFFFL;
            final long end = start + (1L << (32 - r.length())) - 1;
            while (depth > 0 && stackEnd[depth - 1] < start) {
                depth--;
                position = out.emit(position, stackEnd[depth], stackHop[depth]);
            }
            position = out.emit(position, start - 1, depth > 0 ? stackHop[depth - 1] : RouteTable.NO_ROUTE);
            stackEnd[depth] = end;
            stackHop[depth] = r.nextHop();
            depth++;
        }
        while (depth > 0) {
            depth--;
            position = out.emit(position, stackEnd[depth], stackHop[depth]);
        }
        out.emit(position, 0xFFFF_FFFFL, RouteTable.NO_ROUTE);
        return new LpmOracle(Arrays.copyOf(out.starts, out.size), Arrays.copyOf(out.hops, out.size));
    }

    /** The next-hop id of the longest prefix matching {@code address}, or {@link RouteTable#NO_ROUTE}. */
    public int lookup(final int address) {
        final int key = address ^ Integer.MIN_VALUE;
        int low = 0;
        int high = starts.length - 1;
        // Invariant: starts[low] <= key (starts[0] is address 0, the smallest key); find the last such index.
        while (low < high) {
            final int mid = (low + high + 1) >>> 1;
            if (starts[mid] <= key) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return hops[low];
    }

    /** Number of elementary intervals (adjacent intervals with the same next hop are merged). */
    public int intervals() {
        return starts.length;
    }

    /** Collects intervals [position, last] in address order, merging neighbours with equal next hops. */
    private static final class Emitter {
        int[] starts;
        int[] hops;
        int size;

        Emitter(final int capacity) {
            starts = new int[capacity];
            hops = new int[capacity];
        }

        /** Emits [position, last] → hop when not empty; returns the next position. */
        long emit(final long position, final long last, final int hop) {
            if (last < position) {
                return position;
            }
            if (size > 0 && hops[size - 1] == hop) {
                return last + 1;
            }
            if (size == starts.length) {
                starts = Arrays.copyOf(starts, size * 2);
                hops = Arrays.copyOf(hops, size * 2);
            }
            starts[size] = (int) position ^ Integer.MIN_VALUE;
            hops[size] = hop;
            size++;
            return last + 1;
        }
    }
}
