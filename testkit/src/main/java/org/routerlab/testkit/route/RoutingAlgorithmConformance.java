package org.routerlab.testkit.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.routerlab.testkit.route.RouteTableAssertions.assertAnswers;
import static org.routerlab.testkit.route.RouteTableAssertions.assertMatchesOracle;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.route.NextHop;
import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;
import org.routerlab.api.route.RoutingAlgorithm;
import org.routerlab.testkit.route.RouteFixtures.Shape;

/**
 * The conformance suite of the {@link RoutingAlgorithm} contract. A routing plug-in (ours or a third party's) runs
 * it by extending this class in its own test sources:
 * <pre>
 * class MyAlgorithmConformanceTest extends RoutingAlgorithmConformance {
 *     &#64;Override
 *     protected RoutingAlgorithm algorithm() {
 *         return new MyAlgorithm();
 *     }
 * }
 * </pre>
 * Every answer is compared with {@link LpmOracle}, the testkit's own longest-prefix match (sorted elementary
 * intervals and a binary search, no trie), both through {@link RouteTable#lookup} and {@link RouteTable#lookupBulk}.
 * Covered: the empty table; {@code /0}, {@code /32}, {@code 0.0.0.0} and {@code 255.255.255.255}; overlapping
 * prefixes of every length on one path; every prefix's first and last address and their neighbours on random
 * tables of three shapes; a million random addresses on a 100,000-route table; bulk lookups of every burst size
 * 1..256; concurrent readers; {@link RoutingAlgorithm#update} sequences (random add and withdraw batches,
 * withdrawals that expose a shorter prefix) against fresh builds, the old table unchanged and still usable, the new
 * one independent of the old one's {@link RouteTable#close}; {@code close()} idempotent; {@code memoryBytes() > 0};
 * no allocation per lookup; and the full Internet table from {@code shared/data/} (skipped with a message when the
 * file is absent): three million random addresses, every prefix's first and last address and their neighbours, and
 * two update batches of 2,000 withdrawals and 2,000 additions. About 10–30 s per algorithm on a 2-core machine, most
 * of it the full table (parsing it alone takes 3–5 s, once per JVM).
 *
 * <p>Every table the suite builds is closed after the test (or as soon as the test is done with it); a table must
 * therefore tolerate {@code close()} being called more than once.
 */
public abstract class RoutingAlgorithmConformance {
    /** Seeds are fixed so that a failure is reproducible; each test derives its own. */
    private static final long SEED = 0x5EED_C0DEL;

    private final Set<RouteTable> open = Collections.newSetFromMap(new IdentityHashMap<>());

    /** A fresh instance of the algorithm under test, as its DS component would be (no activation needed). */
    protected abstract RoutingAlgorithm algorithm();

    /** Builds {@code set} with the algorithm under test; the suite closes the table after the test. */
    protected final RouteTable build(final RouteSet set) {
        final RouteTable table = algorithm().build(set);
        assertNotNull(table, "build returned null");
        open.add(table);
        return table;
    }

    private RouteTable update(final RoutingAlgorithm algorithm, final RouteTable current, final RouteSet updated) {
        final RouteTable table = algorithm.update(current, updated);
        assertNotNull(table, "update returned null");
        open.add(table);
        return table;
    }

    private void retire(final RouteTable table) {
        table.close();
        open.remove(table);
    }

    @AfterEach
    final void closeTables() {
        for (final RouteTable table : open) {
            table.close();
        }
        open.clear();
    }

    // ---------------------------------------------------------------------------------------------- basic contract

    @Test
    void shouldHaveANameAndKeepTheRouteSet() {
        final RoutingAlgorithm algorithm = algorithm();
        assertNotNull(algorithm.name(), "name");
        assertFalse(algorithm.name().isBlank(), "name is blank");
        assertNotNull(algorithm.description(), "description");
        final RouteSet set = new Routes().add("10.0.0.0", 8).add("10.1.2.0", 24).build();
        assertSame(set, build(set).routes(), "routes() must be the set the table was built from");
    }

    @Test
    void shouldReturnNoRouteForTheEmptyTable() {
        final RouteTable table = build(RouteSet.empty());
        final int[] addresses = concat(extremes(), RouteFixtures.uniformAddresses(random(1), 10_000));
        assertAnswers(table, addresses, filled(addresses.length, RouteTable.NO_ROUTE), "empty table");
        assertEquals(0, table.routes().size(), "routes() of the empty table");
    }

    @Test
    void shouldMatchEveryAddressWithOnlyADefaultRoute() {
        final Routes r = new Routes();
        r.add("0.0.0.0", 0);
        final RouteTable table = build(r.build());
        final int[] addresses = concat(extremes(), RouteFixtures.uniformAddresses(random(2), 10_000));
        assertAnswers(table, addresses, filled(addresses.length, r.id(0)), "default route only");
    }

    @Test
    void shouldMatchHostRoutesAtBothEndsOfTheAddressSpaceAndNothingNextToThem() {
        final Routes r = new Routes().add("0.0.0.0", 32).add("255.255.255.255", 32).add("127.255.255.255", 32)
                .add("128.0.0.0", 32).add("192.0.2.7", 32).add("10.0.0.255", 32).add("10.0.1.0", 32);
        final RouteSet hosts = r.build();
        checkAgainstOracle(build(hosts), hosts, concat(extremes(), RouteFixtures.boundaryAddresses(hosts.routes())),
                "host routes");
        final RouteTable table = build(hosts);
        assertEquals(r.id(0), table.lookup(0), "0.0.0.0/32");
        assertEquals(r.id(1), table.lookup(-1), "255.255.255.255/32");
        assertEquals(RouteTable.NO_ROUTE, table.lookup(1), "0.0.0.1");
        assertEquals(RouteTable.NO_ROUTE, table.lookup(-2), "255.255.255.254");
        assertEquals(RouteTable.NO_ROUTE, table.lookup(ip("192.0.2.6")), "192.0.2.6");
        assertEquals(RouteTable.NO_ROUTE, table.lookup(ip("192.0.2.8")), "192.0.2.8");

        r.add("0.0.0.0", 0);
        final RouteSet withDefault = r.build();
        final RouteTable both = build(withDefault);
        checkAgainstOracle(both, withDefault, concat(extremes(),
                RouteFixtures.boundaryAddresses(withDefault.routes())), "host routes and a default route");
        assertEquals(r.id(7), both.lookup(ip("192.0.2.8")), "default next to a host route");
    }

    @Test
    void shouldPreferTheMoreSpecificPrefixAndStillMatchTheLessSpecificOutsideIt() {
        final Routes r = new Routes().add("0.0.0.0", 0).add("10.0.0.0", 8).add("10.1.0.0", 16).add("10.1.2.0", 24)
                .add("10.1.2.3", 32).add("10.1.2.128", 25).add("128.0.0.0", 1).add("192.168.0.0", 16);
        final RouteTable table = build(r.build());
        assertEquals(r.id(4), table.lookup(ip("10.1.2.3")));
        assertEquals(r.id(3), table.lookup(ip("10.1.2.4")));
        assertEquals(r.id(3), table.lookup(ip("10.1.2.0")));
        assertEquals(r.id(3), table.lookup(ip("10.1.2.127")));
        assertEquals(r.id(5), table.lookup(ip("10.1.2.128")));
        assertEquals(r.id(5), table.lookup(ip("10.1.2.255")));
        assertEquals(r.id(2), table.lookup(ip("10.1.3.0")));
        assertEquals(r.id(2), table.lookup(ip("10.1.1.255")));
        assertEquals(r.id(1), table.lookup(ip("10.2.0.0")));
        assertEquals(r.id(1), table.lookup(ip("10.255.255.255")));
        assertEquals(r.id(0), table.lookup(ip("11.0.0.0")));
        assertEquals(r.id(0), table.lookup(ip("9.255.255.255")));
        assertEquals(r.id(6), table.lookup(ip("128.0.0.0")));
        assertEquals(r.id(7), table.lookup(ip("192.168.255.255")));
        assertEquals(r.id(6), table.lookup(ip("255.255.255.255")));
        assertEquals(r.id(0), table.lookup(ip("127.255.255.255")));
        checkAgainstOracle(table, r.build(), RouteFixtures.boundaryAddresses(r.build().routes()), "nested prefixes");
    }

    @Test
    void shouldMatchAChainOfPrefixesOfEveryLengthOnOnePath() {
        final SplittableRandom random = random(3);
        for (int round = 0; round < 8; round++) {
            // Every length 0..32 on the path to one address (all-zero and all-one paths included).
            final int target = round == 0 ? 0 : round == 1 ? -1 : random.nextInt();
            final Routes r = new Routes();
            for (int length = 0; length <= 32; length++) {
                r.add(target & Ipv4Address.mask(length), length);
            }
            final RouteSet set = r.build();
            final RouteTable table = build(set);
            // Flipping bit k of the target leaves the routes of length <= 31 - k: the /(31-k) is the answer.
            final int[] addresses = new int[33];
            final int[] expected = new int[33];
            addresses[0] = target;
            expected[0] = r.id(32);
            for (int k = 0; k < 32; k++) {
                addresses[k + 1] = target ^ (1 << k);
                expected[k + 1] = r.id(31 - k);
            }
            assertAnswers(table, addresses, expected, "chain of every length to " + Ipv4Address.format(target));
            checkAgainstOracle(table, set, RouteFixtures.boundaryAddresses(set.routes()), "chain boundaries");
            retire(table);

            // Without one length, its addresses fall to the next shorter one.
            final int missing = random.nextInt(33);
            final Routes without = new Routes();
            for (int length = 0; length <= 32; length++) {
                if (length != missing) {
                    without.add(target & Ipv4Address.mask(length), length);
                }
            }
            final RouteSet holed = without.build();
            final RouteTable holedTable = build(holed);
            checkAgainstOracle(holedTable, holed, concat(addresses, RouteFixtures.boundaryAddresses(set.routes())),
                    "chain without /" + missing);
            retire(holedTable);
        }
    }

    @Test
    void shouldMatchDenseBlocksOfLongPrefixes() {
        // Every /25../32 of one /24 (and of the /24 before it) plus covering /16 and /24: the deepest levels full.
        final Routes r = new Routes().add("10.20.0.0", 16).add("10.20.30.0", 24);
        for (int length = 25; length <= 32; length++) {
            final int step = 1 << (32 - length);
            for (int host = 0; host < 256; host += step * 3) {
                r.add(ip("10.20.30.0") + host, length);
                r.add(ip("10.20.29.0") + host, length);
            }
        }
        for (int third = 0; third < 256; third += 2) {
            r.add(ip("10.21.0.0") + (third << 8), 24);
        }
        final RouteSet set = r.build();
        final RouteTable table = build(set);
        final int[] all = new int[3 * 256 + 2 * 65_536];
        int i = 0;
        for (int host = 0; host < 3 * 256; host++) {
            all[i++] = ip("10.20.29.0") + host - 256;
        }
        for (int host = 0; host < 2 * 65_536; host++) {
            all[i++] = ip("10.21.0.0") + host - 32_768;
        }
        checkAgainstOracle(table, set, concat(all, RouteFixtures.boundaryAddresses(set.routes())), "dense blocks");
    }

    // ------------------------------------------------------------------------------------------- random tables

    @Test
    void shouldMatchTheOracleAtEveryPrefixBoundaryOfRandomTables() {
        final SplittableRandom random = random(4);
        final Object[][] cases = {
                {Shape.MIXED, 20_000, 0}, {Shape.INTERNET_LIKE, 50_000, 16}, {Shape.DEEP, 20_000, 0},
                {Shape.DEEP, 5_000, 3}, {Shape.MIXED, 300, 0}};
        for (final Object[] c : cases) {
            final Shape shape = (Shape) c[0];
            final int count = (Integer) c[1];
            final RouteSet set = RouteFixtures.randomRoutes(random, count, shape, (Integer) c[2]);
            final RouteTable table = build(set);
            final int[] addresses = concat(RouteFixtures.boundaryAddresses(set.routes()),
                    RouteFixtures.mixedAddresses(random, set, 50_000));
            checkAgainstOracle(table, set, addresses, shape + " table of " + count + " routes, " + c[2] + " hops");
            retire(table);
        }
    }

    @Test
    void shouldMatchTheOracleForOneMillionRandomAddressesOnAHundredThousandRoutes() {
        final SplittableRandom random = random(5);
        final RouteSet set = RouteFixtures.randomRoutes(random, 100_000, Shape.MIXED, 0);
        final RouteTable table = build(set);
        final int[] addresses = RouteFixtures.mixedAddresses(random, set, 1_000_000);
        final LpmOracle oracle = LpmOracle.of(set);
        assertMatchesOracle(table, oracle, set, addresses, "100,000 random routes");
        // Meaningful only if most routes were the answer at least once.
        final boolean[] hit = new boolean[set.nextHops().size()];
        int distinct = 0;
        for (final int address : addresses) {
            final int hop = oracle.lookup(address);
            if (RouteTable.NO_ROUTE != hop && !hit[hop]) {
                hit[hop] = true;
                distinct++;
            }
        }
        assertTrue(distinct > set.size() / 2, "distinct next hops hit=" + distinct);
    }

    // ------------------------------------------------------------------------------------------------ bulk

    @Test
    void shouldGiveTheSameAnswersInBulkForEveryBurstSize() {
        final SplittableRandom random = random(6);
        final RouteSet set = RouteFixtures.randomRoutes(random, 20_000, Shape.MIXED, 0);
        final RouteTable table = build(set);
        for (int count = 0; count <= 256; count++) {
            // Arrays exactly as long as the burst: a bulk lookup must not touch anything past count.
            final int[] addresses = RouteFixtures.mixedAddresses(random, set, count);
            final int[] hops = new int[count];
            table.lookupBulk(addresses, hops, count);
            for (int i = 0; i < count; i++) {
                assertEquals(table.lookup(addresses[i]), hops[i],
                        "burst of " + count + ", index " + i + ": " + Ipv4Address.format(addresses[i]));
            }
            // Longer arrays: nothing at or past count may be written.
            final int[] longer = Arrays.copyOf(addresses, count + 64);
            final int[] out = filled(count + 64, 0x7E57_7E57);
            table.lookupBulk(longer, out, count);
            assertArrayEquals(hops, Arrays.copyOf(out, count), "burst of " + count + " in a longer array");
            for (int i = count; i < out.length; i++) {
                assertEquals(0x7E57_7E57, out[i], "lookupBulk(count=" + count + ") wrote nextHops[" + i + "]");
            }
        }
    }

    @Test
    void shouldGiveTheSameAnswersToConcurrentReaders() throws Exception {
        final SplittableRandom random = random(7);
        final RouteSet set = RouteFixtures.randomRoutes(random, 50_000, Shape.INTERNET_LIKE, 0);
        final RouteTable table = build(set);
        final int[] addresses = RouteFixtures.mixedAddresses(random, set, 200_000);
        final LpmOracle oracle = LpmOracle.of(set);
        final int[] expected = new int[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            expected[i] = oracle.lookup(addresses[i]);
        }
        final int readers = 4;
        final ExecutorService pool = Executors.newFixedThreadPool(readers);
        try {
            final CountDownLatch start = new CountDownLatch(1);
            final List<Future<int[]>> results = new ArrayList<>();
            for (int t = 0; t < readers; t++) {
                final boolean bulk = t % 2 == 0;
                final Callable<int[]> reader = () -> {
                    start.await();
                    final int[] out = new int[addresses.length];
                    for (int pass = 0; pass < 3; pass++) {
                        if (bulk) {
                            for (int i = 0; i < addresses.length; i += 64) {
                                final int n = Math.min(64, addresses.length - i);
                                final int[] in = Arrays.copyOfRange(addresses, i, i + n);
                                final int[] hops = new int[n];
                                table.lookupBulk(in, hops, n);
                                System.arraycopy(hops, 0, out, i, n);
                            }
                        } else {
                            for (int i = 0; i < addresses.length; i++) {
                                out[i] = table.lookup(addresses[i]);
                            }
                        }
                    }
                    return out;
                };
                results.add(pool.submit(reader));
            }
            start.countDown();
            for (final Future<int[]> result : results) {
                assertArrayEquals(expected, result.get(60, TimeUnit.SECONDS), "a concurrent reader disagrees");
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "readers did not stop");
        }
    }

    @Test
    void shouldNotAllocatePerLookup() {
        Assumptions.assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "allocation test skipped: no com.sun.management.ThreadMXBean in this JVM");
        final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "allocation test skipped: thread allocation accounting is off");
        final SplittableRandom random = random(8);
        final RouteSet set = RouteFixtures.randomRoutes(random, 20_000, Shape.MIXED, 0);
        final RouteTable table = build(set);
        final int[] addresses = RouteFixtures.mixedAddresses(random, set, 64);
        final int[] hops = new int[64];
        int sink = 0;
        for (int i = 0; i < 20_000; i++) {
            table.lookupBulk(addresses, hops, 64);
            sink += table.lookup(addresses[i & 63]);
        }
        final long thread = Thread.currentThread().threadId();
        final long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 20_000; i++) {
            table.lookupBulk(addresses, hops, 64);
            sink += table.lookup(addresses[i & 63]);
        }
        final long allocated = threads.getThreadAllocatedBytes(thread) - before;
        // 1,300,000 lookups: one small object each would be > 10 MB. Allow for the measurement's own noise.
        assertTrue(allocated < 64 * 1024,
                "allocated " + allocated + " bytes over 1,300,000 lookups (sink " + sink + ")");
    }

    // ------------------------------------------------------------------------------------------------ updates

    @Test
    void shouldExposeTheShorterPrefixWhenALongerOneIsWithdrawn() {
        final RoutingAlgorithm algorithm = algorithm();
        final Routes r = new Routes().add("0.0.0.0", 0).add("10.0.0.0", 8).add("10.1.0.0", 16).add("10.1.2.0", 24)
                .add("10.1.2.0", 25).add("10.1.2.3", 32).add("10.1.2.2", 31);
        RouteSet set = r.build();
        RouteTable table = build(set);
        final int[] probes = concat(extremes(), RouteFixtures.boundaryAddresses(set.routes()));
        final int[] order = {5, 6, 4, 3, 2, 1, 0};
        for (final int withdraw : order) {
            final Route route = r.route(withdraw);
            final RouteSet next = RouteFixtures.edit(set, List.of(route), List.of());
            final RouteTable updated = update(algorithm, table, next);
            checkAgainstOracle(updated, next, probes, "after withdrawing " + route);
            checkAgainstOracle(table, set, probes, "old table after withdrawing " + route);
            retire(table);
            checkAgainstOracle(updated, next, probes, "after withdrawing " + route + " and closing the old table");
            set = next;
            table = updated;
        }
        assertAnswers(table, probes, filled(probes.length, RouteTable.NO_ROUTE), "every route withdrawn");
        // And back: add them again, longest first, so every addition hides part of a shorter one.
        for (int k = order.length - 1; k >= 0; k--) {
            final Route route = r.route(order[k]);
            final RouteSet next = RouteFixtures.edit(set, List.of(), List.of(route));
            final RouteTable updated = update(algorithm, table, next);
            checkAgainstOracle(updated, next, probes, "after adding " + route);
            retire(table);
            set = next;
            table = updated;
        }
    }

    @Test
    void shouldMatchAFreshBuildAfterRandomUpdateSequences() {
        final SplittableRandom random = random(9);
        for (final Shape shape : new Shape[] {Shape.MIXED, Shape.DEEP, Shape.INTERNET_LIKE}) {
            final RoutingAlgorithm algorithm = algorithm();
            RouteSet set = RouteFixtures.randomRoutes(random, 10_000, shape, shape == Shape.INTERNET_LIKE ? 16 : 0);
            RouteTable table = build(set);
            for (int batch = 0; batch < 12; batch++) {
                final int size = batch % 4 == 3 ? 2_000 : 1 + random.nextInt(100);
                final List<List<Route>> edit = RouteFixtures.randomBatch(random, set, size, size);
                final RouteSet next = RouteFixtures.edit(set, edit.get(0), edit.get(1));
                final int[] probes = concat(RouteFixtures.boundaryAddresses(edit.get(0)),
                        RouteFixtures.boundaryAddresses(edit.get(1)),
                        RouteFixtures.mixedAddresses(random, next, 5_000));
                final int[] before = lookupAll(table, probes);

                final RouteTable updated = update(algorithm, table, next);
                assertSame(next, updated.routes(), "routes() after update");
                final String context = shape + " batch " + batch + " (-" + edit.get(0).size() + " +"
                        + edit.get(1).size() + ")";
                checkAgainstOracle(updated, next, probes, context);
                final RouteTable fresh = build(next);
                assertAnswers(fresh, probes, lookupAll(updated, probes), context + ": fresh build vs update");
                retire(fresh);
                assertAnswers(table, probes, before, context + ": the old table changed");
                retire(table);
                checkAgainstOracle(updated, next, probes, context + ", old table closed");
                set = next;
                table = updated;
            }
        }
    }

    @Test
    void shouldCloseIdempotentlyAndReportMemory() {
        final RouteTable empty = build(RouteSet.empty());
        assertTrue(empty.memoryBytes() > 0, "memoryBytes of the empty table=" + empty.memoryBytes());
        final RouteSet set = RouteFixtures.randomRoutes(random(10), 10_000, Shape.MIXED, 0);
        final RouteTable table = build(set);
        assertTrue(table.memoryBytes() > 0, "memoryBytes=" + table.memoryBytes());
        table.close();
        table.close();
        empty.close();
        empty.close();
        // A table for another set is unaffected by closing these.
        final RouteTable other = build(set);
        checkAgainstOracle(other, set, RouteFixtures.mixedAddresses(random(11), set, 10_000), "after closing others");
    }

    // ------------------------------------------------------------------------------------------ full table

    @Test
    void shouldMatchTheOracleOnTheFullInternetTable() throws Exception {
        // As the router loads it: bare prefixes spread over 16 gateways by the parser.
        final RouteSet set = fullTable();
        final RouteTable table = build(set);
        assertTrue(table.memoryBytes() > 0, "memoryBytes");
        final LpmOracle oracle = LpmOracle.of(set);
        final SplittableRandom random = random(12);
        final int routed = assertMatchesOracle(table, oracle, set, RouteFixtures.uniformAddresses(random, 2_000_000),
                "full table, 2,000,000 uniform addresses");
        // Without a default route a full table leaves much of the space unrouted: both outcomes must occur.
        assertTrue(routed > 100_000 && routed < 1_900_000, "routed=" + routed);
        assertMatchesOracle(table, oracle, set, RouteFixtures.mixedAddresses(random, set, 1_000_000),
                "full table, 1,000,000 addresses on and around its prefixes");
    }

    @Test
    void shouldMatchTheOracleAtEveryPrefixBoundaryOfTheFullInternetTableAndAfterUpdates() throws Exception {
        // 4,096 next hops by a hash of the prefix: a wrong (enclosing) match is almost always a different next hop.
        RouteSet set = RouteFixtures.rehashed(fullTable(), 4_096);
        final RoutingAlgorithm algorithm = algorithm();
        RouteTable table = build(set);
        final SplittableRandom random = random(13);
        assertMatchesOracle(table, LpmOracle.of(set), set, RouteFixtures.boundaryAddresses(set.routes()),
                "full table with 4,096 next hops, every prefix's first and last address and their neighbours");
        for (int batch = 0; batch < 2; batch++) {
            final List<List<Route>> edit = RouteFixtures.randomBatch(random, set, 2_000, 2_000);
            final RouteSet next = RouteFixtures.edit(set, edit.get(0), edit.get(1));
            final RouteTable updated = update(algorithm, table, next);
            retire(table);
            assertMatchesOracle(updated, LpmOracle.of(next), next, concat(RouteFixtures.boundaryAddresses(edit.get(0)),
                    RouteFixtures.boundaryAddresses(edit.get(1)), RouteFixtures.mixedAddresses(random, next, 200_000)),
                    "full table, update batch " + batch + " (-" + edit.get(0).size() + " +" + edit.get(1).size() + ")");
            set = next;
            table = updated;
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static RouteSet fullTable() throws Exception {
        final RouteSet set = RouteFixtures.fullTable();
        Assumptions.assumeTrue(set != null, RouteFixtures::fullTableMissing);
        assertTrue(set.size() > 500_000, "a full table has more than 500,000 IPv4 prefixes: " + set.size());
        return set;
    }

    private static void checkAgainstOracle(final RouteTable table, final RouteSet set, final int[] addresses,
                                           final String context) {
        assertMatchesOracle(table, LpmOracle.of(set), set, addresses, context);
    }

    private static int[] lookupAll(final RouteTable table, final int[] addresses) {
        final int[] hops = new int[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            hops[i] = table.lookup(addresses[i]);
        }
        return hops;
    }

    private static SplittableRandom random(final int test) {
        return new SplittableRandom(SEED * 31 + test);
    }

    /** 0.0.0.0, 255.255.255.255, the middle and the class boundaries with their neighbours. */
    private static int[] extremes() {
        return new int[] {0, 1, -1, -2, Integer.MIN_VALUE, Integer.MIN_VALUE - 1, Integer.MIN_VALUE + 1,
                ip("10.0.0.0"), ip("192.168.1.1"), ip("224.0.0.0"), ip("223.255.255.255")};
    }

    private static int[] filled(final int length, final int value) {
        final int[] array = new int[length];
        Arrays.fill(array, value);
        return array;
    }

    private static int[] concat(final int[]... parts) {
        int length = 0;
        for (final int[] part : parts) {
            length += part.length;
        }
        final int[] all = new int[length];
        int at = 0;
        for (final int[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    private static int ip(final String text) {
        return Ipv4Address.parse(text);
    }

    /** A small route set with one next hop per route; {@link #id} is the next-hop id of the i-th route added. */
    private static final class Routes {
        private final List<Route> routes = new ArrayList<>();

        Routes add(final String prefix, final int length) {
            return add(ip(prefix), length);
        }

        Routes add(final int prefix, final int length) {
            routes.add(new Route(prefix, length, routes.size()));
            return this;
        }

        int id(final int index) {
            return routes.get(index).nextHop();
        }

        Route route(final int index) {
            return routes.get(index);
        }

        RouteSet build() {
            final RouteSet.Builder builder = RouteSet.builder();
            for (int i = 0; i < routes.size(); i++) {
                builder.nextHop(NextHop.Kind.GATEWAY, 0x0A00_0001 + i, null);
            }
            for (final Route route : routes) {
                builder.add(route.prefix(), route.length(), route.nextHop());
            }
            return builder.build();
        }
    }
}
