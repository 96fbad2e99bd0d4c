package org.routerlab.route.trie.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.route.NextHop;
import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;
import org.routerlab.api.route.RoutingAlgorithm;

class BinaryTrieTableTest {
    private static final int NO_ROUTE = RouteTable.NO_ROUTE;

    private final RoutingAlgorithm algorithm = new BinaryTrieAlgorithm();

    @Test
    void shouldBeNamedBinaryTrie() {
        assertEquals("binary-trie", algorithm.name());
        assertTrue(algorithm.description().contains("binary trie"));
    }

    @Test
    void shouldReturnNoRouteForEmptyTable() {
        final RouteTable table = algorithm.build(RouteSet.empty());
        for (final int address : new int[] {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, ip("10.1.2.3")}) {
            assertEquals(NO_ROUTE, table.lookup(address), Ipv4Address.format(address));
        }
        assertEquals(1, ((BinaryTrieTable) table).nodes());
    }

    @Test
    void shouldMatchEveryAddressWithDefaultRoute() {
        final Routes r = new Routes();
        final int gw = r.add("0.0.0.0", 0);
        final RouteTable table = algorithm.build(r.build());
        for (final int address : new int[] {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, ip("192.0.2.1")}) {
            assertEquals(gw, table.lookup(address), Ipv4Address.format(address));
        }
    }

    @Test
    void shouldMatchHostRoutesExactlyAndNothingNextToThem() {
        final Routes r = new Routes();
        final int a = r.add("192.0.2.7", 32);
        final int b = r.add("255.255.255.255", 32);
        final int c = r.add("0.0.0.0", 32);
        final int d = r.add("128.0.0.0", 32);
        final RouteTable table = algorithm.build(r.build());
        assertEquals(a, table.lookup(ip("192.0.2.7")));
        assertEquals(b, table.lookup(ip("255.255.255.255")));
        assertEquals(c, table.lookup(ip("0.0.0.0")));
        assertEquals(d, table.lookup(ip("128.0.0.0")));
        for (final String miss : new String[] {"192.0.2.6", "192.0.2.8", "255.255.255.254", "0.0.0.1", "127.255.255.255",
                "128.0.0.1", "64.0.2.7"}) {
            assertEquals(NO_ROUTE, table.lookup(ip(miss)), miss);
        }
    }

    @Test
    void shouldPreferMoreSpecificPrefixAndStillMatchLessSpecificOutsideIt() {
        final Routes r = new Routes();
        final int all = r.add("0.0.0.0", 0);
        final int slash8 = r.add("10.0.0.0", 8);
        final int slash16 = r.add("10.1.0.0", 16);
        final int slash24 = r.add("10.1.2.0", 24);
        final int host = r.add("10.1.2.3", 32);
        final int slash25 = r.add("10.1.2.128", 25);
        final RouteTable table = algorithm.build(r.build());
        assertEquals(host, table.lookup(ip("10.1.2.3")));
        assertEquals(slash24, table.lookup(ip("10.1.2.4")));
        assertEquals(slash24, table.lookup(ip("10.1.2.0")));
        assertEquals(slash24, table.lookup(ip("10.1.2.127")));
        assertEquals(slash25, table.lookup(ip("10.1.2.128")));
        assertEquals(slash25, table.lookup(ip("10.1.2.255")));
        assertEquals(slash16, table.lookup(ip("10.1.3.0")));
        assertEquals(slash16, table.lookup(ip("10.1.1.255")));
        assertEquals(slash8, table.lookup(ip("10.2.0.0")));
        assertEquals(slash8, table.lookup(ip("10.255.255.255")));
        assertEquals(all, table.lookup(ip("11.0.0.0")));
        assertEquals(all, table.lookup(ip("9.255.255.255")));
    }

    @Test
    void shouldNotMatchOutsideNestedPrefixesWithoutDefault() {
        final Routes r = new Routes();
        final int upper = r.add("128.0.0.0", 1);
        final int inner = r.add("192.168.0.0", 16);
        final RouteTable table = algorithm.build(r.build());
        assertEquals(upper, table.lookup(ip("128.0.0.0")));
        assertEquals(upper, table.lookup(ip("255.255.255.255")));
        assertEquals(inner, table.lookup(ip("192.168.255.255")));
        assertEquals(NO_ROUTE, table.lookup(ip("127.255.255.255")));
        assertEquals(NO_ROUTE, table.lookup(ip("0.0.0.0")));
    }

    @Test
    void shouldMatchRoutesWhoseNodesArePassedOnTheWayToLongerOnes() {
        // The /24 is inserted first, then the /8 on its path: the /8 must be set on an existing inner node.
        final Routes r = new Routes();
        final int slash24 = r.add("10.1.2.0", 24);
        final int slash8 = r.add("10.0.0.0", 8);
        final RouteTable table = algorithm.build(r.build());
        assertEquals(slash24, table.lookup(ip("10.1.2.200")));
        assertEquals(slash8, table.lookup(ip("10.1.3.0")));
        assertEquals(NO_ROUTE, table.lookup(ip("11.1.2.0")));
    }

    @Test
    void shouldKeepRouteSetAndReportMemoryOfTrimmedArrays() {
        final Routes r = new Routes();
        r.add("10.0.0.0", 8);
        r.add("10.1.2.3", 32);
        final RouteSet set = r.build();
        final BinaryTrieTable table = (BinaryTrieTable) algorithm.build(set);
        assertSame(set, table.routes());
        // Root, 8 nodes down to the /8, then 24 more down to the /32.
        assertEquals(1 + 8 + 24, table.nodes());
        assertEquals(3L * (16 + 4L * table.nodes()), table.memoryBytes());
    }

    @Test
    void shouldRejectNullRouteSet() {
        assertThrows(NullPointerException.class, () -> algorithm.build(null));
    }

    @Test
    void shouldMatchLinearScanForRandomRoutesAndAddresses() {
        final long seed = 0x5EED_0001L;
        final SplittableRandom random = new SplittableRandom(seed);
        final RouteSet set = randomRoutes(random, 100_000);
        final RouteTable table = algorithm.build(set);
        final int[] addresses = randomAddresses(random, set, 1_000_000);

        final int[] prefixes = new int[set.size()];
        final int[] lengths = new int[set.size()];
        final int[] hops = new int[set.size()];
        for (int i = 0; i < set.size(); i++) {
            final Route route = set.routes().get(i);
            prefixes[i] = route.prefix();
            lengths[i] = route.length();
            hops[i] = route.nextHop();
        }

        // The literal brute force (for each address, every route) costs 10^11 steps for 1,000,000 addresses, so it
        // checks a subset; the route-major sweep (for each route, every address it contains) covers them all.
        final int[] expected = sweep(prefixes, lengths, hops, addresses);
        for (int i = 0; i < addresses.length; i += 200) {
            assertEquals(linearScan(prefixes, lengths, hops, addresses[i]), expected[i],
                    () -> "sweep disagrees with linear scan, seed=" + seed);
        }
        final boolean[] hit = new boolean[set.nextHops().size()];
        int distinct = 0;
        for (int i = 0; i < addresses.length; i++) {
            final int address = addresses[i];
            final int actual = table.lookup(address);
            if (expected[i] != actual) {
                assertEquals(expected[i], actual, "address=" + Ipv4Address.format(address) + " seed=" + seed);
            }
            if (NO_ROUTE != actual && !hit[actual]) {
                hit[actual] = true;
                distinct++;
            }
        }
        // The comparison means little unless it reaches routes of every length: most routes must be the answer once.
        assertTrue(distinct > set.size() / 2, "distinct next hops hit=" + distinct);
    }

    @Test
    void shouldGiveSameResultsInBulkAsSingly() {
        final SplittableRandom random = new SplittableRandom(0x5EED_0002L);
        final RouteSet set = randomRoutes(random, 20_000);
        final RouteTable table = algorithm.build(set);
        final int[] addresses = randomAddresses(random, set, 100_000);
        final int[] bulk = new int[addresses.length + 1];
        bulk[addresses.length] = 42;
        table.lookupBulk(addresses, bulk, addresses.length);
        for (int i = 0; i < addresses.length; i++) {
            assertEquals(table.lookup(addresses[i]), bulk[i], Ipv4Address.format(addresses[i]));
        }
        assertEquals(42, bulk[addresses.length], "wrote past count");

        final int[] partial = new int[64];
        Arrays.fill(partial, 7);
        table.lookupBulk(addresses, partial, 32);
        for (int i = 32; i < partial.length; i++) {
            assertEquals(7, partial[i], "wrote past count");
        }
        table.lookupBulk(addresses, partial, 0);
    }

    @Test
    void shouldGiveSameResultsToConcurrentReaders() throws Exception {
        final SplittableRandom random = new SplittableRandom(0x5EED_0003L);
        final RouteSet set = randomRoutes(random, 20_000);
        final RouteTable table = algorithm.build(set);
        final int[] addresses = randomAddresses(random, set, 200_000);
        final int[] expected = new int[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            expected[i] = table.lookup(addresses[i]);
        }
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            final List<Future<int[]>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                final Callable<int[]> reader = () -> {
                    final int[] out = new int[addresses.length];
                    table.lookupBulk(addresses, out, addresses.length);
                    return out;
                };
                results.add(pool.submit(reader));
            }
            for (final Future<int[]> result : results) {
                assertArrayEquals(expected, result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Longest match by looking at every route; the mask arithmetic is written out, independent of the API. */
    static int linearScan(final int[] prefixes, final int[] lengths, final int[] hops, final int address) {
        int bestLength = -1;
        int best = NO_ROUTE;
        for (int i = 0; i < prefixes.length; i++) {
            final int length = lengths[i];
            if (length > bestLength && (0 == length || ((address ^ prefixes[i]) >>> (32 - length)) == 0)) {
                bestLength = length;
                best = hops[i];
            }
        }
        return best;
    }

    /**
     * The same brute force with the loops swapped: for every route, every address it contains takes the route if
     * it is longer than the best so far. A binary search over the sorted addresses finds the contained ones.
     */
    static int[] sweep(final int[] prefixes, final int[] lengths, final int[] hops, final int[] addresses) {
        final int n = addresses.length;
        final long[] keyed = new long[n];
        for (int i = 0; i < n; i++) {
            // Flipping the sign bit makes the signed sort order the unsigned address order; the index rides below.
            keyed[i] = ((long) (addresses[i] ^ Integer.MIN_VALUE) << 32) | i;
        }
        Arrays.sort(keyed);
        final long[] sorted = new long[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = ((int) (keyed[i] >> 32) ^ Integer.MIN_VALUE) & 0xFFFF_FFFFL;
        }
        final int[] bestLength = new int[n];
        final int[] best = new int[n];
        Arrays.fill(bestLength, -1);
        Arrays.fill(best, NO_ROUTE);
        for (int r = 0; r < prefixes.length; r++) {
            final int length = lengths[r];
            final long low = prefixes[r] & 0xFFFF_FFFFL;
            final long high = low + (1L << (32 - length)) - 1;
            int j = lowerBound(sorted, low);
            for (; j < n && sorted[j] <= high; j++) {
                if (length > bestLength[j]) {
                    bestLength[j] = length;
                    best[j] = hops[r];
                }
            }
        }
        final int[] result = new int[n];
        for (int j = 0; j < n; j++) {
            result[(int) keyed[j]] = best[j];
        }
        return result;
    }

    private static int lowerBound(final long[] sorted, final long key) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            final int mid = (low + high) >>> 1;
            if (sorted[mid] < key) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /**
     * {@code count} distinct random routes, each with its own next hop so that a wrong match cannot hide behind a
     * shared one. Half the lengths are uniform over 0..32 (many nested short prefixes), half over 16..24.
     */
    static RouteSet randomRoutes(final SplittableRandom random, final int count) {
        final RouteSet.Builder builder = RouteSet.builder();
        while (builder.size() < count) {
            final int length = random.nextBoolean() ? random.nextInt(33) : 16 + random.nextInt(9);
            final int prefix = random.nextInt() & mask(length);
            if (!builder.contains(prefix, length)) {
                builder.add(prefix, length, builder.nextHop(NextHop.Kind.GATEWAY, builder.size(), null));
            }
        }
        return builder.build();
    }

    /**
     * Half uniform; the other half relative to a random route: its first address, its last, one just outside it, or
     * (20% of all) a random address inside it.
     */
    static int[] randomAddresses(final SplittableRandom random, final RouteSet set, final int count) {
        final List<Route> routes = set.routes();
        final int[] addresses = new int[count];
        for (int i = 0; i < count; i++) {
            final int pick = random.nextInt(10);
            if (pick < 5 || routes.isEmpty()) {
                addresses[i] = random.nextInt();
                continue;
            }
            final Route route = routes.get(random.nextInt(routes.size()));
            final int host = ~mask(route.length());
            addresses[i] = switch (pick) {
                case 5 -> route.prefix();
                case 6 -> route.prefix() | host;
                case 7 -> random.nextBoolean() ? route.prefix() - 1 : (route.prefix() | host) + 1;
                default -> route.prefix() | (random.nextInt() & host);
            };
        }
        return addresses;
    }

    private static int mask(final int length) {
        return 0 == length ? 0 : -1 << (32 - length);
    }

    private static int ip(final String text) {
        return Ipv4Address.parse(text);
    }

    /** A small route set with one gateway per route: {@link #add} returns the next-hop id to expect. */
    private static final class Routes {
        private final RouteSet.Builder builder = RouteSet.builder();

        int add(final String prefix, final int length) {
            final int id = builder.nextHop(NextHop.Kind.GATEWAY, builder.size() + 1, null);
            builder.add(ip(prefix), length, id);
            return id;
        }

        RouteSet build() {
            return builder.build();
        }
    }
}
