package org.routerlab.api.dma;

import java.util.List;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.platform.DmaPlatform;

/**
 * What a strategy is attached to: the platform it maps through and the ports whose rings it feeds.
 *
 * @param platform the mechanism; the strategy is the policy
 * @param ports the ports, indexed by {@link org.routerlab.api.nic.PortInfo#index()}
 */
public record DmaContext(DmaPlatform platform, List<NicPort> ports) {
    public DmaContext {
        ports = List.copyOf(ports);
    }
}
