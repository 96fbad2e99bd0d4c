package org.routerlab.nic.ixgbevf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.routerlab.api.platform.PlatformCounters;
import org.routerlab.api.platform.PlatformOp;

class IommuTest {
    private final PlatformCounters published = new PlatformCounters();
    private final OpCounts counters = new OpCounts(published);
    private final ModeledClock clock = new ModeledClock(counters, 1, false);

    private Iommu iommu(final String profile, final int highWater) {
        return new Iommu(2, 4096, CostProfile.named(profile), counters, clock, highWater,
                Iommu.DEFAULT_TIMEOUT_NANOS);
    }

    @Test
    void shouldTranslateOnlyMappedPagesWithTheirPermission() {
        final Iommu m = iommu("iommu-strict", 250);
        final long bus = m.map(0, 3 * 4096L + 100, 1000, false, true);
        assertEquals(3 * 4096L + 100, m.translate(0, bus, true));
        assertEquals(-1, m.translate(0, bus, false), "write-only mapping");
        assertEquals(-1, m.translate(1, bus, true), "another device's domain");
        final long tx = m.map(1, 5 * 4096L + 2048, 2048, true, false);
        assertEquals(5 * 4096L + 2048, m.translate(1, tx, false));
        assertEquals(2, m.liveEntries());
        assertEquals(2, counters.get(PlatformOp.IOMMU_MAP));
    }

    @Test
    void shouldMapAStraddlingRangeOnTwoPages() {
        final Iommu m = iommu("iommu-strict", 250);
        final long bus = m.map(0, 4096L + 3000, 2048, true, true);
        assertEquals(4096L + 3000, m.translate(0, bus, true));
        assertEquals(2 * 4096L, m.translate(0, (bus | 0xFFF) + 1, true), "the second page is the next frame");
        assertEquals(1, Iommu.orderFor(4096L + 3000, 2048));
        assertEquals(0, Iommu.orderFor(4096L, 2048));
    }

    @Test
    void shouldInvalidateOnEveryUnmapWhenStrict() {
        final Iommu m = iommu("iommu-strict", 250);
        for (int i = 0; i < 10; i++) {
            m.unmap(0, m.map(0, 4096L * i, 2048, true, true));
        }
        assertEquals(10, counters.get(PlatformOp.IOTLB_INVALIDATION));
        assertEquals(10, counters.get(PlatformOp.IOMMU_UNMAP));
        assertEquals(0, m.liveEntries());
    }

    @Test
    void shouldDeferInvalidationsToTheHighWaterMark() {
        final Iommu m = iommu("iommu-lazy", 250);
        final long first = m.map(0, 0, 2048, true, true);
        m.unmap(0, first);
        assertEquals(-1, m.translate(0, first, true), "the page table entry is gone at once");
        assertEquals(0, counters.get(PlatformOp.IOTLB_INVALIDATION));
        for (int i = 1; i < 249; i++) {
            final long bus = m.map(0, 4096L * i, 2048, true, true);
            assertNotEquals(first, bus, "a queued IOVA is not reused before the flush");
            m.unmap(0, bus);
        }
        assertEquals(249, m.queued());
        assertEquals(0, counters.get(PlatformOp.IOTLB_INVALIDATION));
        m.unmap(0, m.map(0, 0, 2048, true, true));
        assertEquals(0, m.queued());
        assertEquals(1, counters.get(PlatformOp.IOTLB_INVALIDATION), "one global flush for 250 unmaps");
    }

    @Test
    void shouldFlushDeferredInvalidationsAfterTenMillisecondsOfTimeline() {
        final Iommu m = iommu("iommu-lazy", 250);
        m.unmap(0, m.map(0, 0, 2048, true, true));
        clock.charge(10_000_000_000L); // 10 ms
        m.unmap(0, m.map(0, 4096, 2048, true, true));
        assertEquals(1, counters.get(PlatformOp.IOTLB_INVALIDATION));
        assertEquals(0, m.queued());
    }

    @Test
    void shouldTrapOnMapAndUnmapWithAVirtualIommu() {
        final Iommu m = iommu("kvm-viommu", 250);
        final CostProfile costs = CostProfile.named("kvm-viommu");
        m.unmap(1, m.map(1, 0, 2048, true, false));
        assertEquals(2, counters.get(PlatformOp.IOTLB_INVALIDATION), "caching mode: map and unmap invalidate");
        assertEquals(costs.picos(CostParameter.IOMMU_MAP) + costs.picos(CostParameter.IOMMU_UNMAP)
                + 2 * (costs.picos(CostParameter.IOTLB_INVALIDATE) + costs.picos(CostParameter.VIOMMU_TRAP)),
                clock.busyPicos());
    }

    @Test
    void shouldRefuseDoubleUnmapAndFailWhenTheIovaSpaceIsFull() {
        final Iommu m = new Iommu(1, 8, CostProfile.named("iommu-strict"), counters, clock, 250, 1);
        final long bus = m.map(0, 0, 64, true, true);
        m.unmap(0, bus);
        assertThrows(IllegalStateException.class, () -> m.unmap(0, bus));
        for (int i = 0; i < 8; i++) {
            assertTrue(m.map(0, 4096L * i, 64, true, true) >= 0);
        }
        assertEquals(-1, m.map(0, 0, 64, true, true), "IOVA space exhausted");
    }
}
