package org.routerlab.testkit.nic;

import java.util.Map;
import org.routerlab.api.nic.NicBackend;
import org.routerlab.nic.emulated.internal.EmulatedNicBackend;

/** {@code nic=emulated} passes the NIC backend suite (with small rings, so that filling them is quick). */
class EmulatedBackendConformanceTest extends NicBackendConformance {
    @Override
    protected NicBackend backend() {
        return new EmulatedNicBackend();
    }

    @Override
    protected Map<String, String> config() {
        return Map.of("nic.rx.ring", "128", "nic.tx.ring", "256");
    }
}
