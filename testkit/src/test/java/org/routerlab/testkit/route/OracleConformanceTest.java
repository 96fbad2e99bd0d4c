package org.routerlab.testkit.route;

import org.routerlab.api.route.RoutingAlgorithm;

/** The suite passes for a correct algorithm (the oracle itself): its expectations are consistent. */
class OracleConformanceTest extends RoutingAlgorithmConformance {
    @Override
    protected RoutingAlgorithm algorithm() {
        return new OracleAlgorithm();
    }
}
