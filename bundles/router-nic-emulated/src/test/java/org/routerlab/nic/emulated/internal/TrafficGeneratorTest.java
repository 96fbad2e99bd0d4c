package org.routerlab.nic.emulated.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.packet.PacketView;
import org.routerlab.api.route.Route;

class TrafficGeneratorTest {
    private static final List<Route> ROUTES = List.of(new Route(Ipv4Address.parse("172.16.0.0"), 12, 0),
            new Route(Ipv4Address.parse("198.51.100.0"), 24, 0));

    private static TrafficGenerator generator(final long seed, final double bad, final double unrouted) {
        return new TrafficGenerator(seed, 0, 64, 100, 1, 2, Ipv4Address.parse("10.0.0.0"), 24, ROUTES, bad, unrouted);
    }

    @Test
    void shouldProduceTheSameFramesForTheSameSeed() {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment a = arena.allocate(64 * 1000);
            final MemorySegment b = arena.allocate(64 * 1000);
            final TrafficGenerator g1 = generator(5, 0.1, 0.1);
            final TrafficGenerator g2 = generator(5, 0.1, 0.1);
            for (int i = 0; i < 1000; i++) {
                g1.next(a, i * 64L);
                g2.next(b, i * 64L);
            }
            assertEquals(-1, a.mismatch(b));
            g1.close();
            g2.close();
        }
    }

    @Test
    void shouldAddressRoutedFlowsIntoTheRoutesAndBreakTheBadShare() {
        final TrafficGenerator g = generator(9, 0.2, 0.1);
        final PacketView view = new PacketView();
        int valid = 0;
        int routed = 0;
        for (int f = 0; f < 100; f++) {
            final MemorySegment t = g.template(f);
            view.wrap(t, 0, 64);
            if (view.etherType() == 0x0800 && view.ipVersion() == 4 && view.ipChecksumValid() && view.ttl() > 1
                    && view.ipTotalLength() == 50) {
                valid++;
                final int dst = view.destinationAddress();
                if (ROUTES.stream().anyMatch(r -> r.contains(dst))) {
                    routed++;
                }
            }
        }
        assertEquals(80, valid, "20% of flows are malformed");
        assertEquals(70, routed, "10% of flows are unrouted");
        g.close();
    }

    @Test
    void shouldRejectImpossibleSizes() {
        assertThrows(IllegalArgumentException.class, () -> new TrafficGenerator(1, 0, 59, 1, 1, 2, 0, 24, ROUTES, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TrafficGenerator(1, 0, 64, 0, 1, 2, 0, 24, ROUTES, 0, 0));
    }
}
