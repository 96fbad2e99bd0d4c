package org.routerlab.core.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import org.routerlab.api.engine.DropReason;
import org.routerlab.api.engine.RouterCounter;

/**
 * The engine's counters, laid out as {@link RouterCounter} ids with the drop reasons from
 * {@link RouterCounter#DROPS_BASE}. The forwarding thread is the single writer and publishes once per burst with
 * release stores; control-plane readers use acquire loads.
 */
final class EngineCounters {
    private final AtomicLongArray values = new AtomicLongArray(RouterCounter.SIZE);

    /** Adds {@code delta} at {@code index}. Forwarding thread only. */
    void add(final int index, final long delta) {
        if (delta != 0) {
            values.setRelease(index, values.getPlain(index) + delta);
        }
    }

    void add(final RouterCounter counter, final long delta) {
        add(counter.id(), delta);
    }

    void addDrop(final int reasonId, final long delta) {
        add(RouterCounter.DROPS_BASE + reasonId, delta);
        add(RouterCounter.DROPS.id(), delta);
    }

    long get(final RouterCounter counter) {
        return values.getAcquire(counter.id());
    }

    long drop(final DropReason reason) {
        return values.getAcquire(RouterCounter.DROPS_BASE + reason.id());
    }

    /** Copies all values into {@code target} (length {@link RouterCounter#SIZE}). */
    void copyTo(final long[] target) {
        for (int i = 0; i < RouterCounter.SIZE; i++) {
            target[i] = values.getAcquire(i);
        }
    }

    Map<String, Long> drops() {
        final Map<String, Long> map = new LinkedHashMap<>();
        for (final DropReason reason : DropReason.values()) {
            map.put(reason.key(), drop(reason));
        }
        return map;
    }
}
