package org.routerlab.api.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.routerlab.api.packet.Ipv4Address;

class RouteUpdateTest {
    @TempDir
    Path dir;

    @Test
    void shouldParseEveryUpdateForm() {
        assertEquals("add 10.9.0.0/16 via 10.0.0.2 dev p0",
                RouteUpdateParser.parseLine("add 10.9.0.0/16 via 10.0.0.2 dev p0 proto bgp").toString());
        assertEquals("add 10.8.0.0/16 dev p1", RouteUpdateParser.parseLine("add 10.8.0.0/16 dev p1").toString());
        assertEquals("add blackhole 10.7.0.0/16", RouteUpdateParser.parseLine("add blackhole 10.7.0.0/16").toString());
        assertEquals("add unreachable 10.6.0.0/16",
                RouteUpdateParser.parseLine("add unreachable 10.6.0.0/16").toString());
        assertEquals("withdraw 10.9.0.0/16", RouteUpdateParser.parseLine("  withdraw 10.9.0.0/16 # gone").toString());
        assertEquals("add 0.0.0.0/0 via 10.0.0.2", RouteUpdateParser.parseLine("add default via 10.0.0.2").toString());
        assertNull(RouteUpdateParser.parseLine("   # nothing"));
    }

    @Test
    void shouldRejectMalformedUpdatesWithFileAndLine() throws Exception {
        final Path file = dir.resolve("updates.txt");
        Files.writeString(file, "add 10.9.0.0/16 via 10.0.0.2\nwithdraw 10.9.0.0/16 10.8.0.0/16\n");
        final RouteFileException e = assertThrows(RouteFileException.class, () -> RouteUpdateParser.parse(file));
        assertEquals(2, e.line());
        assertEquals("'withdraw' takes exactly one prefix", e.reason());
        assertThrows(IllegalArgumentException.class, () -> RouteUpdateParser.parseLine("replace 10.0.0.0/8 dev p0"));
        assertThrows(IllegalArgumentException.class, () -> RouteUpdateParser.parseLine("add 10.0.0.0/8"));
        assertThrows(IllegalArgumentException.class, () -> RouteUpdateParser.parseLine("withdraw 10.0.0.1/8"));
    }

    @Test
    void shouldApplyAddsReplacementsAndWithdrawalsWithoutChangingTheOriginal() {
        final RouteSet.Builder b = RouteSet.builder();
        final int gw = b.nextHop(NextHop.Kind.GATEWAY, Ipv4Address.parse("10.0.0.2"), null);
        b.add(Ipv4Address.parse("10.0.0.0"), 8, gw);
        b.add(Ipv4Address.parse("10.1.0.0"), 16, gw);
        final RouteSet original = b.build();
        final int[] counts = new int[4];
        final RouteSet updated = original.apply(List.of(
                RouteUpdateParser.parseLine("add 10.2.0.0/16 via 10.0.0.3"),
                RouteUpdateParser.parseLine("add 10.0.0.0/8 via 10.0.0.4"),
                RouteUpdateParser.parseLine("withdraw 10.1.0.0/16"),
                RouteUpdateParser.parseLine("withdraw 10.3.0.0/16")), counts);
        assertArrayEquals(new int[] {1, 1, 1, 1}, counts);
        assertEquals(2, original.size(), "the original is immutable");
        assertEquals(2, updated.size());
        for (final Route r : updated.routes()) {
            final NextHop nh = updated.nextHop(r.nextHop());
            if (r.length() == 8) {
                assertEquals("10.0.0.4", nh.describe());
            } else {
                assertEquals("10.0.0.3", nh.describe());
            }
        }
    }
}
