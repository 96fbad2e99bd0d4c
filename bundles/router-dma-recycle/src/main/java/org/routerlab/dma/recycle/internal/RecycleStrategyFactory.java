package org.routerlab.dma.recycle.internal;

import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.dma.DmaStrategyFactory;
import org.routerlab.api.nic.NicBackend;

/** Registers the page_pool-style recycler as {@code dma=recycle}. */
@Component(service = DmaStrategyFactory.class, property = NicBackend.NAME_PROPERTY + "=recycle")
public final class RecycleStrategyFactory implements DmaStrategyFactory {
    static final String NAME = "recycle";
    /** page_pool.c: default ptr_ring size when pool_size is 0 (notes/costs.md C3). */
    static final int PAGE_POOL_RING = 1024;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Linux page_pool style: rx buffers mapped once and recycled; tx mapped per packet on another device";
    }

    @Override
    public DmaStrategy create(final Map<String, String> config) {
        final String text = config.getOrDefault("dma.pool.size", Integer.toString(PAGE_POOL_RING)).strip();
        final int size;
        try {
            size = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("dma.pool.size=" + text + " is not a whole number");
        }
        if (size < 1 || size > 32768) {
            // page_pool.c refuses pool sizes above 32768 (its sanity limit, notes/costs.md C3).
            throw new IllegalArgumentException("dma.pool.size=" + text + " must be in 1..32768");
        }
        return new RecycleStrategy(NAME, size);
    }
}
