package org.routerlab.route.dir16.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

/**
 * Builds DIR-16-8-8 tables ({@link Dir16NarrowTable}, {@link Dir16WideTable}).
 * <pre>
 *  address  |<---- 16 bits ---->|<- 8 ->|<- 8 ->|
 *            top index           slot    last octet (only under a route longer than /24)
 *
 *  top[2^16]      group number g of the /16 (narrow: char, so at most 65,536 groups; wide: int)
 *  entries        groups of 256 entries, group g at entries[g &lt;&lt; 8 ...]:
 *                   next hop + 1 (0 = no route), or
 *                   deeper k: the slot's /24 continues in group g + 1 + k (narrow: the byte 0x80 | k; wide: ~k)
 *  group order    one "uniform" group per next hop (all 256 entries that hop) that some /16 without longer
 *                 routes points to; then per /16 with longer routes, in address order, its own group followed
 *                 by the groups of its /24s that hold routes longer than /24 (k = 0, 1, … in slot order)
 * </pre>
 * A lookup is {@code entries[(top[a >>> 16] << 8) | ((a >>> 8) & 0xFF)] - 1}, plus a third load under a route
 * longer than /24. Narrow entries are bytes: next hops 0..126 and at most 128 deeper /24s per /16. Routes are
 * applied shortest first, each overwriting its range, so the longest match is what remains (as in DIR-24-8).
 */
final class Dir16Tables {
    /** Which entry width {@link #build(RouteSet, Width)} uses. */
    enum Width { AUTO, LINES, NARROW, WIDE }

    /** The largest next-hop id a narrow (byte, hop + 1) entry holds. */
    static final int NARROW_MAX_HOP = 126;
    /** The most /24s with longer routes one /16 may have in a narrow table (k in 0..127). */
    static final int NARROW_MAX_DEEP = 128;
    /** The most groups a narrow table's {@code char} top can number. */
    static final int NARROW_MAX_GROUPS = 1 << 16;
    /** The most groups a wide table can hold (entries indexed by an int). */
    static final int WIDE_MAX_GROUPS = 1 << 23;

    private static final int TOP = 1 << 16;
    private static final int GROUP = 256;

    private Dir16Tables() {
    }

    static RouteTable build(final RouteSet routes) {
        return build(routes, Width.AUTO);
    }

    /** Builds a table of the given width; AUTO picks narrow whenever it can hold the table. */
    static RouteTable build(final RouteSet routes, final Width width) {
        Objects.requireNonNull(routes, "routes");
        final Expanded x = expand(byLength(routes.routes()));
        final boolean fits = x.maxHop <= NARROW_MAX_HOP && x.maxDeep <= NARROW_MAX_DEEP
                && x.groups() <= NARROW_MAX_GROUPS;
        if (width == Width.NARROW && !fits) {
            throw new IllegalArgumentException("narrow entries cannot hold maxHop=" + x.maxHop + " deeper /24s per /16="
                    + x.maxDeep + " groups=" + x.groups());
        }
        if (x.groups() > WIDE_MAX_GROUPS) {
            throw new IllegalArgumentException("groups=" + x.groups() + " exceeds " + WIDE_MAX_GROUPS);
        }
        if (width == Width.WIDE || !fits) {
            return wide(routes, x);
        }
        final Dir16NarrowTable narrow = narrow(routes, x);
        if (width == Width.NARROW) {
            return narrow;
        }
        final Dir16LineTable lined = lines(routes, narrow.top(), narrow.entries());
        if (lined == null && width == Width.LINES) {
            throw new IllegalArgumentException("more than " + LINES_MAX + " distinct lines");
        }
        return lined == null ? narrow : lined;
    }

    /** The most distinct 64-byte lines a {@link Dir16LineTable}'s {@code char} line numbers can number. */
    static final int LINES_MAX = 1 << 16;

    /**
     * A narrow table's groups as deduplicated 64-byte lines, four per block ({@link Dir16LineTable}); null when there
     * are more than {@link #LINES_MAX} distinct lines. Groups come as laid out by {@link #lay}: the shared ones, then
     * each /16 group followed by its /24 groups, which go to the deep array.
     */
    static Dir16LineTable lines(final RouteSet routes, final char[] groupTop, final byte[] entries) {
        final int groups = entries.length / GROUP;
        final int[] blockOf = new int[groups];
        Arrays.fill(blockOf, -1);
        int blocks = 0;
        int deepGroups = 0;
        for (int g = 0; g < groups; g++) {
            blockOf[g] = blocks++;
            int deeper = 0;
            for (int s = 0; s < GROUP; s++) {
                deeper += entries[GROUP * g + s] < 0 ? 1 : 0;
            }
            deepGroups += deeper;
            g += deeper;
        }
        final char[] quarters = new char[4 * blocks];
        final int[] deepBase = new int[blocks];
        final byte[] deep = new byte[GROUP * deepGroups];
        final HashMap<ByteBuffer, Integer> lineOf = new HashMap<>();
        byte[] lines = new byte[64 * 1024];
        int deepUsed = 0;
        for (int g = 0; g < groups; g++) {
            final int block = blockOf[g];
            for (int q = 0; q < 4; q++) {
                final byte[] line = Arrays.copyOfRange(entries, GROUP * g + 64 * q, GROUP * g + 64 * (q + 1));
                Integer number = lineOf.get(ByteBuffer.wrap(line));
                if (number == null) {
                    number = lineOf.size();
                    if (number >= LINES_MAX) {
                        return null;
                    }
                    lineOf.put(ByteBuffer.wrap(line), number);
                    if (64 * (number + 1) > lines.length) {
                        lines = Arrays.copyOf(lines, lines.length * 2);
                    }
                    System.arraycopy(line, 0, lines, 64 * number, 64);
                }
                quarters[4 * block + q] = (char) (int) number;
            }
            int deeper = 0;
            for (int s = 0; s < GROUP; s++) {
                deeper += entries[GROUP * g + s] < 0 ? 1 : 0;
            }
            deepBase[block] = deepUsed;
            System.arraycopy(entries, GROUP * (g + 1), deep, GROUP * deepUsed, GROUP * deeper);
            deepUsed += deeper;
            g += deeper;
        }
        final char[] top = new char[TOP];
        for (int i = 0; i < TOP; i++) {
            top[i] = (char) blockOf[groupTop[i]];
        }
        final char[] line = new char[4 * TOP];
        for (int i = 0; i < line.length; i++) {
            line[i] = quarters[4 * top[i >>> 2] + (i & 3)];
        }
        return new Dir16LineTable(routes, line, Arrays.copyOf(lines, 64 * lineOf.size()), top, deepBase, deep);
    }

    /** The routes applied to plain int arrays: the /16 hops, the /16 groups' slots and the /24 groups' entries. */
    private static final class Expanded {
        final int[] top = new int[TOP];         // the hop of a /16 without a group (routes up to /16)
        final int[] chunkOf = new int[TOP];     // the /16's chunk number, or -1
        int[] slots = new int[GROUP * 64];      // chunk c's 256 /24 hops at c * 256
        int[] deepOf = new int[GROUP * 64];     // per slot: its deep group number, or -1
        int[] deep = new int[GROUP * 16];       // deep group d's 256 hops at d * 256
        int[] deepCount = new int[64];          // per chunk: its deep groups
        int chunks;
        int deeps;
        int maxHop = RouteTable.NO_ROUTE;
        int maxDeep;
        int uniform;                            // distinct hops of the /16s without a group

        Expanded() {
            Arrays.fill(top, RouteTable.NO_ROUTE);
            Arrays.fill(chunkOf, -1);
        }

        int groups() {
            return uniform + chunks + deeps;
        }

        int chunk(final int index) {
            int c = chunkOf[index];
            if (c < 0) {
                c = chunks++;
                if (GROUP * chunks > slots.length) {
                    slots = Arrays.copyOf(slots, slots.length * 2);
                    final int old = deepOf.length;
                    deepOf = Arrays.copyOf(deepOf, old * 2);
                    Arrays.fill(deepOf, old, deepOf.length, -1);
                    deepCount = Arrays.copyOf(deepCount, deepCount.length * 2);
                }
                Arrays.fill(slots, GROUP * c, GROUP * (c + 1), top[index]);
                Arrays.fill(deepOf, GROUP * c, GROUP * (c + 1), -1);
                chunkOf[index] = c;
            }
            return c;
        }

        int deep(final int chunk, final int slot) {
            final int at = GROUP * chunk + slot;
            int d = deepOf[at];
            if (d < 0) {
                d = deeps++;
                if (GROUP * deeps > deep.length) {
                    deep = Arrays.copyOf(deep, deep.length * 2);
                }
                Arrays.fill(deep, GROUP * d, GROUP * (d + 1), slots[at]);
                deepOf[at] = d;
                maxDeep = Math.max(maxDeep, ++deepCount[chunk]);
            }
            return d;
        }
    }

    private static Expanded expand(final Route[] order) {
        final Expanded x = new Expanded();
        for (final Route route : order) {
            final int length = route.length();
            final int prefix = route.prefix();
            final int hop = route.nextHop();
            x.maxHop = Math.max(x.maxHop, hop);
            if (length <= 16) {
                final int from = prefix >>> 16;
                Arrays.fill(x.top, from, from + (1 << (16 - length)), hop);
            } else if (length <= 24) {
                final int from = GROUP * x.chunk(prefix >>> 16) + ((prefix >>> 8) & 0xFF);
                Arrays.fill(x.slots, from, from + (1 << (24 - length)), hop);
            } else {
                final int from = GROUP * x.deep(x.chunk(prefix >>> 16), (prefix >>> 8) & 0xFF) + (prefix & 0xFF);
                Arrays.fill(x.deep, from, from + (1 << (32 - length)), hop);
            }
        }
        final boolean[] seen = new boolean[x.maxHop + 2];
        for (int i = 0; i < TOP; i++) {
            if (x.chunkOf[i] < 0 && !seen[x.top[i] + 1]) {
                seen[x.top[i] + 1] = true;
                x.uniform++;
            }
        }
        return x;
    }

    /** Assigns group numbers: uniform groups (per hop + 1) first, then each chunk and its deep groups. */
    private interface Sink {
        void fill(int group, int hop);

        void slot(int group, int slot, int hop);

        void deeper(int group, int slot, int k);
    }

    private static void lay(final Expanded x, final int[] groupOf, final Sink sink) {
        final int[] uniformGroup = new int[x.maxHop + 2];
        Arrays.fill(uniformGroup, -1);
        int next = 0;
        for (int i = 0; i < TOP; i++) {
            if (x.chunkOf[i] < 0) {
                final int h = x.top[i] + 1;
                if (uniformGroup[h] < 0) {
                    uniformGroup[h] = next;
                    sink.fill(next++, x.top[i]);
                }
                groupOf[i] = uniformGroup[h];
            }
        }
        for (int i = 0; i < TOP; i++) {
            final int c = x.chunkOf[i];
            if (c < 0) {
                continue;
            }
            final int g = next++;
            groupOf[i] = g;
            int k = 0;
            for (int s = 0; s < GROUP; s++) {
                final int d = x.deepOf[GROUP * c + s];
                if (d < 0) {
                    sink.slot(g, s, x.slots[GROUP * c + s]);
                } else {
                    sink.deeper(g, s, k);
                    final int dg = next++;
                    for (int t = 0; t < GROUP; t++) {
                        sink.slot(dg, t, x.deep[GROUP * d + t]);
                    }
                    k++;
                }
            }
        }
    }

    private static Dir16NarrowTable narrow(final RouteSet routes, final Expanded x) {
        final byte[] entries = new byte[GROUP * x.groups()];
        final int[] groupOf = new int[TOP];
        lay(x, groupOf, new Sink() {
            @Override
            public void fill(final int group, final int hop) {
                Arrays.fill(entries, GROUP * group, GROUP * (group + 1), (byte) (hop + 1));
            }

            @Override
            public void slot(final int group, final int slot, final int hop) {
                entries[GROUP * group + slot] = (byte) (hop + 1);
            }

            @Override
            public void deeper(final int group, final int slot, final int k) {
                entries[GROUP * group + slot] = (byte) (0x80 | k);
            }
        });
        final char[] top = new char[TOP];
        for (int i = 0; i < TOP; i++) {
            top[i] = (char) groupOf[i];
        }
        return new Dir16NarrowTable(routes, top, entries);
    }

    private static Dir16WideTable wide(final RouteSet routes, final Expanded x) {
        final int[] entries = new int[GROUP * x.groups()];
        final int[] top = new int[TOP];
        lay(x, top, new Sink() {
            @Override
            public void fill(final int group, final int hop) {
                Arrays.fill(entries, GROUP * group, GROUP * (group + 1), hop + 1);
            }

            @Override
            public void slot(final int group, final int slot, final int hop) {
                entries[GROUP * group + slot] = hop + 1;
            }

            @Override
            public void deeper(final int group, final int slot, final int k) {
                entries[GROUP * group + slot] = ~k;
            }
        });
        return new Dir16WideTable(routes, top, entries);
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
}
