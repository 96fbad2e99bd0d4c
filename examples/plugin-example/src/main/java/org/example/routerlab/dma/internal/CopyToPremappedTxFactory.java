package org.example.routerlab.dma.internal;

import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.dma.DmaStrategyFactory;

/**
 * Registers {@link CopyToPremappedTxStrategy} as {@code dma=copy-to-premapped-tx}. Its own settings (router
 * configuration, prefix {@code dma.}): {@code dma.rx.pool} and {@code dma.tx.pool}, buffers per port for receiving
 * and for transmitting (0, the default: the port's ring size plus {@value #SLACK}).
 */
@Component(service = DmaStrategyFactory.class, property = "routerlab.name=" + CopyToPremappedTxFactory.NAME)
public final class CopyToPremappedTxFactory implements DmaStrategyFactory {
    static final String NAME = "copy-to-premapped-tx";
    /** Buffers beyond a ring's size: the frames of one burst between receive and transmit. */
    static final int SLACK = 64;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "example plug-in: every buffer premapped once; frames copied into the egress port's premapped tx buffers";
    }

    @Override
    public DmaStrategy create(final Map<String, String> config) {
        return new CopyToPremappedTxStrategy(NAME, setting(config, "dma.rx.pool"), setting(config, "dma.tx.pool"));
    }

    private static int setting(final Map<String, String> config, final String key) {
        final String text = config.get(key);
        if (text == null || text.isBlank()) {
            return 0;
        }
        final int value;
        try {
            value = Integer.parseInt(text.strip());
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + text + " is not a whole number");
        }
        if (value < 0 || value > 65_536) {
            throw new IllegalArgumentException(key + "=" + text + " must be in 0..65536 (0: ring size + " + SLACK + ")");
        }
        return value;
    }
}
