package org.routerlab.dma.batch16.internal;

import org.routerlab.api.dma.DmaStrategyFactory;
import org.routerlab.testkit.dma.DmaStrategyConformance;

class Batch16ConformanceTest extends DmaStrategyConformance {
    @Override
    protected DmaStrategyFactory factory() {
        return new Batch16StrategyFactory();
    }
}
