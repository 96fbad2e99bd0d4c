package org.example.routerlab.dma.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.routerlab.api.platform.PlatformOp;
import org.routerlab.testkit.dma.StrategyHarness;

/** What the strategy promises beyond the kit: mappings only at attach, one copy per transmitted frame. */
class CopyToPremappedTxStrategyTest {
    @Test
    void shouldMapOnlyAtAttachAndCopyEachTransmittedFrame() throws Exception {
        final StrategyHarness.Scenario scenario = StrategyHarness.Scenario.forwarding().dropping(5);
        final StrategyHarness.Result r = StrategyHarness.run(new CopyToPremappedTxFactory(), Map.of(), scenario);
        final Map<String, Long> p = r.platform();
        // Two ports, each: rx ring (128) + 64 receive buffers and tx ring capacity (128) + 64 transmit buffers.
        final long pools = 2 * ((scenario.rxRing() + 64) + (scenario.txRing() + 64));
        assertEquals(pools, p.get(PlatformOp.DMA_MAP.key()), "one mapping per premapped buffer, none per packet");
        assertEquals(pools, p.get(PlatformOp.BUFFER_ALLOC.key()));
        assertEquals(0, p.get(PlatformOp.PERMISSION_GRANT.key()), "no device permission changes on the data path");
        assertTrue(p.get(PlatformOp.COPY.key()) >= r.transmitted(), "every transmitted frame was copied once");
        assertTrue(r.released() > 0);
    }

    @Test
    void shouldRefusePoolsLargerThanThePlatform() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StrategyHarness.run(
                new CopyToPremappedTxFactory(), Map.of("dma.tx.pool", "60000"), StrategyHarness.Scenario.forwarding()));
        assertTrue(e.getMessage().contains("dma.tx.pool=60000"), e.getMessage());
    }

    @Test
    void shouldRefuseAMalformedSetting() {
        assertThrows(IllegalArgumentException.class,
                () -> new CopyToPremappedTxFactory().create(Map.of("dma.rx.pool", "many")));
    }
}
