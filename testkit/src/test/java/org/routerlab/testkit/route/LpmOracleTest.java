package org.routerlab.testkit.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;
import org.routerlab.testkit.route.RouteFixtures.Shape;

/** The oracle against the literal definition: every route checked for every address. */
class LpmOracleTest {
    @Test
    void shouldAnswerNoRouteEverywhereForNoRoutes() {
        final LpmOracle oracle = LpmOracle.of(RouteSet.empty());
        assertEquals(1, oracle.intervals());
        for (final int address : new int[] {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            assertEquals(RouteTable.NO_ROUTE, oracle.lookup(address));
        }
    }

    @Test
    void shouldCoverTheWholeSpaceWithADefaultRouteAndHostRoutesAtTheEnds() {
        final List<Route> routes = List.of(new Route(0, 0, 7), new Route(0, 32, 1), new Route(-1, 32, 2));
        final LpmOracle oracle = LpmOracle.of(routes);
        assertEquals(1, oracle.lookup(0));
        assertEquals(7, oracle.lookup(1));
        assertEquals(7, oracle.lookup(-2));
        assertEquals(2, oracle.lookup(-1));
        assertEquals(3, oracle.intervals());
    }

    @Test
    void shouldAgreeWithALinearScanOnRandomTablesOfEveryShape() {
        final SplittableRandom random = new SplittableRandom(0x0AC1E);
        for (final Shape shape : Shape.values()) {
            for (final int count : new int[] {1, 2, 10, 1_000}) {
                final RouteSet set = RouteFixtures.randomRoutes(random, count, shape, count % 3);
                final LpmOracle oracle = LpmOracle.of(set);
                final int[] addresses = concat(RouteFixtures.boundaryAddresses(set.routes()),
                        RouteFixtures.mixedAddresses(random, set, 20_000));
                for (final int address : addresses) {
                    assertEquals(linearScan(set.routes(), address), oracle.lookup(address),
                            () -> shape + " " + count + " routes, address " + Ipv4Address.format(address));
                }
            }
        }
    }

    @Test
    void shouldAgreeWithALinearScanOnAChainOfEveryLength() {
        final int target = Ipv4Address.parse("172.16.5.9");
        final RouteSet.Builder builder = RouteSet.builder();
        for (int length = 0; length <= 32; length++) {
            builder.add(target & Ipv4Address.mask(length), length,
                    builder.nextHop(org.routerlab.api.route.NextHop.Kind.GATEWAY, length + 1, null));
        }
        final RouteSet set = builder.build();
        final LpmOracle oracle = LpmOracle.of(set);
        for (final int address : RouteFixtures.boundaryAddresses(set.routes())) {
            assertEquals(linearScan(set.routes(), address), oracle.lookup(address), Ipv4Address.format(address));
        }
        for (int k = 0; k < 32; k++) {
            assertEquals(31 - k, oracle.lookup(target ^ (1 << k)));
        }
    }

    /** The definition: the longest of all routes containing the address. */
    static int linearScan(final List<Route> routes, final int address) {
        int bestLength = -1;
        int best = RouteTable.NO_ROUTE;
        for (final Route route : routes) {
            final int length = route.length();
            if (length > bestLength && (0 == length || ((address ^ route.prefix()) >>> (32 - length)) == 0)) {
                bestLength = length;
                best = route.nextHop();
            }
        }
        return best;
    }

    private static int[] concat(final int[] a, final int[] b) {
        final int[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
