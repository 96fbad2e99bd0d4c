package org.routerlab.core.internal;

import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

/**
 * The forwarding loop's per-burst call into the routing table, made megamorphic before the loop is compiled
 * ({@link #warmUp()}), for the reason {@link StrategyCalls} gives for strategies: compiled while one table class
 * forwarded, the call was a guarded inline of that class, and the first routing swap to another algorithm
 * deoptimized the loop (JFR: {@code class_check} at {@code lookupBulk} in {@code forward}, five times at the first
 * two swaps of a schedule). One call per burst, so its being a virtual call costs nothing measurable; the tables'
 * own per-address loops are compiled in their {@code lookupBulk}, as before.
 */
final class RoutingCalls {
    private static volatile boolean warm;

    private RoutingCalls() {
    }

    static void lookupBulk(final RouteTable table, final int[] addresses, final int[] nextHops, final int count) {
        table.lookupBulk(addresses, nextHops, count);
    }

    /** Once per class loader, before the first run's clock starts: three classes of table through the call. */
    static void warmUp() {
        if (warm) {
            return;
        }
        final RouteTable[] kinds = {new Idle1(), new Idle2(), new Idle3()};
        final int[] addresses = {0};
        final int[] nextHops = {0};
        int sink = 0;
        for (int i = 0; i < 30_000; i++) {
            lookupBulk(kinds[i % 3], addresses, nextHops, 1);
            sink += nextHops[0];
        }
        warm = sink == 0;
    }

    /** A table that routes nothing, for {@link #warmUp()}; three distinct classes of it. */
    private abstract static class Idle implements RouteTable {
        @Override public int lookup(final int address) { return 0; }
        // Its own loop, not the interface's default one, whose profile the real tables that use it share.
        @Override public void lookupBulk(final int[] addresses, final int[] nextHops, final int count) {
            for (int i = 0; i < count; i++) {
                nextHops[i] = 0;
            }
        }
        @Override public RouteSet routes() { return RouteSet.empty(); }
        @Override public long memoryBytes() { return 0; }
    }

    private static final class Idle1 extends Idle { }

    private static final class Idle2 extends Idle { }

    private static final class Idle3 extends Idle { }
}
