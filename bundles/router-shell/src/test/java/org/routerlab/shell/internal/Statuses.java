package org.routerlab.shell.internal;

import java.util.HashMap;
import java.util.Map;
import org.routerlab.api.engine.EngineState;
import org.routerlab.api.engine.RouterStatus;

/** Builds {@link RouterStatus} values for tests. */
final class Statuses {
    private Statuses() {
    }

    static RouterStatus status(final EngineState state, final long rx, final long tx, final long wallNanos,
            final Map<String, Long> drops, final Map<String, Long> platform) {
        final Map<String, Long> allDrops = new HashMap<>();
        for (final String key : RouterStatus.dropKeys()) {
            allDrops.put(key, 0L);
        }
        allDrops.putAll(drops);
        return new RouterStatus(state, "emulated", "per-packet", "binary-trie", rx, tx, rx * 64, tx * 64, allDrops,
                platform, Map.of("p0", Map.of("rx_packets", rx, "tx_packets", tx, "rx_missed", 0L)), wallNanos,
                wallNanos / 10, 43, 0, 0, rx, null, 0);
    }

    static RouterStatus idle() {
        return status(EngineState.IDLE, 0, 0, 0, Map.of(), Map.of());
    }
}
