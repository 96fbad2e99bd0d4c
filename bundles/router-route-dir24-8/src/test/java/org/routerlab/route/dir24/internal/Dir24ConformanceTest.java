package org.routerlab.route.dir24.internal;

import org.routerlab.api.route.RoutingAlgorithm;
import org.routerlab.testkit.route.RoutingAlgorithmConformance;

/** The routing plug-in conformance suite of router-testkit, for DIR-24-8. */
class Dir24ConformanceTest extends RoutingAlgorithmConformance {
    @Override
    protected RoutingAlgorithm algorithm() {
        return new Dir24Algorithm();
    }
}
