package org.routerlab.api.route;

import org.routerlab.api.packet.Ipv4Address;

/**
 * One IPv4 route: {@code prefix/length → nextHop}. The prefix has no bits set beyond its length.
 *
 * @param prefix network address in network order
 * @param length prefix length 0..32
 * @param nextHop id of the next hop in the owning {@link RouteSet}
 */
public record Route(int prefix, int length, int nextHop) {
    public Route {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("length=" + length);
        }
        if ((prefix & ~Ipv4Address.mask(length)) != 0) {
            throw new IllegalArgumentException("prefix=" + Ipv4Address.format(prefix) + "/" + length
                    + " has host bits set");
        }
    }

    public boolean contains(final int address) {
        return Ipv4Address.contains(prefix, length, address);
    }

    @Override
    public String toString() {
        return Ipv4Address.format(prefix) + "/" + length + " -> " + nextHop;
    }
}
