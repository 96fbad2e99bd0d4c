package org.routerlab.benchmarks;

import org.routerlab.api.route.RouteSet;
import org.routerlab.testkit.route.RouteFixtures;

/**
 * The full Internet table from {@code shared/data/} (or {@code -Drouterlab.fullTable=FILE}), parsed as the router
 * does: bare prefixes spread over 16 gateways.
 */
final class FullTable {
    private FullTable() {
    }

    static RouteSet load() throws Exception {
        final RouteSet set = RouteFixtures.fullTable();
        if (set == null) {
            throw new IllegalStateException(RouteFixtures.fullTableMissing()
                    + "; run from inside the repository or pass -jvmArgsAppend -Drouterlab.fullTable=FILE");
        }
        return set;
    }
}
