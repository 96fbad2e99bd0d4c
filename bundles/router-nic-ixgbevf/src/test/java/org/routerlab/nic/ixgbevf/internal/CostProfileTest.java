package org.routerlab.nic.ixgbevf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CostProfileTest {
    @Test
    void shouldOfferTheSixProfilesWithXenPvAsDefault() {
        assertEquals("xen-pv", CostProfile.of(null, Map.of()).name());
        for (final String name : new String[] {"paper", "xen-pv", "iommu-strict", "iommu-lazy", "kvm-viommu", "none"}) {
            assertEquals(name, CostProfile.named(name).name());
        }
        assertTrue(CostProfile.named("paper").kind().bounceAlways);
        assertTrue(CostProfile.named("paper").kind().hypercallPerMapping);
        assertTrue(CostProfile.named("xen-pv").kind().xen);
        assertFalse(CostProfile.named("xen-pv").kind().bounceAlways);
        assertEquals(CostProfile.Invalidation.STRICT, CostProfile.named("iommu-strict").kind().invalidation);
        assertEquals(CostProfile.Invalidation.DEFERRED, CostProfile.named("iommu-lazy").kind().invalidation);
        assertTrue(CostProfile.named("kvm-viommu").kind().virtualIommu);
        assertFalse(CostProfile.named("none").kind().iommu());
        assertFalse(CostProfile.named("none").kind().xen);
    }

    @Test
    void shouldRejectAnUnknownProfileWithTheKnownOnes() {
        assertEquals("profile=xen is not a cost profile (profiles: paper, xen-pv, iommu-strict, iommu-lazy, kvm-viommu, "
                + "none)", assertThrows(IllegalArgumentException.class, () -> CostProfile.named("xen")).getMessage());
    }

    @Test
    void shouldOverrideAParameterInNanoseconds() {
        final CostProfile p = CostProfile.of("paper", Map.of("cost.hypercall", "200.5", "cost.mode", "spin",
                "nic.rx.ring", "512"));
        assertEquals(200_500, p.picos(CostParameter.HYPERCALL));
        assertEquals(CostParameter.IOTLB_INVALIDATE.defaultPicos(), p.picos(CostParameter.IOTLB_INVALIDATE));
        assertEquals(17, p.picos(CostParameter.COPY_PER_BYTE));
        assertTrue(p.toString().contains("hypercall=200.500"), p.toString());
    }

    @Test
    void shouldRejectAnUnknownCostOrABadValue() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> CostProfile.of("none", Map.of("cost.hypercal", "1"))).getMessage()
                .startsWith("cost.hypercal=1: no such cost parameter (parameters: rx.poll, "));
        assertEquals("cost.hypercall=-1 must be in 0..1000000000 ns", assertThrows(IllegalArgumentException.class,
                () -> CostProfile.of("none", Map.of("cost.hypercall", "-1"))).getMessage());
        assertEquals("cost.hypercall=fast is not a number of nanoseconds", assertThrows(IllegalArgumentException.class,
                () -> CostProfile.of("none", Map.of("cost.hypercall", "fast"))).getMessage());
    }

    @Test
    void shouldDocumentEveryParameterAndKeyInModelMd() throws Exception {
        final String model = Files.readString(Path.of("MODEL.md"));
        for (final CostParameter p : CostParameter.values()) {
            assertTrue(model.contains("`cost." + p.key() + "`"), "MODEL.md documents cost." + p.key());
        }
        for (final String key : IxgbevfConfig.KEYS) {
            assertTrue(model.contains("`" + key + "`"), "MODEL.md documents " + key);
        }
        for (final String profile : new String[] {"paper", "xen-pv", "iommu-strict", "iommu-lazy", "kvm-viommu", "none"}) {
            assertTrue(model.contains("`" + profile + "`"), "MODEL.md describes profile " + profile);
        }
    }
}
