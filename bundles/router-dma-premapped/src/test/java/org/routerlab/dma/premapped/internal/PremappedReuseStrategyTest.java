package org.routerlab.dma.premapped.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.routerlab.api.platform.PlatformOp;
import org.routerlab.testkit.dma.StrategyHarness;

class PremappedReuseStrategyTest {
    @Test
    void shouldMapOnlyAtAttachAndGrantPerForwardedPacket() throws Exception {
        final StrategyHarness.Result r = StrategyHarness.run(new PremappedReuseFactory(), Map.of(),
                StrategyHarness.Scenario.forwarding());
        // 2 ports x 2 rings x 128 buffers, mapped once each, however many packets went through.
        assertEquals(512, r.platform().get(PlatformOp.DMA_MAP.key()));
        assertTrue(r.received() > 10 * 512, "many times more packets than buffers: " + r.received());
        assertEquals(0, r.platform().get(PlatformOp.COPY.key()), "no copy");
        // The harness alternates egress between the other port (a grant) and, with 2 ports, the same port.
        final long grants = r.platform().get(PlatformOp.PERMISSION_GRANT.key());
        assertTrue(grants > 0 && grants < r.transmitted(), "grants only for the other port: " + grants);
    }

    @Test
    void shouldRotateAndHonourTheConfiguredRingGeometry() throws Exception {
        final StrategyHarness.Result r = StrategyHarness.run(new PremappedReuseFactory(),
                Map.of("dma.rings", "4", "dma.ring.size", "64"), StrategyHarness.Scenario.forwarding());
        assertEquals(2 * 4 * 64, r.platform().get(PlatformOp.DMA_MAP.key()));
    }

    @Test
    void shouldBuildItsTablesOneStageAPrepareStepBeforePremapping() throws Exception {
        try (org.routerlab.api.nic.NicSession session = new org.routerlab.nic.emulated.internal.EmulatedNicBackend()
                .open(Map.of("ports", "p0=10.0.0.1/24,p1=10.1.0.1/24"))) {
            final org.routerlab.api.dma.DmaStrategy s = new PremappedReuseFactory().create(Map.of());
            final org.routerlab.api.dma.DmaContext c = new org.routerlab.api.dma.DmaContext(session.platform(),
                    session.ports());
            // A deadline already past: each step does one stage (the per-buffer tables are tens of KiB each).
            int steps = 0;
            while (s.buffersOutstanding() == 0) {
                org.junit.jupiter.api.Assertions.assertFalse(s.prepare(c, 0));
                steps++;
            }
            assertTrue(steps >= 5, "steps before the first buffer was premapped: " + steps);
            while (!s.prepare(c, 0)) {
                steps++;
            }
            s.attach(c);
            s.detach();
            assertEquals(0, s.buffersOutstanding());
            assertEquals(0, session.platform().liveMappings());
        }
    }

    /**
     * A hot swap creates a strategy per swap: the per-buffer tables of one that has released everything go to the
     * next one of the same factory instead of being allocated again, and the next one forwards with them exactly as
     * with fresh ones (the harness checks ownership, faults and leaks).
     */
    @Test
    void shouldHandItsTablesToTheNextStrategyOnceEverythingIsReleased() throws Exception {
        final PremappedReuseFactory factory = new PremappedReuseFactory();
        final StrategyHarness.Result first = StrategyHarness.run(factory, Map.of(), StrategyHarness.Scenario.forwarding());
        final BufferTables left = factory.spare();
        org.junit.jupiter.api.Assertions.assertNotNull(left, "a detached strategy leaves its tables");
        final StrategyHarness.Result second = StrategyHarness.run(factory, Map.of(),
                StrategyHarness.Scenario.forwarding());
        final BufferTables back = factory.spare();
        org.junit.jupiter.api.Assertions.assertSame(left.handle(), back.handle(), "the second strategy used them");
        org.junit.jupiter.api.Assertions.assertSame(left.granted(), back.granted());
        assertEquals(first.platform().get(PlatformOp.DMA_MAP.key()), second.platform().get(PlatformOp.DMA_MAP.key()));
        assertEquals(first.received(), second.received());
        assertEquals(first.transmitted(), second.transmitted());
    }

    @Test
    void shouldRejectImpossibleGeometry() {
        assertThrows(IllegalArgumentException.class, () -> new PremappedReuseFactory().create(Map.of("dma.rings", "1")));
        assertThrows(IllegalArgumentException.class,
                () -> StrategyHarness.run(new PremappedReuseFactory(), Map.of("dma.ring.size", "60000"),
                        StrategyHarness.Scenario.forwarding()));
    }
}
