package org.routerlab.nic.ixgbevf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.routerlab.api.platform.PlatformCounters;
import org.routerlab.api.platform.PlatformOp;

class HypervisorTest {
    private final PlatformCounters published = new PlatformCounters();
    private final OpCounts counters = new OpCounts(published);
    private final ModeledClock clock = new ModeledClock(counters, 1, false);
    private final CostProfile costs = CostProfile.named("xen-pv");
    private final Hypervisor hv = new Hypervisor(counters, clock, costs);

    @Test
    void shouldCountEachHypercallByTypeAndChargeEntryPlusWork() {
        hv.call(Hypervisor.Hypercall.GRANT_TABLE_OP);
        hv.call(Hypervisor.Hypercall.GRANT_TABLE_OP);
        hv.call(Hypervisor.Hypercall.MMU_UPDATE);
        hv.call(Hypervisor.Hypercall.MEMORY_EXCHANGE);

        assertEquals(2, counters.get(PlatformOp.HYPERCALL_GRANT_TABLE_OP));
        assertEquals(1, counters.get(PlatformOp.HYPERCALL_MMU_UPDATE));
        assertEquals(1, counters.get(PlatformOp.HYPERCALL_MEMORY_EXCHANGE));
        assertEquals(0, counters.get(PlatformOp.HYPERCALL_MULTICALL));
        final long entry = costs.picos(CostParameter.HYPERCALL);
        assertEquals(4 * entry + 2 * costs.picos(CostParameter.GRANT_TABLE_OP)
                + costs.picos(CostParameter.MMU_UPDATE) + costs.picos(CostParameter.MEMORY_EXCHANGE), clock.busyPicos());
        assertEquals(500_000, 2 * (entry + costs.picos(CostParameter.GRANT_TABLE_OP)),
                "a GNTTABOP map+unmap pair costs costs.md D#4's 500 ns");
    }

    @Test
    void shouldBatchUpTo32EntriesPerMulticall() {
        for (int i = 0; i < 70; i++) {
            hv.queue(Hypervisor.Hypercall.MMU_UPDATE);
        }
        assertEquals(2, counters.get(PlatformOp.HYPERCALL_MULTICALL), "two full batches issued");
        assertEquals(6, hv.pendingEntries());
        assertEquals(0, counters.get(PlatformOp.HYPERCALL_MMU_UPDATE), "entries of a multicall are not hypercalls");
        hv.flush();
        hv.flush();
        assertEquals(3, counters.get(PlatformOp.HYPERCALL_MULTICALL), "the rest in one, an empty flush is nothing");
        assertEquals(3 * costs.picos(CostParameter.HYPERCALL) + 70 * costs.picos(CostParameter.MMU_UPDATE),
                clock.busyPicos());
    }

    @Test
    void shouldCreateAContiguousRegionWithTwoMulticallPhasesAndOneExchange() {
        hv.createContiguousRegion(64); // one IO_TLB_SEGSIZE chunk of the swiotlb aperture
        assertEquals(1, counters.get(PlatformOp.HYPERCALL_MEMORY_EXCHANGE));
        assertEquals(4, counters.get(PlatformOp.HYPERCALL_MULTICALL), "64 zaps and 64 remaps in batches of 32");
        hv.createContiguousRegion(2);
        assertEquals(6, counters.get(PlatformOp.HYPERCALL_MULTICALL));
    }

    @Test
    void shouldChargeSetupWorkApartFromTheRun() {
        hv.setup(true);
        hv.createContiguousRegion(64);
        hv.setup(false);
        assertEquals(0, clock.busyPicos());
        assertEquals((5 * costs.picos(CostParameter.HYPERCALL) + costs.picos(CostParameter.MEMORY_EXCHANGE)
                + 128 * costs.picos(CostParameter.MULTICALL_ENTRY)) / 1000, clock.setupNanos());
    }
}
