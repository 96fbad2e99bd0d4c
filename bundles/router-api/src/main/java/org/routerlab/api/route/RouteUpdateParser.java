package org.routerlab.api.route;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads route updates, all or nothing, one per line ({@code #} comments and blank lines ignored):
 * <pre>
 *   add 10.9.0.0/16 via 10.0.0.2 [dev p0] [proto …] …     announce (or replace) a gateway route
 *   add 10.8.0.0/16 dev p1                               a connected route
 *   add blackhole 10.7.0.0/16 | add unreachable …         drop routes
 *   withdraw 10.9.0.0/16                                  remove the route for exactly this prefix
 * </pre>
 * The part after {@code add} is a line of a route file ({@link RouteFileParser}), so every form a route file takes
 * except a bare prefix is accepted.
 */
public final class RouteUpdateParser {
    private RouteUpdateParser() {
    }

    public static List<RouteUpdate> parse(final Path file) throws RouteFileException {
        final List<RouteUpdate> updates = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            String text;
            int line = 0;
            while ((text = reader.readLine()) != null) {
                line++;
                try {
                    final RouteUpdate u = parseLine(text);
                    if (u != null) {
                        updates.add(u);
                    }
                } catch (IllegalArgumentException e) {
                    throw new RouteFileException(file, line, e.getMessage());
                }
            }
        } catch (NoSuchFileException e) {
            throw new RouteFileException(file, 0, "no such file");
        } catch (IOException e) {
            throw new RouteFileException(file, 0, "cannot read: " + e);
        }
        return updates;
    }

    /**
     * Parses one update; null for a blank or comment line.
     *
     * @throws IllegalArgumentException with the cause
     */
    public static RouteUpdate parseLine(final String raw) {
        final int hash = raw.indexOf('#');
        final String text = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
        if (text.isEmpty()) {
            return null;
        }
        final int space = text.indexOf(' ');
        final String verb = space < 0 ? text : text.substring(0, space);
        final String rest = space < 0 ? "" : text.substring(space + 1).strip();
        switch (verb) {
            case "withdraw", "del", "delete" -> {
                if (rest.isEmpty() || rest.indexOf(' ') >= 0) {
                    throw new IllegalArgumentException("'" + verb + "' takes exactly one prefix");
                }
                final int[] p = RouteFileParser.prefix(rest);
                return RouteUpdate.withdraw(p[0], p[1]);
            }
            case "add", "announce" -> {
                if (rest.isEmpty()) {
                    throw new IllegalArgumentException("'" + verb + "' needs a route");
                }
                final RouteSet.Builder one = RouteSet.builder();
                new RouteFileParser(List.of()).parseLine(rest, one);
                final RouteSet set = one.build();
                if (set.size() != 1) {
                    throw new IllegalArgumentException("'" + verb + "' needs a route");
                }
                final Route r = set.routes().get(0);
                final NextHop nh = set.nextHop(r.nextHop());
                return new RouteUpdate(RouteUpdate.Action.ADD, r.prefix(), r.length(), nh.kind(), nh.gateway(),
                        nh.device());
            }
            default -> throw new IllegalArgumentException("expected add or withdraw, not '" + verb + "'");
        }
    }
}
