package org.routerlab.route.dir24.internal;

import static org.routerlab.route.dir24.internal.Dir24Entry.GROUP_SHIFT;
import static org.routerlab.route.dir24.internal.Dir24Entry.GROUP_SIZE;
import static org.routerlab.route.dir24.internal.Dir24Entry.NARROW_PAYLOAD;
import static org.routerlab.route.dir24.internal.Dir24Entry.WIDE_PAYLOAD;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

/**
 * Builds DIR-24-8 tables. Routes are applied shortest first, each overwriting its address range, so the longest
 * match is what remains: a route up to /24 fills its 2^(24-len) tbl24 entries; a longer one first gives its /24 a
 * tbl8 group (initialised with the /24's current entry), then fills its 2^(32-len) entries in the group. Shortest
 * first means no route up to /24 ever meets an extended entry. Cost: O(N + 2^24 + filled entries).
 */
final class Dir24Tables {
    /** Which entry width {@link #build(RouteSet, Width)} uses. */
    enum Width { AUTO, NARROW, WIDE }

    private Dir24Tables() {
    }

    static RouteTable build(final RouteSet routes) {
        return build(routes, Width.AUTO);
    }

    /** Builds a table of the given width; AUTO picks narrow when every next hop and group fits in 14 bits. */
    static RouteTable build(final RouteSet routes, final Width width) {
        Objects.requireNonNull(routes, "routes");
        final Route[] order = byLength(routes.routes());
        final int groups = groupsNeeded(order);
        int maxHop = -1;
        for (final Route route : order) {
            maxHop = Math.max(maxHop, route.nextHop());
        }
        final boolean fits = maxHop <= NARROW_PAYLOAD && groups <= NARROW_PAYLOAD + 1;
        if (width == Width.NARROW && !fits) {
            throw new IllegalArgumentException("narrow entries cannot hold maxHop=" + maxHop + " groups=" + groups);
        }
        if (groups > (WIDE_PAYLOAD >>> GROUP_SHIFT)) {
            throw new IllegalArgumentException("groups=" + groups + " exceeds the tbl8 capacity");
        }
        return width == Width.WIDE || !fits ? buildWide(routes, order, groups) : buildNarrow(routes, order, groups);
    }

    private static Dir24NarrowTable buildNarrow(final RouteSet routes, final Route[] order, final int groups) {
        final char[] tbl24 = new char[Dir24Entry.TBL24_SIZE];
        final char[] tbl8 = new char[groups * GROUP_SIZE];
        int used = 0;
        for (final Route route : order) {
            final int length = route.length();
            final int prefix = route.prefix();
            final char entry = (char) (Dir24Entry.NARROW_VALID | route.nextHop());
            if (length <= 24) {
                final int from = prefix >>> 8;
                Arrays.fill(tbl24, from, from + (1 << (24 - length)), entry);
            } else {
                final int index = prefix >>> 8;
                int current = tbl24[index];
                if ((current & Dir24Entry.NARROW_EXTENDED) == 0) {
                    Arrays.fill(tbl8, used << GROUP_SHIFT, (used + 1) << GROUP_SHIFT, (char) current);
                    current = Dir24Entry.NARROW_EXTENDED | used++;
                    tbl24[index] = (char) current;
                }
                final int from = ((current & NARROW_PAYLOAD) << GROUP_SHIFT) | (prefix & 0xFF);
                Arrays.fill(tbl8, from, from + (1 << (32 - length)), entry);
            }
        }
        return new Dir24NarrowTable(routes, tbl24, tbl8);
    }

    private static Dir24WideTable buildWide(final RouteSet routes, final Route[] order, final int groups) {
        final int[] tbl24 = new int[Dir24Entry.TBL24_SIZE];
        final int[] tbl8 = new int[groups * GROUP_SIZE];
        int used = 0;
        for (final Route route : order) {
            final int length = route.length();
            final int prefix = route.prefix();
            final int entry = Dir24Entry.WIDE_VALID | route.nextHop();
            if (length <= 24) {
                final int from = prefix >>> 8;
                Arrays.fill(tbl24, from, from + (1 << (24 - length)), entry);
            } else {
                final int index = prefix >>> 8;
                int current = tbl24[index];
                if ((current & Dir24Entry.WIDE_EXTENDED) == 0) {
                    Arrays.fill(tbl8, used << GROUP_SHIFT, (used + 1) << GROUP_SHIFT, current);
                    current = Dir24Entry.WIDE_EXTENDED | used++;
                    tbl24[index] = current;
                }
                final int from = ((current & WIDE_PAYLOAD) << GROUP_SHIFT) | (prefix & 0xFF);
                Arrays.fill(tbl8, from, from + (1 << (32 - length)), entry);
            }
        }
        return new Dir24WideTable(routes, tbl24, tbl8);
    }

    /** The routes sorted by prefix length, shortest first (a counting sort). */
    static Route[] byLength(final List<Route> routes) {
        final int[] start = new int[34];
        for (final Route route : routes) {
            start[route.length() + 1]++;
        }
        for (int length = 1; length < start.length; length++) {
            start[length] += start[length - 1];
        }
        final Route[] sorted = new Route[routes.size()];
        for (final Route route : routes) {
            sorted[start[route.length()]++] = route;
        }
        return sorted;
    }

    /** The number of distinct /24s holding a route longer than /24: one tbl8 group each. */
    static int groupsNeeded(final Route[] routes) {
        int longer = 0;
        for (final Route route : routes) {
            longer += route.length() > 24 ? 1 : 0;
        }
        final int[] slash24 = new int[longer];
        int n = 0;
        for (final Route route : routes) {
            if (route.length() > 24) {
                slash24[n++] = route.prefix() >>> 8;
            }
        }
        Arrays.sort(slash24);
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            distinct += i == 0 || slash24[i] != slash24[i - 1] ? 1 : 0;
        }
        return distinct;
    }
}
