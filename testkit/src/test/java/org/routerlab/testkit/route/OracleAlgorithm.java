package org.routerlab.testkit.route;

import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;
import org.routerlab.api.route.RoutingAlgorithm;

/** The oracle dressed as an algorithm, so the suite can run against a known-good implementation. */
class OracleAlgorithm implements RoutingAlgorithm {
    @Override
    public String name() {
        return "oracle";
    }

    @Override
    public RouteTable build(final RouteSet routes) {
        final LpmOracle oracle = LpmOracle.of(routes);
        return new RouteTable() {
            @Override
            public int lookup(final int address) {
                return oracle.lookup(address);
            }

            @Override
            public RouteSet routes() {
                return routes;
            }

            @Override
            public long memoryBytes() {
                return 8L * oracle.intervals() + 32;
            }
        };
    }
}
