package org.routerlab.nic.ixgbevf.internal;

import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.routerlab.api.nic.NicBackend;
import org.routerlab.testkit.nic.NicBackendConformance;

/**
 * {@code nic=ixgbevf} passes the NIC backend suite under its default profile ({@code xen-pv}: swiotlb-xen, bounce
 * only where needed) and under the profiles whose platforms differ most: {@code paper} (every mapping a hypercall
 * and a bounce) and {@code iommu-strict} (a grant is an IOMMU mapping of its own).
 */
class IxgbevfBackendConformanceTest extends NicBackendConformance {
    @Override
    protected NicBackend backend() {
        return new IxgbevfNicBackend();
    }

    @Override
    protected Map<String, String> config() {
        return Map.of("nic.rx.ring", "128", "nic.tx.ring", "256");
    }

    @Nested
    class Paper extends NicBackendConformance {
        @Override
        protected NicBackend backend() {
            return new IxgbevfNicBackend();
        }

        @Override
        protected Map<String, String> config() {
            return Map.of("profile", "paper", "nic.rx.ring", "128", "nic.tx.ring", "256");
        }
    }

    @Nested
    class IommuStrict extends NicBackendConformance {
        @Override
        protected NicBackend backend() {
            return new IxgbevfNicBackend();
        }

        @Override
        protected Map<String, String> config() {
            return Map.of("profile", "iommu-strict", "nic.rx.ring", "128", "nic.tx.ring", "256");
        }
    }
}
