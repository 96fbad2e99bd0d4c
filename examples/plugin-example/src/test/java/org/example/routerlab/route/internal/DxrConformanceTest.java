package org.example.routerlab.route.internal;

import org.routerlab.api.route.RoutingAlgorithm;
import org.routerlab.testkit.route.RoutingAlgorithmConformance;

/** The routing kit: every answer against the testkit's oracle, bulk, threads, allocation, updates, the full table. */
class DxrConformanceTest extends RoutingAlgorithmConformance {
    @Override
    protected RoutingAlgorithm algorithm() {
        return new DxrAlgorithm();
    }
}
