package org.routerlab.shell.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.route.RouteFileException;
import org.routerlab.api.route.RouteFileParser;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;
import org.routerlab.api.route.RoutingAlgorithm;

/**
 * A route table built from a route file alone, for {@code router lookup} and {@code router routes stats}: no ports,
 * so no connected routes are added (a run adds those of its ports), and bare prefixes (a full-table dump is one CIDR
 * per line) are spread by a hash of the prefix over the {@value #BARE_GATEWAY_COUNT} gateways
 * {@code 10.255.0.1 .. 10.255.0.16} ({@link #BARE_GATEWAYS}). The same file always gives the same table.
 *
 * @param file the route file
 * @param algorithm the name of the routing algorithm that built {@code table}
 * @param routes the parsed routes
 * @param table the lookup table; {@link #close} releases it
 * @param parseNanos time to read and parse the file
 * @param buildNanos time to build the table
 * @param skippedIpv6 IPv6 prefixes in the file, skipped
 */
record StandaloneTable(Path file, String algorithm, RouteSet routes, RouteTable table, long parseNanos,
        long buildNanos, int skippedIpv6) implements AutoCloseable {
    static final int BARE_GATEWAY_COUNT = 16;
    /** The gateways of bare prefixes: 10.255.0.1 .. 10.255.0.16. */
    static final List<Integer> BARE_GATEWAYS = bareGateways();

    private static List<Integer> bareGateways() {
        final List<Integer> gateways = new ArrayList<>();
        final int base = Ipv4Address.parse("10.255.0.0");
        for (int i = 1; i <= BARE_GATEWAY_COUNT; i++) {
            gateways.add(base + i);
        }
        return List.copyOf(gateways);
    }

    /**
     * Parses {@code file} (all or nothing) and builds a table with {@code algorithm}.
     *
     * @throws RouteFileException when the file is unreadable or malformed
     */
    static StandaloneTable load(final Path file, final String name, final RoutingAlgorithm algorithm)
            throws RouteFileException {
        final RouteFileParser parser = new RouteFileParser(BARE_GATEWAYS);
        final long t0 = System.nanoTime();
        final RouteSet routes = parser.parse(file);
        final long t1 = System.nanoTime();
        final RouteTable table = algorithm.build(routes);
        final long t2 = System.nanoTime();
        if (table == null) {
            throw new IllegalStateException("routing algorithm " + name + " built no table");
        }
        return new StandaloneTable(file, name, routes, table, t1 - t0, t2 - t1, parser.skippedIpv6());
    }

    /** Releases the table (off-heap memory of some algorithms). */
    @Override
    public void close() {
        table.close();
    }
}
