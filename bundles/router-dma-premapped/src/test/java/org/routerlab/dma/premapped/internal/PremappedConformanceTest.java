package org.routerlab.dma.premapped.internal;

import org.routerlab.api.dma.DmaStrategyFactory;
import org.routerlab.testkit.dma.DmaStrategyConformance;

class PremappedConformanceTest extends DmaStrategyConformance {
    @Override
    protected DmaStrategyFactory factory() {
        return new PremappedReuseFactory();
    }
}
