package org.routerlab.benchmarks;

import java.util.Locale;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;
import org.routerlab.api.route.RoutingAlgorithm;

/**
 * Prints {@link RouteTable#memoryBytes()} of every algorithm on the full Internet table, with its description.
 * {@code java -cp target/benchmarks.jar org.routerlab.benchmarks.MemoryReport [ALGORITHM...]}
 */
public final class MemoryReport {
    private MemoryReport() {
    }

    public static void main(final String[] args) throws Exception {
        final RouteSet set = FullTable.load();
        System.out.printf(Locale.ROOT, "full table: %,d IPv4 routes, %d next hops%n", set.size(),
                set.nextHops().size());
        final String[] names = args.length > 0 ? args : new String[] {"binary-trie", "dir-24-8", "poptrie", "dir-16-8-8"};
        for (final String name : names) {
            final RoutingAlgorithm algorithm = Algorithms.byName(name);
            try (RouteTable table = algorithm.build(set)) {
                System.out.printf(Locale.ROOT, "%-12s %,13d bytes  %8.2f MiB  %s%n", name, table.memoryBytes(),
                        table.memoryBytes() / 1048576.0, table);
            }
        }
    }
}
