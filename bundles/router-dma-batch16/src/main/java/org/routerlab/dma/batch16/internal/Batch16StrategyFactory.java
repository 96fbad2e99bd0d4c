package org.routerlab.dma.batch16.internal;

import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.dma.DmaStrategyFactory;
import org.routerlab.api.nic.NicBackend;
import org.routerlab.dma.perpacket.ClassicDriverStrategy;

/**
 * {@code dma=batch-16}: ixgbevf 2.0's receive refill. Consumed rx buffers are replaced in groups of
 * {@code IXGBEVF_RX_BUFFER_WRITE} = 16 (each allocated and mapped, one tail write per group:
 * {@code ixgbevf_clean_rx_irq} calls {@code ixgbevf_alloc_rx_buffers} once {@code cleaned_count >= 16});
 * transmit is per-packet. The group is {@code dma.batch} (default 16, notes/costs.md A1).
 */
@Component(service = DmaStrategyFactory.class, property = NicBackend.NAME_PROPERTY + "=batch-16")
public final class Batch16StrategyFactory implements DmaStrategyFactory {
    static final String NAME = "batch-16";
    /** ixgbevf.h: {@code #define IXGBEVF_RX_BUFFER_WRITE 16}. */
    static final int IXGBEVF_RX_BUFFER_WRITE = 16;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "ixgbevf 2.0: refill rx in groups of 16 (one tail write each), map per packet";
    }

    @Override
    public DmaStrategy create(final Map<String, String> config) {
        final String batch = config.getOrDefault("dma.batch", Integer.toString(IXGBEVF_RX_BUFFER_WRITE)).strip();
        try {
            return new ClassicDriverStrategy(NAME, Integer.parseInt(batch));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("dma.batch=" + batch + " is not a whole number");
        }
    }
}
