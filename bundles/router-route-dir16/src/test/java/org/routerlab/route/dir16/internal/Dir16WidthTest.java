package org.routerlab.route.dir16.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** The three forms (lines, narrow, wide): when each is chosen, that all answer alike, and the narrow limits. */
class Dir16WidthTest {
    @Test
    void shouldChooseLinesOfByteEntriesWhenNextHopsFitInSevenBits() {
        final RouteSet few = RouteFixtures.randomRoutes(new SplittableRandom(1), 20_000, Shape.INTERNET_LIKE, 16);
        final RouteTable table = Dir16Tables.build(few);
        assertInstanceOf(Dir16LineTable.class, table);
        final Dir16LineTable lined = (Dir16LineTable) table;
        assertTrue(lined.lineCount() < 4 * lined.blocks(), table.toString());
        final RouteTable narrow = Dir16Tables.build(few, Dir16Tables.Width.NARROW);
        assertEquals(32 + 2L * (1 << 16) + 256L * ((Dir16NarrowTable) narrow).groups(), narrow.memoryBytes());
        final RouteSet many = RouteFixtures.randomRoutes(new SplittableRandom(2), 20_000, Shape.MIXED, 0);
        assertInstanceOf(Dir16WideTable.class, Dir16Tables.build(many));
    }

    @Test
    void shouldAnswerAlikeInEveryForm() {
        final SplittableRandom random = new SplittableRandom(3);
        for (final Shape shape : Shape.values()) {
            final RouteSet set = RouteFixtures.randomRoutes(random, 10_000, shape, 100);
            final LpmOracle oracle = LpmOracle.of(set);
            final int[] addresses = RouteFixtures.mixedAddresses(random, set, 200_000);
            final RouteTable auto = Dir16Tables.build(set);
            RouteTableAssertions.assertMatchesOracle(auto, oracle, set, addresses, shape + " " + auto);
            RouteTableAssertions.assertMatchesOracle(Dir16Tables.build(set, Dir16Tables.Width.WIDE), oracle, set,
                    addresses, shape + " WIDE");
            if (auto instanceof Dir16LineTable) {
                RouteTableAssertions.assertMatchesOracle(Dir16Tables.build(set, Dir16Tables.Width.NARROW), oracle,
                        set, addresses, shape + " NARROW");
            }
        }
    }

    @Test
    void shouldUseTheWholeNarrowPayloadAndNoMore() {
        // Next-hop id 126 is the largest a byte entry (hop + 1, high bit for deeper) holds; 127 must switch to wide.
        final RouteSet.Builder builder = RouteSet.builder();
        for (int i = 0; i <= 127; i++) {
            builder.nextHop(NextHop.Kind.GATEWAY, i + 1, null);
        }
        builder.add(0x0A00_0000, 8, 126);
        builder.add(0x0A01_0200, 28, 125);
        final RouteSet fits = builder.build();
        final RouteTable narrow = Dir16Tables.build(fits);
        assertInstanceOf(Dir16LineTable.class, narrow);
        assertEquals(126, narrow.lookup(0x0A01_0203 + 0x10));
        assertEquals(125, narrow.lookup(0x0A01_0203));
        builder.add(0x0B00_0000, 8, 127);
        final RouteSet wider = builder.build();
        final RouteTable wide = Dir16Tables.build(wider);
        assertInstanceOf(Dir16WideTable.class, wide);
        assertEquals(127, wide.lookup(0x0B01_0203));
        assertEquals(125, wide.lookup(0x0A01_0203));
        assertThrows(IllegalArgumentException.class, () -> Dir16Tables.build(wider, Dir16Tables.Width.NARROW));
    }

    @Test
    void shouldGoWideWhenOneSlash16HasMoreThan128DeeperSlash24s() {
        final RouteSet.Builder builder = RouteSet.builder();
        builder.nextHop(NextHop.Kind.GATEWAY, 1, null);
        builder.nextHop(NextHop.Kind.GATEWAY, 2, null);
        builder.add(0x0A00_0000, 8, 0);
        for (int slot = 0; slot < 128; slot++) {
            builder.add(0x0A01_0001 | (slot << 8), 32, 1);
        }
        final RouteSet fits = builder.build();
        assertInstanceOf(Dir16LineTable.class, Dir16Tables.build(fits));
        builder.add(0x0A01_8001, 32, 1);
        final RouteSet over = builder.build();
        final RouteTable table = Dir16Tables.build(over);
        assertInstanceOf(Dir16WideTable.class, table);
        assertEquals(1, table.lookup(0x0A01_8001));
        assertEquals(0, table.lookup(0x0A01_8002));
        assertEquals(1, table.lookup(0x0A01_7F01));
    }

    @Test
    void shouldUseLinesUnder16MiBForTheFullInternetTable() throws Exception {
        final RouteSet set = RouteFixtures.fullTable();
        Assumptions.assumeTrue(set != null, RouteFixtures::fullTableMissing);
        final RouteTable table = Dir16Tables.build(set);
        assertInstanceOf(Dir16LineTable.class, table);
        assertTrue(table.memoryBytes() < 8L << 20, table.toString());
        final RouteTable narrow = Dir16Tables.build(set, Dir16Tables.Width.NARROW);
        assertTrue(narrow.memoryBytes() < 16L << 20, narrow.toString());
    }
}
