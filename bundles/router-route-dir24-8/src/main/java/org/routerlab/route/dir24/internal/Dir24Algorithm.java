package org.routerlab.route.dir24.internal;

import org.osgi.service.component.annotations.Component;
import org.routerlab.api.nic.NicBackend;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;
import org.routerlab.api.route.RoutingAlgorithm;

/**
 * DIR-24-8, the DPDK {@code rte_lpm} scheme: a 2^24-entry first-level table indexed by the top 24 address bits
 * and 256-entry second-level groups for the /24s that hold longer prefixes. One memory access per lookup, two for
 * addresses under a prefix longer than /24. Entry layout in {@link Dir24Entry}.
 */
@Component(service = RoutingAlgorithm.class, property = NicBackend.NAME_PROPERTY + "=" + Dir24Algorithm.NAME)
public final class Dir24Algorithm implements RoutingAlgorithm {
    /** The name users select it by ({@code --set routing=dir-24-8}). */
    public static final String NAME = "dir-24-8";

    /** {@inheritDoc} */
    @Override
    public String name() {
        return NAME;
    }

    /** {@inheritDoc} */
    @Override
    public String description() {
        return "DIR-24-8 (DPDK rte_lpm): 2^24 first-level entries + 256-entry groups; 1-2 memory accesses";
    }

    /** {@inheritDoc} */
    @Override
    public RouteTable build(final RouteSet routes) {
        return Dir24Tables.build(routes);
    }
}
