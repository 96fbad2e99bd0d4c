package org.routerlab.api.nic;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** Counters of one port: a single writer (the thread driving the port), readers anywhere. */
public final class PortCounters {
    private final AtomicLongArray values = new AtomicLongArray(PortCounter.count());

    public void add(final PortCounter counter, final long delta) {
        final int id = counter.id();
        values.setRelease(id, values.getPlain(id) + delta);
    }

    public long get(final PortCounter counter) { return values.getAcquire(counter.id()); }

    public Map<String, Long> snapshot() {
        final Map<String, Long> map = new LinkedHashMap<>();
        for (final PortCounter c : PortCounter.values()) {
            map.put(c.key(), get(c));
        }
        return map;
    }
}
