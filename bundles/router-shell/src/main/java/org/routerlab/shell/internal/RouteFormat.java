package org.routerlab.shell.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.routerlab.api.engine.RouteUpdateResult;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.route.NextHop;
import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteUpdate;

/**
 * The text and JSON that the route commands print ({@code router routes stats}, {@code router:route ...}); pure
 * functions of API values. Routes are printed in route-file syntax, so what {@code router:route show} prints can be
 * fed back as a route file.
 */
final class RouteFormat {
    static final double MIB = 1024.0 * 1024.0;
    /** Routes sorted by address, then by prefix length (shorter first). */
    static final Comparator<Route> BY_PREFIX = Comparator.<Route>comparingLong(r -> r.prefix() & 0xFFFF_FFFFL)
            .thenComparingInt(Route::length);

    private RouteFormat() {
    }

    // ---- routes stats ----------------------------------------------------------------------------------------------

    /** What {@code router routes stats} reports about a {@link StandaloneTable}. */
    record Stats(String file, String algorithm, int routes, int nextHops, int[] lengths, Map<String, Integer> kinds,
            int skippedIpv6, long parseNanos, long buildNanos, long memoryBytes) {
        static Stats of(final StandaloneTable table) {
            final RouteSet set = table.routes();
            final Map<String, Integer> kinds = new LinkedHashMap<>();
            for (final NextHop.Kind kind : NextHop.Kind.values()) {
                kinds.put(kind.name().toLowerCase(Locale.ROOT), 0);
            }
            for (final Route r : set.routes()) {
                kinds.merge(set.nextHop(r.nextHop()).kind().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
            }
            return new Stats(table.file().toString(), table.algorithm(), set.size(), set.nextHops().size(),
                    set.lengthHistogram(), kinds, table.skippedIpv6(), table.parseNanos(), table.buildNanos(),
                    table.table().memoryBytes());
        }
    }

    static String statsText(final Stats s) {
        final StringBuilder out = new StringBuilder(1024);
        out.append("routes ").append(s.file()).append("  (routing=").append(s.algorithm()).append(")\n");
        out.append(String.format(Locale.ROOT, "  routes       %d  (%s)%n", s.routes(), kindsText(s.kinds())));
        out.append(String.format(Locale.ROOT, "  next hops    %d%n", s.nextHops()));
        out.append(String.format(Locale.ROOT, "  skipped      %d IPv6 prefixes%n", s.skippedIpv6()));
        out.append(String.format(Locale.ROOT, "  parse        %.3f s%n", s.parseNanos() / 1e9));
        out.append(String.format(Locale.ROOT, "  build        %.3f s%n", s.buildNanos() / 1e9));
        out.append(String.format(Locale.ROOT, "  memory       %d bytes (%.3f MiB)%n", s.memoryBytes(),
                s.memoryBytes() / MIB));
        out.append("  prefix length    routes\n");
        for (int length = 0; length < s.lengths().length; length++) {
            if (s.lengths()[length] != 0) {
                out.append(String.format(Locale.ROOT, "    /%-2d %16d%n", length, s.lengths()[length]));
            }
        }
        return out.toString();
    }

    private static String kindsText(final Map<String, Integer> kinds) {
        final List<String> parts = new ArrayList<>();
        kinds.forEach((kind, n) -> parts.add(kind + " " + n));
        return String.join(", ", parts);
    }

    static String statsJson(final Stats s) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("routes_file", s.file());
        json.put("routing", s.algorithm());
        json.put("routes", s.routes());
        json.put("next_hops", s.nextHops());
        json.put("kinds", s.kinds());
        final Map<String, Object> lengths = new LinkedHashMap<>();
        for (int length = 0; length < s.lengths().length; length++) {
            if (s.lengths()[length] != 0) {
                lengths.put(Integer.toString(length), s.lengths()[length]);
            }
        }
        json.put("prefix_lengths", lengths);
        json.put("skipped_ipv6", s.skippedIpv6());
        json.put("parse_seconds", s.parseNanos() / 1e9);
        json.put("build_seconds", s.buildNanos() / 1e9);
        json.put("memory_bytes", s.memoryBytes());
        json.put("memory_mib", Math.round(s.memoryBytes() / MIB * 1000) / 1000.0);
        return Json.write(json);
    }

    // ---- routes and next hops ------------------------------------------------------------------------------------

    static String prefix(final int prefix, final int length) {
        return Ipv4Address.format(prefix) + "/" + length;
    }

    /** A route in route-file syntax: {@code P via GW [dev IF]}, {@code P dev IF}, {@code blackhole P}, .... */
    static String route(final Route route, final NextHop hop) {
        return route(prefix(route.prefix(), route.length()), hop.kind(), hop.gateway(), hop.device());
    }

    /** The route an update adds, in route-file syntax, or the prefix it withdraws. */
    static String route(final RouteUpdate update) {
        final String p = prefix(update.prefix(), update.length());
        return update.action() == RouteUpdate.Action.WITHDRAW ? p
                : route(p, update.kind(), update.gateway(), update.device());
    }

    private static String route(final String prefix, final NextHop.Kind kind, final int gateway,
            final String device) {
        return switch (kind) {
            case GATEWAY -> prefix + " via " + Ipv4Address.format(gateway) + (device == null ? "" : " dev " + device);
            case CONNECTED -> prefix + " dev " + device;
            case BLACKHOLE -> "blackhole " + prefix;
            case UNREACHABLE -> "unreachable " + prefix;
        };
    }

    /** What {@code router lookup} prints for a next hop: {@link NextHop#describe()}, or unreachable for none. */
    static String describe(final NextHop hop) {
        return hop == null ? AddressLookup.NO_ROUTE : hop.describe();
    }

    /** Up to {@code max} of {@code routes}, one per line, then {@code ... 901799 more} for the rest. */
    static String routeLines(final RouteSet set, final List<Route> routes, final int max) {
        final StringBuilder out = new StringBuilder();
        final int shown = Math.min(max, routes.size());
        for (int i = 0; i < shown; i++) {
            final Route r = routes.get(i);
            out.append(route(r, set.nextHop(r.nextHop()))).append('\n');
        }
        if (routes.size() > shown) {
            out.append("... ").append(routes.size() - shown).append(" more\n");
        }
        return out.toString();
    }

    /** The times of a live update: {@code build 0.123 ms, publish 0.456 ms}. */
    static String times(final RouteUpdateResult result) {
        return String.format(Locale.ROOT, "build %s, publish %s", duration(result.buildNanos()),
                duration(result.publishNanos()));
    }

    /** A duration in the unit that suits it: {@code 850 us}, {@code 12.345 ms}, {@code 1.234 s}. */
    static String duration(final long nanos) {
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }

    /** {@code added 1, replaced 0, withdrawn 0, ignored 0}, the non-zero counts only (or {@code no change}). */
    static String counts(final RouteUpdateResult r) {
        final List<String> parts = new ArrayList<>();
        if (r.added() != 0) {
            parts.add("added " + r.added());
        }
        if (r.replaced() != 0) {
            parts.add("replaced " + r.replaced());
        }
        if (r.withdrawn() != 0) {
            parts.add("withdrawn " + r.withdrawn());
        }
        if (r.ignored() != 0) {
            parts.add("ignored " + r.ignored() + " (not present)");
        }
        return parts.isEmpty() ? "no change" : String.join(", ", parts);
    }
}
