package org.routerlab.testkit.dma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.routerlab.api.dma.DmaStrategyFactory;
import org.routerlab.api.platform.PlatformOp;

/**
 * The conformance suite every DMA-mapping strategy passes. Extend it in your plug-in's tests:
 * <pre>
 * class MyStrategyConformanceTest extends DmaStrategyConformance {
 *     protected DmaStrategyFactory factory() { return new MyStrategyFactory(); }
 * }
 * </pre>
 * It runs the strategy on the emulated NIC backend through {@link StrategyHarness}: plain forwarding, drops,
 * egress stalls with full tx rings, everything dropped, and repeated attach/detach (as a hot swap does), and checks
 * that no buffer is in two places, nothing faults, every packet is transmitted or released and nothing leaks.
 */
public abstract class DmaStrategyConformance {
    /** The strategy under test. */
    protected abstract DmaStrategyFactory factory();

    /** Extra configuration for the strategy (its own keys under {@code dma.}). */
    protected Map<String, String> config() {
        return Map.of();
    }

    @Test
    void shouldForwardWithoutFaultsOrLeaks() throws Exception {
        final StrategyHarness.Result r = StrategyHarness.run(factory(), config(), StrategyHarness.Scenario.forwarding());
        assertTrue(r.received() > 1000, "the strategy kept the rx rings fed: " + r.received());
        assertEquals(r.received(), r.transmitted(), "nothing dropped in plain forwarding");
    }

    @Test
    void shouldTakeBackDroppedPackets() throws Exception {
        final StrategyHarness.Result r = StrategyHarness.run(factory(), config(),
                StrategyHarness.Scenario.forwarding().dropping(3));
        assertTrue(r.released() > 0);
    }

    @Test
    void shouldSurviveEgressStallsAndFullTxRings() throws Exception {
        final StrategyHarness.Result r = StrategyHarness.run(factory(), config(),
                StrategyHarness.Scenario.forwarding().stalling(20, 12));
        assertTrue(r.released() > 0, "stalls filled the tx rings, so some packets were refused");
        assertTrue(r.received() > 1000, "and forwarding resumed after each stall");
    }

    @Test
    void shouldSurviveDroppingEverything() throws Exception {
        final StrategyHarness.Result r = StrategyHarness.run(factory(), config(),
                StrategyHarness.Scenario.forwarding().dropping(1));
        assertEquals(0, r.transmitted());
        assertEquals(r.received(), r.released());
    }

    @Test
    void shouldAttachAndDetachRepeatedly() throws Exception {
        for (int i = 0; i < 20; i++) {
            final StrategyHarness.Result r = StrategyHarness.run(factory(), config(),
                    new StrategyHarness.Scenario(10, 5, 0, 0, 64, 64, 16));
            assertEquals(r.platform().get(PlatformOp.DMA_MAP.key()), r.platform().get(PlatformOp.DMA_UNMAP.key()));
        }
    }
}
