package org.routerlab.api.route;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.routerlab.api.packet.Ipv4Address;

/**
 * An immutable set of routes with their next hops: what a {@link RoutingAlgorithm} builds a table from.
 * At most one route per prefix. Build one with {@link #builder()}.
 */
public final class RouteSet {
    private final List<Route> routes;
    private final List<NextHop> nextHops;

    private RouteSet(final List<Route> routes, final List<NextHop> nextHops) {
        this.routes = List.copyOf(routes);
        this.nextHops = List.copyOf(nextHops);
    }

    public static RouteSet empty() {
        return new RouteSet(List.of(), List.of());
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Route> routes() { return routes; }

    /** Next hops indexed by {@link NextHop#id()}. */
    public List<NextHop> nextHops() { return nextHops; }

    public NextHop nextHop(final int id) { return nextHops.get(id); }

    public int size() { return routes.size(); }

    /** Number of routes per prefix length, index 0..32. */
    public int[] lengthHistogram() {
        final int[] histogram = new int[33];
        for (final Route r : routes) {
            histogram[r.length()]++;
        }
        return histogram;
    }

    /** A builder that shares equal next hops and rejects duplicate prefixes. Not thread-safe. */
    public static final class Builder {
        private final List<Route> routes = new ArrayList<>();
        private final List<NextHop> nextHops = new ArrayList<>();
        private final Map<NextHop, Integer> nextHopIds = new HashMap<>();
        private final Map<Long, Integer> prefixes = new HashMap<>();

        /** Returns the id of the next hop (kind, gateway, device), adding it if new. */
        public int nextHop(final NextHop.Kind kind, final int gateway, final String device) {
            final NextHop key = new NextHop(0, kind, gateway, device);
            final Integer id = nextHopIds.get(key);
            if (id != null) {
                return id;
            }
            final int newId = nextHops.size();
            nextHops.add(new NextHop(newId, kind, gateway, device));
            nextHopIds.put(key, newId);
            return newId;
        }

        /**
         * Adds {@code prefix/length → nextHopId}.
         *
         * @throws IllegalArgumentException if the prefix is already present or has host bits set
         */
        public Builder add(final int prefix, final int length, final int nextHopId) {
            if (nextHopId < 0 || nextHopId >= nextHops.size()) {
                throw new IllegalArgumentException("nextHop=" + nextHopId + " is not a next hop of this set");
            }
            final Route route = new Route(prefix, length, nextHopId);
            final long key = ((long) length << 32) | (prefix & 0xFFFF_FFFFL);
            if (prefixes.putIfAbsent(key, routes.size()) != null) {
                throw new IllegalArgumentException("duplicate prefix " + Ipv4Address.format(prefix) + "/" + length);
            }
            routes.add(route);
            return this;
        }

        /** Whether {@code prefix/length} was added already. */
        public boolean contains(final int prefix, final int length) {
            return prefixes.containsKey(((long) length << 32) | (prefix & 0xFFFF_FFFFL));
        }

        public int size() { return routes.size(); }

        public RouteSet build() {
            return new RouteSet(routes, nextHops);
        }
    }
}
