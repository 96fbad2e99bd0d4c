package org.routerlab.testkit.route;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

/**
 * Assertions that compare a {@link RouteTable} with the {@link LpmOracle}, through both {@link RouteTable#lookup}
 * and {@link RouteTable#lookupBulk}. A failure names how many addresses disagree and explains the first few: the
 * address, what the oracle, the single and the bulk lookup said, and every route that contains the address.
 */
public final class RouteTableAssertions {
    private static final int EXPLAINED = 5;

    private RouteTableAssertions() {
    }

    /**
     * Asserts that {@code table} answers every address as {@code oracle} does, singly and in bulk. Bulk lookups
     * use bursts whose size cycles through 1..256 (so every tail length occurs), each call given arrays exactly as
     * long as the burst.
     *
     * @param set the routes, only to explain a failure
     * @param context what is being checked, for the failure message
     * @return the number of addresses that had a route (so callers can check the comparison was meaningful)
     */
    public static int assertMatchesOracle(final RouteTable table, final LpmOracle oracle, final RouteSet set,
                                          final int[] addresses, final String context) {
        final int n = addresses.length;
        final int[] bulk = new int[n];
        lookupInBursts(table, addresses, bulk);
        int mismatches = 0;
        int routed = 0;
        final List<String> explained = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final int address = addresses[i];
            final int expected = oracle.lookup(address);
            final int single = table.lookup(address);
            if (expected != single || expected != bulk[i]) {
                mismatches++;
                if (explained.size() < EXPLAINED) {
                    explained.add(explain(set, address, expected, single, bulk[i]));
                }
            }
            routed += RouteTable.NO_ROUTE == expected ? 0 : 1;
        }
        if (mismatches > 0) {
            fail(context + ": " + mismatches + " of " + n + " addresses disagree with the oracle; first ones:\n  "
                    + String.join("\n  ", explained));
        }
        return routed;
    }

    /** Asserts that {@code table} gives {@code expected[i]} for {@code addresses[i]}, singly and in bulk. */
    public static void assertAnswers(final RouteTable table, final int[] addresses, final int[] expected,
                                     final String context) {
        final int[] bulk = new int[addresses.length];
        lookupInBursts(table, addresses, bulk);
        for (int i = 0; i < addresses.length; i++) {
            final int single = table.lookup(addresses[i]);
            if (expected[i] != single || expected[i] != bulk[i]) {
                fail(context + ": address " + Ipv4Address.format(addresses[i]) + " expected " + expected[i]
                        + ", lookup " + single + ", lookupBulk " + bulk[i]);
            }
        }
    }

    /** {@code table.lookupBulk} over {@code addresses} in bursts of 1, 2, …, 256, 1, 2, … addresses. */
    public static void lookupInBursts(final RouteTable table, final int[] addresses, final int[] out) {
        final int[] in = new int[256];
        final int[] hops = new int[256];
        int burst = 1;
        for (int start = 0; start < addresses.length; ) {
            final int count = Math.min(burst, addresses.length - start);
            final int[] a = count == in.length ? in : new int[count];
            final int[] h = count == hops.length ? hops : new int[count];
            System.arraycopy(addresses, start, a, 0, count);
            table.lookupBulk(a, h, count);
            System.arraycopy(h, 0, out, start, count);
            start += count;
            burst = burst == 256 ? 1 : burst + 1;
        }
    }

    /** One line explaining a disagreement, with every route of {@code set} that contains {@code address}. */
    static String explain(final RouteSet set, final int address, final int expected, final int single,
                          final int bulk) {
        final StringBuilder text = new StringBuilder();
        text.append(Ipv4Address.format(address)).append(": oracle ").append(expected).append(", lookup ")
                .append(single).append(", lookupBulk ").append(bulk).append("; routes containing it: [");
        int shown = 0;
        for (final Route route : set.routes()) {
            if (route.contains(address)) {
                text.append(shown++ == 0 ? "" : ", ").append(route);
            }
        }
        return text.append(']').toString();
    }
}
