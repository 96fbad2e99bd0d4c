package org.routerlab.core.internal;

import java.util.List;
import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;
import org.routerlab.api.route.RoutingAlgorithm;

/** A brute-force longest-prefix match over all routes: slow, obviously right, test-only. */
final class LinearRouting implements RoutingAlgorithm {
    @Override
    public String name() {
        return "linear";
    }

    @Override
    public RouteTable build(final RouteSet routes) {
        final List<Route> list = routes.routes();
        final Route[] array = list.toArray(new Route[0]);
        return new RouteTable() {
            @Override
            public int lookup(final int address) {
                int best = NO_ROUTE;
                int bestLength = -1;
                for (int i = 0; i < array.length; i++) {
                    final Route r = array[i];
                    if (r.length() > bestLength && r.contains(address)) {
                        best = r.nextHop();
                        bestLength = r.length();
                    }
                }
                return best;
            }

            @Override
            public RouteSet routes() {
                return routes;
            }

            @Override
            public long memoryBytes() {
                return list.size() * 12L;
            }
        };
    }
}
