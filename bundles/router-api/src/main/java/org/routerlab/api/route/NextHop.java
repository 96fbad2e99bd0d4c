package org.routerlab.api.route;

import org.routerlab.api.packet.Ipv4Address;

/**
 * Where a route sends packets. Next hops are shared by routes and numbered densely from 0 in their
 * {@link RouteSet}, so a routing table maps an address to a small {@code int}.
 *
 * @param id index in {@link RouteSet#nextHops()}
 * @param kind what to do with matching packets
 * @param gateway the gateway address for {@link Kind#GATEWAY}, else 0
 * @param device the egress interface name when the route names one ({@code dev IF}), else null
 */
public record NextHop(int id, Kind kind, int gateway, String device) {
    public enum Kind {
        /** Forward to {@code gateway}, reached through {@code device} or the port whose subnet holds it. */
        GATEWAY,
        /** Forward directly to the destination on {@code device} (a connected route). */
        CONNECTED,
        /** Drop silently ({@code blackhole}). */
        BLACKHOLE,
        /** Drop; a real router answers with ICMP destination-unreachable ({@code unreachable}, {@code prohibit}). */
        UNREACHABLE
    }

    /** How {@code router lookup} prints it: the gateway, the interface for connected routes, or the kind. */
    public String describe() {
        return switch (kind) {
            case GATEWAY -> Ipv4Address.format(gateway);
            case CONNECTED -> device;
            case BLACKHOLE -> "blackhole";
            case UNREACHABLE -> "unreachable";
        };
    }
}
