package org.routerlab.shell.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.routerlab.api.engine.EngineControl;
import org.routerlab.api.engine.EngineState;
import org.routerlab.api.engine.RouteUpdateResult;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.route.NextHop;
import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteFileException;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteUpdate;
import org.routerlab.api.route.RouteUpdateParser;

/**
 * The Gogo command {@code router:route SUBCOMMAND ...}: the route table of the running router, read and changed
 * live through {@link EngineControl} (changes are published at a burst boundary, the data path keeps forwarding).
 * <pre>
 *   router:route add ROUTE        add or replace a route (route-file syntax: 10.9.0.0/16 via 10.0.0.2 [dev p0],
 *                                 10.9.0.0/16 dev p1, blackhole P, unreachable P)
 *   router:route del PREFIX       withdraw the route of exactly this prefix
 *   router:route show [PREFIX]    every route, sorted (at most 100 lines), or the routes covering PREFIX
 *   router:route lookup ADDRESS   the next hop the data path uses for ADDRESS, and the route that matched
 *   router:route load FILE        apply a file of updates (add ROUTE | withdraw PREFIX per line), all or nothing
 *   router:route replace FILE     replace the whole table by a route file (plus the ports' connected routes)
 * </pre>
 * Every change prints what changed and the build and publish times of the new table. Errors are one line (an
 * exception, which Gogo prints as {@code gogo: IllegalArgumentException: route add: ...}). A relative FILE is looked
 * for in the current folder, then in the router home.
 */
@Component(service = RouteCommands.class, property = {
    "osgi.command.scope=router",
    "osgi.command.function=route"
})
public final class RouteCommands {
    /** Lines {@code show} prints at most. */
    static final int SHOW_MAX = 100;
    static final String USAGE = "usage: router:route add ROUTE | del PREFIX | show [PREFIX] | lookup ADDRESS | "
            + "load FILE | replace FILE";

    @Reference
    EngineControl engine;

    private Path home = Path.of("").toAbsolutePath();

    @Activate
    void activate(final BundleContext context) {
        final String property = context.getProperty(CliDriver.HOME);
        if (property != null && !property.isBlank()) {
            home = Path.of(property).toAbsolutePath();
        }
    }

    /** For tests: where relative files are looked for after the current folder. */
    void home(final Path home) {
        this.home = home.toAbsolutePath();
    }

    /** router:route — the usage. */
    public String route() {
        return USAGE;
    }

    /** router:route SUBCOMMAND ARGS... */
    public String route(final String... args) throws Exception {
        if (args == null || args.length == 0) {
            return USAGE;
        }
        final String sub = args[0];
        final List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            return switch (sub) {
                case "add" -> add(rest);
                case "del", "delete", "withdraw" -> del(one(sub, "PREFIX", rest));
                case "show" -> rest.isEmpty() ? show() : show(one(sub, "PREFIX", rest));
                case "lookup" -> lookup(one(sub, "ADDRESS", rest));
                case "load" -> load(one(sub, "FILE", rest));
                case "replace" -> replace(one(sub, "FILE", rest));
                default -> throw new IllegalArgumentException("unknown subcommand '" + sub + "'; " + USAGE);
            };
        } catch (final IllegalArgumentException | IllegalStateException e) {
            throw rethrow(sub, e);
        } catch (final RouteFileException e) {
            throw new IllegalArgumentException("route " + sub + ": " + e.getMessage(), e);
        }
    }

    private static RuntimeException rethrow(final String sub, final RuntimeException e) {
        final String message = "route " + sub + ": " + CommandRunner.message(e);
        return e instanceof IllegalStateException ? new IllegalStateException(message, e)
                : new IllegalArgumentException(message, e);
    }

    private static String one(final String sub, final String what, final List<String> rest) {
        if (rest.size() != 1) {
            throw new IllegalArgumentException("takes one " + what + "; " + USAGE);
        }
        return rest.getFirst();
    }

    String add(final List<String> words) throws Exception {
        if (words.isEmpty()) {
            throw new IllegalArgumentException("needs a route, e.g. 10.9.0.0/16 via 10.0.0.2; " + USAGE);
        }
        final RouteUpdate update = RouteUpdateParser.parseLine("add " + String.join(" ", words));
        final RouteUpdateResult result = engine.updateRoutes(List.of(update));
        return (result.replaced() > 0 ? "replaced " : "added ") + RouteFormat.route(update) + "  " + tail(result);
    }

    String del(final String prefix) throws Exception {
        final RouteUpdate update = RouteUpdateParser.parseLine("withdraw " + prefix);
        final RouteUpdateResult result = engine.updateRoutes(List.of(update));
        return (result.withdrawn() > 0 ? "withdrew " + RouteFormat.route(update)
                : "no route for " + RouteFormat.route(update) + ", nothing withdrawn") + "  " + tail(result);
    }

    /** {@code (48 routes; build 21.0 us, publish 1.503 ms)} */
    private static String tail(final RouteUpdateResult result) {
        return "(" + result.routes() + " routes; " + RouteFormat.times(result) + ")";
    }

    String show() {
        final RouteSet set = table();
        final List<Route> routes = new ArrayList<>(set.routes());
        routes.sort(RouteFormat.BY_PREFIX);
        return RouteFormat.routeLines(set, routes, SHOW_MAX) + routes.size() + " routes";
    }

    String show(final String text) {
        final RouteUpdate p = RouteUpdateParser.parseLine("withdraw " + text);
        final RouteSet set = table();
        final List<Route> covering = new ArrayList<>();
        for (final Route r : set.routes()) {
            if (r.length() <= p.length() && r.contains(p.prefix())) {
                covering.add(r);
            }
        }
        final String what = RouteFormat.prefix(p.prefix(), p.length());
        if (covering.isEmpty()) {
            return "no route covers " + what;
        }
        covering.sort(Comparator.comparingInt(Route::length));
        return RouteFormat.routeLines(set, covering, SHOW_MAX) + (covering.size() == 1 ? "1 route covers " + what
                : covering.size() + " routes cover " + what + " (the last is the longest match)");
    }

    String lookup(final String text) {
        final int address = Ipv4Address.parse(text);
        final RouteSet set = table();
        final NextHop hop = engine.lookup(address);
        Route match = null;
        for (final Route r : set.routes()) {
            if (r.contains(address) && (match == null || r.length() > match.length())) {
                match = r;
            }
        }
        return Ipv4Address.format(address) + " " + RouteFormat.describe(hop) + "  ("
                + (match == null ? "no route" : "route " + RouteFormat.route(match, set.nextHop(match.nextHop())))
                + ")";
    }

    String load(final String file) throws Exception {
        final Path path = resolve(file);
        final List<RouteUpdate> updates = RouteUpdateParser.parse(path);
        final RouteUpdateResult result = engine.updateRoutes(updates);
        return "loaded " + updates.size() + " update" + (updates.size() == 1 ? "" : "s") + " from " + path + ": "
                + RouteFormat.counts(result) + "  " + tail(result);
    }

    String replace(final String file) throws Exception {
        final Path path = resolve(file);
        final int before = engine.routes().size();
        final RouteUpdateResult result = engine.replaceRoutes(path);
        return "replaced the table by " + path + ": " + result.routes() + " routes, was " + before + "  ("
                + RouteFormat.times(result) + ")";
    }

    /** The current table's routes; an error when there has been no run, so there is no table to show. */
    private RouteSet table() {
        final RouteSet set = engine.routes();
        if (set.size() == 0 && engine.state() != EngineState.RUNNING) {
            throw new IllegalStateException("no route table: the router has not run yet (router:start first)");
        }
        return set;
    }

    /** A relative file: in the current folder if it is there, else in the router home. */
    Path resolve(final String file) {
        final Path path = Path.of(file);
        if (path.isAbsolute()) {
            return path.normalize();
        }
        final Path here = path.toAbsolutePath().normalize();
        return Files.exists(here) ? here : home.resolve(path).toAbsolutePath().normalize();
    }
}
