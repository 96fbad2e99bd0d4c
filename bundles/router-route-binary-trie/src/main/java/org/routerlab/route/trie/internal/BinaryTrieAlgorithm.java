package org.routerlab.route.trie.internal;

import org.osgi.service.component.annotations.Component;
import org.routerlab.api.nic.NicBackend;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;
import org.routerlab.api.route.RoutingAlgorithm;

/**
 * The reference longest-prefix-match algorithm: a plain binary trie, up to 32 dependent loads per lookup.
 * Slow but obviously right, it is the oracle that the fast algorithms are tested against.
 */
@Component(service = RoutingAlgorithm.class, property = NicBackend.NAME_PROPERTY + "=" + BinaryTrieAlgorithm.NAME)
public final class BinaryTrieAlgorithm implements RoutingAlgorithm {
    /** The name users select it by ({@code --set routing=binary-trie}). */
    public static final String NAME = "binary-trie";

    /** {@inheritDoc} */
    @Override
    public String name() {
        return NAME;
    }

    /** {@inheritDoc} */
    @Override
    public String description() {
        return "binary trie: one bit per level, the reference oracle";
    }

    /** {@inheritDoc} */
    @Override
    public RouteTable build(final RouteSet routes) {
        return BinaryTrieTable.build(routes);
    }
}
