package org.routerlab.route.poptrie.internal;

import org.routerlab.api.route.RoutingAlgorithm;
import org.routerlab.testkit.route.RoutingAlgorithmConformance;

/** The routing plug-in conformance suite of router-testkit, for Poptrie. */
class PoptrieConformanceTest extends RoutingAlgorithmConformance {
    @Override
    protected RoutingAlgorithm algorithm() {
        return new PoptrieAlgorithm();
    }
}
