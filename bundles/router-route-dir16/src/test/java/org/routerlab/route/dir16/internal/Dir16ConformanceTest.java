package org.routerlab.route.dir16.internal;

import org.routerlab.api.route.RoutingAlgorithm;
import org.routerlab.testkit.route.RoutingAlgorithmConformance;

/** The routing plug-in conformance suite of router-testkit, for DIR-16-8-8. */
class Dir16ConformanceTest extends RoutingAlgorithmConformance {
    @Override
    protected RoutingAlgorithm algorithm() {
        return new Dir16Algorithm();
    }
}
