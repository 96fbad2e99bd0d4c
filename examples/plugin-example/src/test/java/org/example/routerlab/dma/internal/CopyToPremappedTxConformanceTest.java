package org.example.routerlab.dma.internal;

import org.routerlab.api.dma.DmaStrategyFactory;
import org.routerlab.testkit.dma.DmaStrategyConformance;

/** The DMA-strategy kit: ownership, faults and leaks under drops, stalls, full tx rings and repeated attach. */
class CopyToPremappedTxConformanceTest extends DmaStrategyConformance {
    @Override
    protected DmaStrategyFactory factory() {
        return new CopyToPremappedTxFactory();
    }
}
