package org.routerlab.route.trie.internal;

import org.routerlab.api.route.RoutingAlgorithm;
import org.routerlab.testkit.route.RoutingAlgorithmConformance;

/** The routing plug-in conformance suite of router-testkit, for the reference binary trie. */
class BinaryTrieConformanceTest extends RoutingAlgorithmConformance {
    @Override
    protected RoutingAlgorithm algorithm() {
        return new BinaryTrieAlgorithm();
    }
}
