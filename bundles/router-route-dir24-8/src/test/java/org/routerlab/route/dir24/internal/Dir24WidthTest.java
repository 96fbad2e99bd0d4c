package org.routerlab.route.dir24.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.routerlab.api.route.NextHop;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;
import org.routerlab.testkit.route.LpmOracle;
import org.routerlab.testkit.route.RouteFixtures;
import org.routerlab.testkit.route.RouteFixtures.Shape;
import org.routerlab.testkit.route.RouteTableAssertions;

/** The two entry widths: when each is chosen, that both answer alike, and the narrow limits. */
class Dir24WidthTest {
    @Test
    void shouldChooseNarrowEntriesWhenNextHopsAndGroupsFitIn14Bits() {
        final RouteSet few = RouteFixtures.randomRoutes(new SplittableRandom(1), 20_000, Shape.INTERNET_LIKE, 16);
        final RouteTable table = Dir24Tables.build(few);
        assertInstanceOf(Dir24NarrowTable.class, table);
        assertEquals(32 + 2L * (1 << 24) + 2L * 256 * ((Dir24NarrowTable) table).groups(), table.memoryBytes());
        final RouteSet many = RouteFixtures.randomRoutes(new SplittableRandom(2), 20_000, Shape.MIXED, 0);
        assertInstanceOf(Dir24WideTable.class, Dir24Tables.build(many));
    }

    @Test
    void shouldAnswerAlikeInBothWidths() {
        final SplittableRandom random = new SplittableRandom(3);
        for (final Shape shape : Shape.values()) {
            final RouteSet set = RouteFixtures.randomRoutes(random, 10_000, shape, 100);
            final LpmOracle oracle = LpmOracle.of(set);
            final int[] addresses = RouteFixtures.mixedAddresses(random, set, 200_000);
            for (final Dir24Tables.Width width : new Dir24Tables.Width[] {Dir24Tables.Width.NARROW,
                    Dir24Tables.Width.WIDE}) {
                RouteTableAssertions.assertMatchesOracle(Dir24Tables.build(set, width), oracle, set, addresses,
                        shape + " " + width);
            }
        }
    }

    @Test
    void shouldUseTheWholeNarrowPayloadAndNoMore() {
        // Next-hop id 0x3FFF is the largest that fits in 14 bits; 0x4000 must switch to wide entries.
        final RouteSet.Builder builder = RouteSet.builder();
        for (int i = 0; i <= 0x4000; i++) {
            builder.nextHop(NextHop.Kind.GATEWAY, i + 1, null);
        }
        builder.add(0x0A00_0000, 8, 0x3FFF);
        final RouteSet fits = builder.build();
        final RouteTable narrow = Dir24Tables.build(fits);
        assertInstanceOf(Dir24NarrowTable.class, narrow);
        assertEquals(0x3FFF, narrow.lookup(0x0A01_0203));
        builder.add(0x0B00_0000, 8, 0x4000);
        final RouteSet wider = builder.build();
        final RouteTable wide = Dir24Tables.build(wider);
        assertInstanceOf(Dir24WideTable.class, wide);
        assertEquals(0x4000, wide.lookup(0x0B01_0203));
        assertThrows(IllegalArgumentException.class, () -> Dir24Tables.build(wider, Dir24Tables.Width.NARROW));
    }

    @Test
    void shouldUseNarrowEntriesForTheFullInternetTable() throws Exception {
        final RouteSet set = RouteFixtures.fullTable();
        Assumptions.assumeTrue(set != null, RouteFixtures::fullTableMissing);
        final RouteTable table = Dir24Tables.build(set);
        assertInstanceOf(Dir24NarrowTable.class, table);
        // Under a thousand groups: 32 MiB of tbl24 and well under 1 MiB of tbl8.
        final int groups = ((Dir24NarrowTable) table).groups();
        assertEquals(true, groups > 0 && groups < 1_000, "groups=" + groups);
    }
}
