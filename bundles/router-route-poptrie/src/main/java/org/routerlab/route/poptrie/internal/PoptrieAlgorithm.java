package org.routerlab.route.poptrie.internal;

import org.osgi.service.component.annotations.Component;
import org.routerlab.api.nic.NicBackend;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;
import org.routerlab.api.route.RoutingAlgorithm;

/**
 * Poptrie (Asai and Ohara, SIGCOMM 2015): a multibit trie compressed with population counts. The top 18 address
 * bits index a direct-pointing array; below it, 6-bit strides in nodes of two 64-bit vectors. A full Internet table
 * takes a few MiB, so lookups mostly hit the cache. Layout in {@link PoptrieLayout}.
 */
@Component(service = RoutingAlgorithm.class, property = NicBackend.NAME_PROPERTY + "=" + PoptrieAlgorithm.NAME)
public final class PoptrieAlgorithm implements RoutingAlgorithm {
    /** The name users select it by ({@code --set routing=poptrie}). */
    public static final String NAME = "poptrie";

    /** {@inheritDoc} */
    @Override
    public String name() {
        return NAME;
    }

    /** {@inheritDoc} */
    @Override
    public String description() {
        return "Poptrie: 2^18 direct pointing + 6-bit popcount-indexed nodes with leaf compression; cache-resident";
    }

    /** {@inheritDoc} */
    @Override
    public RouteTable build(final RouteSet routes) {
        return PoptrieBuilder.build(routes);
    }
}
