package org.routerlab.api.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.routerlab.api.packet.Ipv4Address;

class RouteSetTest {
    @Test
    void shouldRejectRouteWithHostBitsOrBadLength() {
        assertThrows(IllegalArgumentException.class, () -> new Route(Ipv4Address.parse("10.0.0.1"), 8, 0));
        assertThrows(IllegalArgumentException.class, () -> new Route(0, 33, 0));
        assertThrows(IllegalArgumentException.class, () -> new Route(0, -1, 0));
        assertEquals("10.0.0.0/8 -> 3", new Route(Ipv4Address.parse("10.0.0.0"), 8, 3).toString());
    }

    @Test
    void shouldShareNextHopsRejectDuplicatesAndUnknownNextHops() {
        final RouteSet.Builder builder = RouteSet.builder();
        final int a = builder.nextHop(NextHop.Kind.GATEWAY, 1, "p0");
        final int b = builder.nextHop(NextHop.Kind.GATEWAY, 1, null);
        assertEquals(a, builder.nextHop(NextHop.Kind.GATEWAY, 1, "p0"));
        assertEquals(List.of(0, 1), List.of(a, b));
        builder.add(Ipv4Address.parse("10.0.0.0"), 8, a);
        assertTrue(builder.contains(Ipv4Address.parse("10.0.0.0"), 8));
        assertFalse(builder.contains(Ipv4Address.parse("10.0.0.0"), 9));
        final IllegalArgumentException duplicate = assertThrows(IllegalArgumentException.class,
                () -> builder.add(Ipv4Address.parse("10.0.0.0"), 8, b));
        assertEquals("duplicate prefix 10.0.0.0/8", duplicate.getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder.add(0, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> builder.add(0, 0, -1));
        builder.add(0, 0, b);
        final RouteSet set = builder.build();
        assertEquals(2, set.size());
        final int[] histogram = set.lengthHistogram();
        assertEquals(33, histogram.length);
        assertEquals(1, histogram[0]);
        assertEquals(1, histogram[8]);
        assertThrows(UnsupportedOperationException.class, () -> set.routes().clear());
    }

    @Test
    void shouldBeEmpty() {
        assertEquals(0, RouteSet.empty().size());
        assertEquals(0, RouteSet.empty().nextHops().size());
    }
}
