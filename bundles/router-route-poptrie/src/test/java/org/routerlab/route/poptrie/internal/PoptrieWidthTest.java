package org.routerlab.route.poptrie.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.routerlab.api.route.NextHop;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;
import org.routerlab.testkit.route.LpmOracle;
import org.routerlab.testkit.route.RouteFixtures;
import org.routerlab.testkit.route.RouteFixtures.Shape;
import org.routerlab.testkit.route.RouteTableAssertions;

/** The two leaf widths: when each is chosen, and that both answer alike. */
class PoptrieWidthTest {
    @Test
    void shouldUseNarrowLeavesUpToNextHop65534() {
        final RouteSet.Builder builder = RouteSet.builder();
        for (int i = 0; i <= 0xFFFF; i++) {
            builder.nextHop(NextHop.Kind.GATEWAY, i + 1, null);
        }
        builder.add(0x0A00_0000, 8, 0xFFFE);
        builder.add(0x0A01_0200, 24, 0);
        final RouteSet fits = builder.build();
        final RouteTable narrow = PoptrieBuilder.build(fits);
        assertInstanceOf(PoptrieNarrowTable.class, narrow);
        assertEquals(0xFFFE, narrow.lookup(0x0A02_0203));
        assertEquals(0, narrow.lookup(0x0A01_0203));
        assertEquals(RouteTable.NO_ROUTE, narrow.lookup(0x0B01_0203));
        builder.add(0x0B00_0000, 8, 0xFFFF);
        final RouteTable wide = PoptrieBuilder.build(builder.build());
        assertInstanceOf(PoptrieWideTable.class, wide);
        assertEquals(0xFFFF, wide.lookup(0x0B01_0203));
        assertEquals(0, wide.lookup(0x0A01_0203));
    }

    @Test
    void shouldAnswerAlikeWithBothLeafWidths() {
        final SplittableRandom random = new SplittableRandom(4);
        for (final Shape shape : Shape.values()) {
            final RouteSet set = RouteFixtures.randomRoutes(random, 20_000, shape, 1_000);
            final LpmOracle oracle = LpmOracle.of(set);
            final int[] addresses = RouteFixtures.mixedAddresses(random, set, 200_000);
            final RouteTable narrow = PoptrieBuilder.build(set, false);
            final RouteTable wide = PoptrieBuilder.build(set, true);
            assertInstanceOf(PoptrieNarrowTable.class, narrow);
            assertInstanceOf(PoptrieWideTable.class, wide);
            RouteTableAssertions.assertMatchesOracle(narrow, oracle, set, addresses, shape + " narrow");
            RouteTableAssertions.assertMatchesOracle(wide, oracle, set, addresses, shape + " wide");
        }
    }
}
