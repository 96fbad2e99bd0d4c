package org.routerlab.dma.recycle.internal;

import org.routerlab.api.dma.DmaStrategyFactory;
import org.routerlab.testkit.dma.DmaStrategyConformance;

class RecycleConformanceTest extends DmaStrategyConformance {
    @Override
    protected DmaStrategyFactory factory() {
        return new RecycleStrategyFactory();
    }
}
