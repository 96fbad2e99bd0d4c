package org.routerlab.dma.perpacket.internal;

import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.dma.DmaStrategyFactory;
import org.routerlab.api.nic.NicBackend;
import org.routerlab.dma.perpacket.ClassicDriverStrategy;

/** Registers the classic per-packet strategy as {@code dma=per-packet}. */
@Component(service = DmaStrategyFactory.class, property = NicBackend.NAME_PROPERTY + "=per-packet")
public final class PerPacketStrategyFactory implements DmaStrategyFactory {
    static final String NAME = "per-packet";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "classic driver: map each rx buffer when posted, unmap on receive; map before tx, unmap on completion";
    }

    @Override
    public DmaStrategy create(final Map<String, String> config) {
        return new ClassicDriverStrategy(NAME, 1);
    }
}
