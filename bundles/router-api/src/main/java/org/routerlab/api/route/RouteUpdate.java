package org.routerlab.api.route;

import org.routerlab.api.packet.Ipv4Address;

/**
 * One change to a route set: announce (add or replace) or withdraw a prefix.
 *
 * @param action add (replaces the next hop if the prefix exists, like {@code ip route replace}) or withdraw
 * @param prefix network address, no host bits set
 * @param length prefix length 0..32
 * @param kind next-hop kind of an {@link Action#ADD} (null for a withdrawal)
 * @param gateway gateway of a {@link NextHop.Kind#GATEWAY} route, else 0
 * @param device egress interface name, or null
 */
public record RouteUpdate(Action action, int prefix, int length, NextHop.Kind kind, int gateway, String device) {
    public enum Action { ADD, WITHDRAW }

    public RouteUpdate {
        new Route(prefix, length, 0); // validates length and host bits
        if (action == Action.ADD && kind == null) {
            throw new IllegalArgumentException("an added route needs a next-hop kind");
        }
    }

    public static RouteUpdate withdraw(final int prefix, final int length) {
        return new RouteUpdate(Action.WITHDRAW, prefix, length, null, 0, null);
    }

    @Override
    public String toString() {
        final String p = Ipv4Address.format(prefix) + "/" + length;
        if (action == Action.WITHDRAW) {
            return "withdraw " + p;
        }
        return switch (kind) {
            case GATEWAY -> "add " + p + " via " + Ipv4Address.format(gateway) + (device == null ? "" : " dev " + device);
            case CONNECTED -> "add " + p + " dev " + device;
            case BLACKHOLE -> "add blackhole " + p;
            case UNREACHABLE -> "add unreachable " + p;
        };
    }
}
