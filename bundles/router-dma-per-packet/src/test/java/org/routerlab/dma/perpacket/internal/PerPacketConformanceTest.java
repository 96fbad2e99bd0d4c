package org.routerlab.dma.perpacket.internal;

import org.routerlab.api.dma.DmaStrategyFactory;
import org.routerlab.testkit.dma.DmaStrategyConformance;

class PerPacketConformanceTest extends DmaStrategyConformance {
    @Override
    protected DmaStrategyFactory factory() {
        return new PerPacketStrategyFactory();
    }
}
