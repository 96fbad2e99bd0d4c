package org.routerlab.route.dir16.internal;

import org.osgi.service.component.annotations.Component;
import org.routerlab.api.nic.NicBackend;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;
import org.routerlab.api.route.RoutingAlgorithm;

/**
 * DIR-16-8-8: a 2^16-entry top level small enough to stay in a core's private L2 (128 KiB of {@code char} group
 * numbers), over 256-entry groups of one-byte next hops, one group per /16 that holds a route longer than /16, one
 * per /24 that holds a route longer than /24, and one shared group per next hop for the /16s that need nothing
 * deeper. Every lookup is the same two loads, the second of one byte in one cache line; on the full Internet table
 * 61% of random addresses find that line among the few shared groups. Layout in {@link Dir16Tables}.
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
        return "DIR-16-8-8: L2-resident 2^16 top (128 KiB) + 256-entry one-byte groups; one cache line beyond L2";
    }

    /** {@inheritDoc} */
    @Override
    public RouteTable build(final RouteSet routes) {
        return Dir16Tables.build(routes);
    }
}
