package org.routerlab.api.dma;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A DMA-mapping strategy plug-in, registered as an OSGi service with the service property
 * {@value org.routerlab.api.nic.NicBackend#NAME_PROPERTY} set to the name users select it by
 * ({@code --set dma=NAME}). Stateless: {@link #create} makes the strategy instance for one run (or for the
 * new side of a hot swap).
 */
@ConsumerType
public interface DmaStrategyFactory {
    String name();

    default String description() { return name(); }

    /**
     * Creates a strategy instance for one run.
     *
     * @param config the router configuration; a strategy reads its own keys (e.g. {@code dma.rings})
     * @throws IllegalArgumentException for invalid configuration, with a {@code key=value} message
     */
    DmaStrategy create(Map<String, String> config);
}
