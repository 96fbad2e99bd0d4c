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

    /**
     * A new set with {@code updates} applied in order: an add inserts or replaces the prefix's route, a withdrawal
     * removes it (a withdrawal of a prefix that is not present is counted in {@code result}, not an error, as in
     * BGP). This set is not changed.
     *
     * @param result receives the counts, in order: added, replaced, withdrawn, ignored (length 4); may be null
     */
    public RouteSet apply(final List<RouteUpdate> updates, final int[] result) {
        final Map<Long, NextHop> byPrefix = new java.util.LinkedHashMap<>(routes.size() * 2);
        for (final Route r : routes) {
            byPrefix.put(key(r.prefix(), r.length()), nextHops.get(r.nextHop()));
        }
        int added = 0;
        int replaced = 0;
        int withdrawn = 0;
        int ignored = 0;
        for (final RouteUpdate u : updates) {
            final long key = key(u.prefix(), u.length());
            if (u.action() == RouteUpdate.Action.ADD) {
                if (byPrefix.put(key, new NextHop(0, u.kind(), u.gateway(), u.device())) == null) {
                    added++;
                } else {
                    replaced++;
                }
            } else if (byPrefix.remove(key) != null) {
                withdrawn++;
            } else {
                ignored++;
            }
        }
        final Builder builder = builder();
        byPrefix.forEach((key, nh) -> builder.add((int) (long) key, (int) (key >>> 32),
                builder.nextHop(nh.kind(), nh.gateway(), nh.device())));
        if (result != null) {
            result[0] = added;
            result[1] = replaced;
            result[2] = withdrawn;
            result[3] = ignored;
        }
        return builder.build();
    }

    private static long key(final int prefix, final int length) {
        return ((long) length << 32) | (prefix & 0xFFFF_FFFFL);
    }

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
