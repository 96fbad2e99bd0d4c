package org.routerlab.testkit.route;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.route.NextHop;
import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteFileException;
import org.routerlab.api.route.RouteFileParser;
import org.routerlab.api.route.RouteSet;

/**
 * Route sets and addresses for routing tests and benchmarks: random tables of several shapes, addresses that sit on
 * and next to prefix boundaries, route-set edits (add and withdraw), and the full Internet table from
 * {@code shared/data/}. Everything is deterministic for a given seed.
 */
public final class RouteFixtures {
    /** The full-table file in {@code shared/data/} beside the repository. */
    public static final String FULL_TABLE_FILE = "bgp-full-table-prefixes.txt.gz";

    private static volatile RouteSet fullTable;

    private RouteFixtures() {
    }

    /** The shape of a random table. */
    public enum Shape {
        /** Half the lengths uniform over 0..32 (many nested short prefixes, /0 possible), half over 16..24. */
        MIXED,
        /** Lengths drawn like a BGP table (mostly /24, /22, /20, /16), clustered in a few hundred /12s. */
        INTERNET_LIKE,
        /** Everything inside a few /16s with lengths 16..32: deep, dense, overlapping (stresses the lower levels). */
        DEEP
    }

    /**
     * {@code count} distinct random routes of the given shape. Each route has its own next hop when
     * {@code nextHops <= 0}, so that a wrong match cannot hide behind a shared one; otherwise the routes share
     * {@code nextHops} gateways at random (equal neighbours, which compressing algorithms merge).
     */
    public static RouteSet randomRoutes(final SplittableRandom random, final int count, final Shape shape,
                                        final int nextHops) {
        final RouteSet.Builder builder = RouteSet.builder();
        final int[] clusters = new int[256];
        for (int i = 0; i < clusters.length; i++) {
            clusters[i] = random.nextInt();
        }
        final int[] shared = new int[Math.max(0, nextHops)];
        for (int i = 0; i < shared.length; i++) {
            shared[i] = builder.nextHop(NextHop.Kind.GATEWAY, 0x0A00_0000 + i, null);
        }
        int attempts = 0;
        while (builder.size() < count) {
            if (++attempts > 100 * count + 1000) {
                throw new IllegalArgumentException("count=" + count + " too large for shape=" + shape);
            }
            final int length;
            final int base;
            switch (shape) {
                case MIXED -> {
                    length = random.nextBoolean() ? random.nextInt(33) : 16 + random.nextInt(9);
                    base = random.nextInt();
                }
                case INTERNET_LIKE -> {
                    length = internetLength(random);
                    base = (clusters[random.nextInt(clusters.length)] & 0xFFF0_0000) | (random.nextInt() & 0x000F_FFFF);
                }
                case DEEP -> {
                    length = 16 + random.nextInt(17);
                    base = (clusters[random.nextInt(4)] & 0xFFFF_0000) | (random.nextInt() & 0xFFFF);
                }
                default -> throw new IllegalStateException(shape.toString());
            }
            final int prefix = base & Ipv4Address.mask(length);
            if (!builder.contains(prefix, length)) {
                final int hop = shared.length > 0 ? shared[random.nextInt(shared.length)]
                        : builder.nextHop(NextHop.Kind.GATEWAY, builder.size(), null);
                builder.add(prefix, length, hop);
            }
        }
        return builder.build();
    }

    private static int internetLength(final SplittableRandom random) {
        final int p = random.nextInt(1000);
        if (p < 600) {
            return 24;
        } else if (p < 700) {
            return 22;
        } else if (p < 760) {
            return 23;
        } else if (p < 820) {
            return 21;
        } else if (p < 860) {
            return 20;
        } else if (p < 900) {
            return 16 + random.nextInt(4);
        } else if (p < 930) {
            return 8 + random.nextInt(8);
        } else if (p < 990) {
            return 25 + random.nextInt(8);
        }
        return random.nextInt(8);
    }

    /**
     * {@code count} addresses: half uniform over the whole space; the other half relative to a random route of
     * {@code set}: its first address, its last, one just outside either end, or a random address inside it.
     */
    public static int[] mixedAddresses(final SplittableRandom random, final RouteSet set, final int count) {
        final List<Route> routes = set.routes();
        final int[] addresses = new int[count];
        for (int i = 0; i < count; i++) {
            final int pick = random.nextInt(10);
            if (pick < 5 || routes.isEmpty()) {
                addresses[i] = random.nextInt();
                continue;
            }
            final Route route = routes.get(random.nextInt(routes.size()));
            final int host = ~Ipv4Address.mask(route.length());
            addresses[i] = switch (pick) {
                case 5 -> route.prefix();
                case 6 -> route.prefix() | host;
                case 7 -> random.nextBoolean() ? route.prefix() - 1 : (route.prefix() | host) + 1;
                default -> route.prefix() | (random.nextInt() & host);
            };
        }
        return addresses;
    }

    /** {@code count} uniformly random addresses. */
    public static int[] uniformAddresses(final SplittableRandom random, final int count) {
        final int[] addresses = new int[count];
        for (int i = 0; i < count; i++) {
            addresses[i] = random.nextInt();
        }
        return addresses;
    }

    /**
     * For every route: its first and last address and their outer neighbours (first − 1, last + 1, wrapping at the
     * ends of the address space), four addresses per route in route order.
     */
    public static int[] boundaryAddresses(final List<Route> routes) {
        final int[] addresses = new int[routes.size() * 4];
        int i = 0;
        for (final Route route : routes) {
            final int first = route.prefix();
            final int last = first | ~Ipv4Address.mask(route.length());
            addresses[i++] = first;
            addresses[i++] = last;
            addresses[i++] = first - 1;
            addresses[i++] = last + 1;
        }
        return addresses;
    }

    /**
     * {@code set} with the routes whose prefixes are in {@code withdrawn} removed and {@code added} added (an added
     * route replaces a present one with the same prefix). Next-hop ids are kept: the result has the same next hops
     * in the same order, so ids stay comparable. Added routes must use ids of {@code set}'s next hops.
     */
    public static RouteSet edit(final RouteSet set, final List<Route> withdrawn, final List<Route> added) {
        final RouteSet.Builder builder = RouteSet.builder();
        for (final NextHop hop : set.nextHops()) {
            if (builder.nextHop(hop.kind(), hop.gateway(), hop.device()) != hop.id()) {
                throw new IllegalArgumentException("set has equal next hops " + hop + "; ids would not be stable");
            }
        }
        final Set<Long> removed = new HashSet<>();
        for (final Route route : withdrawn) {
            removed.add(key(route));
        }
        for (final Route route : added) {
            removed.add(key(route));
        }
        for (final Route route : set.routes()) {
            if (!removed.contains(key(route))) {
                builder.add(route.prefix(), route.length(), route.nextHop());
            }
        }
        for (final Route route : added) {
            builder.add(route.prefix(), route.length(), route.nextHop());
        }
        return builder.build();
    }

    /**
     * One random batch of edits on {@code set}: {@code withdrawals} present routes and {@code additions} new ones
     * (some replacing a present route's next hop, some more specific than a present route, some fresh). Returns
     * {withdrawn, added}.
     */
    public static List<List<Route>> randomBatch(final SplittableRandom random, final RouteSet set,
                                                 final int withdrawals, final int additions) {
        final List<Route> routes = set.routes();
        final List<Route> withdrawn = new ArrayList<>();
        final Set<Long> touched = new HashSet<>();
        for (int i = 0; i < withdrawals && !routes.isEmpty(); i++) {
            final Route route = routes.get(random.nextInt(routes.size()));
            if (touched.add(key(route))) {
                withdrawn.add(route);
            }
        }
        final List<Route> added = new ArrayList<>();
        final int hops = set.nextHops().size();
        for (int i = 0; i < additions && hops > 0; i++) {
            final int pick = random.nextInt(3);
            final Route route;
            if (pick == 0 && !routes.isEmpty()) {
                final Route present = routes.get(random.nextInt(routes.size()));
                route = new Route(present.prefix(), present.length(), random.nextInt(hops));
            } else if (pick == 1 && !routes.isEmpty()) {
                final Route present = routes.get(random.nextInt(routes.size()));
                final int length = Math.min(32, present.length() + 1 + random.nextInt(8));
                final int prefix = (present.prefix() | (random.nextInt() & ~Ipv4Address.mask(present.length())))
                        & Ipv4Address.mask(length);
                route = new Route(prefix, length, random.nextInt(hops));
            } else {
                final int length = random.nextInt(33);
                route = new Route(random.nextInt() & Ipv4Address.mask(length), length, random.nextInt(hops));
            }
            if (touched.add(key(route))) {
                added.add(route);
            }
        }
        return List.of(withdrawn, added);
    }

    /** Sort-and-compare key of a prefix: length above the address. */
    public static long key(final Route route) {
        return ((long) route.length() << 32) | (route.prefix() & 0xFFFF_FFFFL);
    }

    /**
     * {@code shared/data/FULL_TABLE_FILE} for the nearest ancestor of the working directory that has it, or null.
     * The system property {@code routerlab.fullTable} names the file directly.
     */
    public static Path locateFullTable() {
        final String property = System.getProperty("routerlab.fullTable");
        if (property != null && !property.isBlank()) {
            final Path file = Path.of(property);
            return Files.isRegularFile(file) ? file : null;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            final Path candidate = dir.resolve("shared").resolve("data").resolve(FULL_TABLE_FILE);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * The full Internet table parsed as the router loads it (bare prefixes spread over 16 gateways by a hash of
     * the prefix), or null when the file is absent. Parsed once per JVM.
     */
    public static RouteSet fullTable() throws RouteFileException {
        RouteSet set = fullTable;
        if (set == null) {
            final Path file = locateFullTable();
            if (file == null) {
                return null;
            }
            synchronized (RouteFixtures.class) {
                set = fullTable;
                if (set == null) {
                    set = new RouteFileParser(gateways(16)).parse(file);
                    fullTable = set;
                }
            }
        }
        return set;
    }

    /** Why the full-table tests are skipped, for {@code Assumptions}. */
    public static String fullTableMissing() {
        return "full-table test skipped: " + FULL_TABLE_FILE + " not found in shared/data/ beside the repository"
                + " (walked up from " + Path.of("").toAbsolutePath() + "; or set -Drouterlab.fullTable=FILE)";
    }

    /**
     * {@code set}'s prefixes with next hops spread over {@code count} gateways by a hash of the prefix, so that
     * neighbouring routes rarely share a next hop (a wrong match is then almost always visible).
     */
    public static RouteSet rehashed(final RouteSet set, final int count) {
        final RouteSet.Builder builder = RouteSet.builder();
        final int[] ids = new int[count];
        for (int i = 0; i < count; i++) {
            ids[i] = builder.nextHop(NextHop.Kind.GATEWAY, 0x0A00_0000 + i, null);
        }
        for (final Route route : set.routes()) {
            long h = key(route) * 0x9E37_79B9_7F4A_7C15L;
            h ^= h >>> 29;
            builder.add(route.prefix(), route.length(), ids[(int) Long.remainderUnsigned(h, count)]);
        }
        return builder.build();
    }

    /** {@code 10.0.i.1} for i in 0..count-1. */
    public static List<Integer> gateways(final int count) {
        final List<Integer> gateways = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            gateways.add(Ipv4Address.parse("10.0." + (i & 0xFF) + "." + (1 + (i >>> 8))));
        }
        return gateways;
    }
}
