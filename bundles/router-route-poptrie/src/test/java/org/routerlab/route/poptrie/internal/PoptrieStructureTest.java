package org.routerlab.route.poptrie.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.route.NextHop;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;
import org.routerlab.testkit.route.LpmOracle;
import org.routerlab.testkit.route.RouteFixtures;
import org.routerlab.testkit.route.RouteTableAssertions;

/** The shape of what the builder emits: nodes only where needed, inline and overflowing leaves, the memory target. */
class PoptrieStructureTest {
    private static final long TOP_AND_BASE = 2 * 16 + (1 << 18) + 4 * (1 << 12);

    @Test
    void shouldNeedNoNodeForRoutesUpTo18Bits() {
        final RouteSet.Builder builder = RouteSet.builder();
        builder.add(0, 0, builder.nextHop(NextHop.Kind.GATEWAY, 1, null));
        builder.add(Ipv4Address.parse("10.0.0.0"), 8, builder.nextHop(NextHop.Kind.GATEWAY, 2, null));
        builder.add(Ipv4Address.parse("10.64.0.0"), 18, builder.nextHop(NextHop.Kind.GATEWAY, 3, null));
        try (PoptrieTable table = (PoptrieTable) PoptrieBuilder.build(builder.build())) {
            assertEquals(0, table.topNodeCount());
            assertEquals(1, table.lineCount(), "only the padding line");
            assertEquals(TOP_AND_BASE + 64, table.memoryBytes());
        }
    }

    @Test
    void shouldEmitOneLinePerStride() {
        final RouteSet.Builder builder = RouteSet.builder();
        final int a = builder.nextHop(NextHop.Kind.GATEWAY, 1, null);
        final int b = builder.nextHop(NextHop.Kind.GATEWAY, 2, null);
        // A /24 inside a /16 and a host route inside the /24: nodes at depth 18 and 24 and 30.
        builder.add(Ipv4Address.parse("192.168.0.0"), 16, a);
        builder.add(Ipv4Address.parse("192.168.1.0"), 24, b);
        builder.add(Ipv4Address.parse("192.168.1.7"), 32, a);
        try (PoptrieTable table = (PoptrieTable) PoptrieBuilder.build(builder.build())) {
            assertEquals(1, table.topNodeCount());
            assertEquals(1 + 3, table.lineCount(), "padding and three nodes");
            assertEquals(a, table.lookup(Ipv4Address.parse("192.168.1.7")));
            assertEquals(b, table.lookup(Ipv4Address.parse("192.168.1.6")));
            assertEquals(b, table.lookup(Ipv4Address.parse("192.168.1.8")));
            assertEquals(a, table.lookup(Ipv4Address.parse("192.168.2.0")));
            assertEquals(RouteTable.NO_ROUTE, table.lookup(Ipv4Address.parse("192.169.0.0")));
        }
    }

    @Test
    void shouldGiveA18WithANextHopAbove126ANodeOfItsOwn() {
        final RouteSet.Builder builder = RouteSet.builder();
        for (int i = 0; i < 200; i++) {
            builder.nextHop(NextHop.Kind.GATEWAY, i + 1, null);
        }
        builder.add(Ipv4Address.parse("10.0.0.0"), 8, 126);
        builder.add(Ipv4Address.parse("11.0.0.0"), 17, 127);
        builder.add(Ipv4Address.parse("12.0.0.0"), 18, 199);
        try (PoptrieTable table = (PoptrieTable) PoptrieBuilder.build(builder.build())) {
            assertEquals(2 + 1, table.topNodeCount(), "two /18 under the /17, one /18");
            assertEquals(1 + 3, table.lineCount());
            assertEquals(126, table.lookup(Ipv4Address.parse("10.1.2.3")));
            assertEquals(127, table.lookup(Ipv4Address.parse("11.0.127.255")));
            assertEquals(RouteTable.NO_ROUTE, table.lookup(Ipv4Address.parse("11.0.128.0")));
            assertEquals(199, table.lookup(Ipv4Address.parse("12.0.63.255")));
            assertEquals(RouteTable.NO_ROUTE, table.lookup(Ipv4Address.parse("12.0.64.0")));
        }
    }

    @Test
    void shouldPutLeavesThatDoNotFitInlineAfterTheChildren() {
        // 64 /24s in one /18 with alternating next hops (64 leaf runs), one of them with a /32 inside (a child):
        // 44 inline leaves narrow, 11 wide, the rest after the child line.
        final RouteSet.Builder builder = RouteSet.builder();
        final int a = builder.nextHop(NextHop.Kind.GATEWAY, 1, null);
        final int b = builder.nextHop(NextHop.Kind.GATEWAY, 2, null);
        final int c = builder.nextHop(NextHop.Kind.GATEWAY, 3, null);
        final int block = Ipv4Address.parse("172.16.64.0");
        for (int i = 0; i < 64; i++) {
            builder.add(block + (i << 8), 24, 0 == (i & 1) ? a : b);
        }
        builder.add(block + (50 << 8) + 9, 32, c);
        final RouteSet set = builder.build();
        final LpmOracle oracle = LpmOracle.of(set);
        final int[] addresses = new int[3 * 16_384];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = block - 16_384 + i;
        }
        for (final boolean wide : new boolean[] {false, true}) {
            try (PoptrieTable table = (PoptrieTable) PoptrieBuilder.build(set, wide)) {
                // padding, the /18 node, its child (.50.0/24) and grandchild (.50.8/30), then the overflow of the
                // 62 runs (a run continues across the child): 18 bytes narrow, 51 ints wide.
                assertEquals(1 + 1 + 1 + 1 + (wide ? 4 : 1), table.lineCount(), table.toString());
                assertEquals(c, table.lookup(block + (50 << 8) + 9));
                RouteTableAssertions.assertMatchesOracle(table, oracle, set, addresses, wide ? "wide" : "narrow");
            }
        }
    }

    @Test
    void shouldFitTheFullInternetTableInUnder16MiB() throws Exception {
        final RouteSet set = RouteFixtures.fullTable();
        Assumptions.assumeTrue(set != null, RouteFixtures::fullTableMissing);
        try (RouteTable table = PoptrieBuilder.build(set)) {
            assertTrue(table instanceof PoptrieNarrowTable, table.toString());
            assertTrue(table.memoryBytes() < 16L << 20, table.toString());
            System.out.println("full table: " + table);
        }
    }
}
