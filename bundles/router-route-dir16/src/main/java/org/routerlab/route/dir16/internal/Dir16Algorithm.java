package org.routerlab.route.dir16.internal;

import org.osgi.service.component.annotations.Component;
import org.routerlab.api.nic.NicBackend;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;
import org.routerlab.api.route.RoutingAlgorithm;

/**
 * DIR-16-8-8: a trie with levels at /16, /24 and /32 whose /24 level is stored as deduplicated 64-byte lines of
 * one-byte next hops, found through a direct array of line numbers per /18 (512 KiB). Every lookup is the same two
 * dependent loads with no data-dependent branch; on the full Internet table 75% of random addresses land on one of
 * the few shared lines, so a lookup needs 0.25 cache lines from the 3.6 MiB of lines on average. 4.4 MiB in all.
 * Layout in {@link Dir16LineTable} and {@link Dir16Tables}.
 */
@Component(service = RoutingAlgorithm.class, property = NicBackend.NAME_PROPERTY + "=" + Dir16Algorithm.NAME)
public final class Dir16Algorithm implements RoutingAlgorithm {
    /** The name users select it by ({@code --set routing=dir-16-8-8}). */
    public static final String NAME = "dir-16-8-8";

    /** {@inheritDoc} */
    @Override
    public String name() {
        return NAME;
    }

    /** {@inheritDoc} */
    @Override
    public String description() {
        return "DIR-16-8-8: 2^18 line numbers (512 KiB) + deduplicated 64-byte lines of one-byte next hops; 2 loads";
    }

    /** {@inheritDoc} */
    @Override
    public RouteTable build(final RouteSet routes) {
        return Dir16Tables.build(routes);
    }
}
