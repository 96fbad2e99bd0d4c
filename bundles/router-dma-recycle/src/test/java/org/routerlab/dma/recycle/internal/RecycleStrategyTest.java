package org.routerlab.dma.recycle.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.routerlab.api.platform.PlatformOp;
import org.routerlab.testkit.dma.StrategyHarness;

class RecycleStrategyTest {
    @Test
    void shouldMapRxBuffersOnceAndTxPerPacketOnAnotherDevice() throws Exception {
        final StrategyHarness.Result r = StrategyHarness.run(new RecycleStrategyFactory(), Map.of(),
                StrategyHarness.Scenario.forwarding());
        final long maps = r.platform().get(PlatformOp.DMA_MAP.key());
        final long allocs = r.platform().get(PlatformOp.BUFFER_ALLOC.key());
        assertTrue(allocs < r.received() / 5, "buffers are recycled, not reallocated: " + allocs);
        assertTrue(maps - allocs < r.transmitted(), "only frames for the other device are mapped per packet");
        assertTrue(maps - allocs > 0, "frames to the other device are mapped");
        assertTrue(r.platform().get(PlatformOp.DMA_SYNC.key()) >= r.received(), "a sync for the CPU per packet");
    }

    @Test
    void shouldShrinkThePoolWhenItOverflows() throws Exception {
        final StrategyHarness.Result r = StrategyHarness.run(new RecycleStrategyFactory(), Map.of("dma.pool.size", "8"),
                StrategyHarness.Scenario.forwarding());
        assertTrue(r.platform().get(PlatformOp.BUFFER_FREE.key()) > 100, "returning buffers beyond 8 are freed");
    }
}
