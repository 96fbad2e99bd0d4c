package org.routerlab.shell.internal;

import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;
import org.routerlab.api.route.RoutingAlgorithm;

/** A tiny real routing algorithm for tests: longest prefix match by scanning every route. */
final class LinearAlgorithm implements RoutingAlgorithm {
    int builds;
    int closes;
    long bulkCalls;

    @Override
    public String name() {
        return "linear";
    }

    @Override
    public RouteTable build(final RouteSet routes) {
        builds++;
        return new RouteTable() {
            @Override
            public int lookup(final int address) {
                return match(routes, address);
            }

            @Override
            public void lookupBulk(final int[] addresses, final int[] nextHops, final int count) {
                bulkCalls++;
                RouteTable.super.lookupBulk(addresses, nextHops, count);
            }

            @Override
            public RouteSet routes() {
                return routes;
            }

            @Override
            public long memoryBytes() {
                return 12L * routes.size();
            }

            @Override
            public void close() {
                closes++;
            }
        };
    }

    static int match(final RouteSet routes, final int address) {
        Route best = null;
        for (final Route r : routes.routes()) {
            if (r.contains(address) && (best == null || r.length() > best.length())) {
                best = r;
            }
        }
        return best == null ? RouteTable.NO_ROUTE : best.nextHop();
    }
}
