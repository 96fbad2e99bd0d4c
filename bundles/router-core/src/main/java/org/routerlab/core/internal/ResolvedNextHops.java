package org.routerlab.core.internal;

import java.util.List;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.route.NextHop;
import org.routerlab.api.route.RouteSet;

/**
 * The next-hop table flattened for the forwarding thread: for next-hop id {@code n}, what to do, which egress
 * port and which destination MAC. Built on the control plane whenever the route set or ports change; the data
 * path only indexes arrays.
 */
final class ResolvedNextHops {
    static final byte FORWARD = 0;
    /** Forward to the packet's destination itself: resolve its MAC per packet on the egress port. */
    static final byte FORWARD_DIRECT = 1;
    static final byte BLACKHOLE = 2;
    static final byte UNREACHABLE = 3;
    /**
     * The gateway's MAC was unknown when the routes were resolved: ask the egress port per packet (a backend that
     * resolves neighbours with ARP learns it later).
     */
    static final byte FORWARD_RESOLVE = 4;

    final byte[] action;
    final int[] port;
    final long[] mac;
    /** The gateway address (0 for connected routes, whose next hop is the destination itself). */
    final int[] gateway;

    private ResolvedNextHops(final int size) {
        this.action = new byte[size];
        this.port = new int[size];
        this.mac = new long[size];
        this.gateway = new int[size];
    }

    int size() {
        return action.length;
    }

    /**
     * @throws IllegalArgumentException when a route names a device that is not a port, or a gateway that no
     *         port's subnet holds
     */
    static ResolvedNextHops resolve(final RouteSet routes, final List<NicPort> ports) {
        final List<NextHop> hops = routes.nextHops();
        final ResolvedNextHops r = new ResolvedNextHops(hops.size());
        for (final NextHop nh : hops) {
            final int id = nh.id();
            switch (nh.kind()) {
                case BLACKHOLE -> r.action[id] = BLACKHOLE;
                case UNREACHABLE -> r.action[id] = UNREACHABLE;
                case CONNECTED -> {
                    r.action[id] = FORWARD_DIRECT;
                    r.port[id] = portNamed(nh.device(), ports);
                }
                case GATEWAY -> {
                    final int p = nh.device() != null ? portNamed(nh.device(), ports) : portHolding(nh.gateway(), ports);
                    r.port[id] = p;
                    final long mac = ports.get(p).neighbourMac(nh.gateway());
                    r.action[id] = mac < 0 ? FORWARD_RESOLVE : FORWARD;
                    r.mac[id] = mac;
                    r.gateway[id] = nh.gateway();
                }
            }
        }
        return r;
    }

    private static int portNamed(final String device, final List<NicPort> ports) {
        for (final NicPort p : ports) {
            if (p.info().name().equals(device)) {
                return p.info().index();
            }
        }
        throw new IllegalArgumentException("routes: 'dev " + device + "' is not a port (ports: "
                + ports.stream().map(p -> p.info().name()).toList() + ")");
    }

    private static int portHolding(final int gateway, final List<NicPort> ports) {
        for (final NicPort p : ports) {
            for (final var a : p.info().addresses()) {
                if (Ipv4Address.contains(a.address(), a.prefixLength(), gateway)) {
                    return p.info().index();
                }
            }
        }
        throw new IllegalArgumentException("routes: gateway " + Ipv4Address.format(gateway)
                + " is on no port's subnet (ports: " + ports.stream().map(p -> p.info().name()).toList() + ")");
    }
}
