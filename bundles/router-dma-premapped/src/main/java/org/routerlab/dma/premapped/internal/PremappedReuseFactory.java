package org.routerlab.dma.premapped.internal;

import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.dma.DmaStrategyFactory;
import org.routerlab.api.nic.NicBackend;

/** Registers the 2012 paper's strategy as {@code dma=premapped-reuse}. */
@Component(service = DmaStrategyFactory.class, property = NicBackend.NAME_PROPERTY + "=premapped-reuse")
public final class PremappedReuseFactory implements DmaStrategyFactory {
    static final String NAME = "premapped-reuse";
    /** The per-buffer tables a detached strategy leaves for the next one (a hot swap creates one per swap). */
    private final BufferTables.Spare spare = new BufferTables.Spare();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "the 2012 paper: premapped rotating rx rings, transmit from the receive buffer by granting the egress device";
    }

    @Override
    public DmaStrategy create(final Map<String, String> config) {
        return new PremappedReuseStrategy(NAME, positive(config, "dma.rings", 2, 2, 64),
                positive(config, "dma.ring.size", 0, 0, 65536), spare);
    }

    /** For tests: the tables a detached strategy left, or null. */
    BufferTables spare() {
        return spare.peek();
    }

    private static int positive(final Map<String, String> config, final String key, final int def, final int min,
            final int max) {
        final String text = config.get(key);
        if (text == null || text.isBlank()) {
            return def;
        }
        final int value;
        try {
            value = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + text + " is not a whole number");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + "=" + text + " must be in " + min + ".." + max);
        }
        return value;
    }
}
