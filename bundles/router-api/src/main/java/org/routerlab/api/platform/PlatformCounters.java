package org.routerlab.api.platform;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The counters of a platform, indexed by {@link PlatformOp#id()}. Written by the one thread that drives the
 * platform (single writer, release stores), readable at any time from any thread (acquire loads).
 */
public final class PlatformCounters {
    private final AtomicLongArray values = new AtomicLongArray(PlatformOp.count());

    /** Adds {@code delta} to {@code op}. Single writer only. */
    public void add(final PlatformOp op, final long delta) {
        final int id = op.id();
        values.setRelease(id, values.getPlain(id) + delta);
    }

    public void increment(final PlatformOp op) { add(op, 1); }

    public long get(final PlatformOp op) { return values.getAcquire(op.id()); }

    /** A copy keyed by {@link PlatformOp#key()}, in id order. */
    public Map<String, Long> snapshot() {
        final Map<String, Long> map = new LinkedHashMap<>();
        for (final PlatformOp op : PlatformOp.values()) {
            map.put(op.key(), get(op));
        }
        return map;
    }
}
