package org.routerlab.route.poptrie.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.route.NextHop;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;
import org.routerlab.testkit.route.RouteFixtures;

/** The shape of what the builder emits: nodes only where needed, compressed leaves, the memory target. */
class PoptrieStructureTest {
    @Test
    void shouldNeedNoNodeForRoutesUpTo18Bits() {
        final RouteSet.Builder builder = RouteSet.builder();
        builder.add(0, 0, builder.nextHop(NextHop.Kind.GATEWAY, 1, null));
        builder.add(Ipv4Address.parse("10.0.0.0"), 8, builder.nextHop(NextHop.Kind.GATEWAY, 2, null));
        builder.add(Ipv4Address.parse("10.64.0.0"), 18, builder.nextHop(NextHop.Kind.GATEWAY, 3, null));
        final PoptrieNarrowTable table = (PoptrieNarrowTable) PoptrieBuilder.build(builder.build());
        assertEquals(0, table.nodeCount());
        assertEquals(1, table.leafCount(), "only the padding leaf");
        assertEquals(48 + 4L * (1 << 18) + 8 * 0 + 2 * 1, table.memoryBytes());
    }

    @Test
    void shouldEmitOneNodePerStrideAndCompressEqualNeighbours() {
        final RouteSet.Builder builder = RouteSet.builder();
        final int a = builder.nextHop(NextHop.Kind.GATEWAY, 1, null);
        final int b = builder.nextHop(NextHop.Kind.GATEWAY, 2, null);
        // A /24 inside a /16 and a host route inside the /24: nodes at depth 18 and 24 and 30.
        builder.add(Ipv4Address.parse("192.168.0.0"), 16, a);
        builder.add(Ipv4Address.parse("192.168.1.0"), 24, b);
        builder.add(Ipv4Address.parse("192.168.1.7"), 32, a);
        final PoptrieNarrowTable table = (PoptrieNarrowTable) PoptrieBuilder.build(builder.build());
        assertEquals(3, table.nodeCount());
        // depth 18: a, child (192.168.1.0/24 holds the /32), a → 1 run: a run continues across a child;
        // depth 24: b, child (.4-.7), b → 1 run; depth 30: b, b, b, a (.7 is the last of four) → 2 runs. Padding 1.
        assertEquals(1 + 1 + 1 + 2, table.leafCount());
        assertEquals(a, table.lookup(Ipv4Address.parse("192.168.1.7")));
        assertEquals(b, table.lookup(Ipv4Address.parse("192.168.1.6")));
        assertEquals(b, table.lookup(Ipv4Address.parse("192.168.1.8")));
        assertEquals(a, table.lookup(Ipv4Address.parse("192.168.2.0")));
        assertEquals(RouteTable.NO_ROUTE, table.lookup(Ipv4Address.parse("192.169.0.0")));
    }

    @Test
    void shouldFitTheFullInternetTableInUnder16MiB() throws Exception {
        final RouteSet set = RouteFixtures.fullTable();
        Assumptions.assumeTrue(set != null, RouteFixtures::fullTableMissing);
        final RouteTable table = PoptrieBuilder.build(set);
        assertTrue(table instanceof PoptrieNarrowTable, table.toString());
        assertTrue(table.memoryBytes() < 16L << 20, table.toString());
        System.out.println("full table: " + table);
    }
}
