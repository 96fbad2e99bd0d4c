package org.routerlab.api.nic;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

/** Counters of one port: a single writer (the thread driving the port), readers anywhere. */
public final class PortCounters {
    private final AtomicLongArray values = new AtomicLongArray(PortCounter.count());
    private volatile Supplier<? extends Map<String, Long>> extra;

    public void add(final PortCounter counter, final long delta) {
        final int id = counter.id();
        values.setRelease(id, values.getPlain(id) + delta);
    }

    public long get(final PortCounter counter) { return values.getAcquire(counter.id()); }

    /**
     * The {@link PortCounter}s keyed by {@link PortCounter#key()}, in id order, then the backend's own counters
     * (see {@link #extra}), so that they reach the run summary, {@code --json} and the status.
     */
    public Map<String, Long> snapshot() {
        final Map<String, Long> map = new LinkedHashMap<>();
        for (final PortCounter c : PortCounter.values()) {
            map.put(c.key(), get(c));
        }
        final Supplier<? extends Map<String, Long>> more = extra;
        if (more != null) {
            more.get().forEach(map::putIfAbsent);
        }
        return map;
    }

    /**
     * Adds a backend's own counters of this port (ARP and ICMP sent, the kernel's socket statistics, …) to every
     * {@link #snapshot()}, after the {@link PortCounter}s, whose keys they cannot replace. The supplier is called
     * from any thread, must be thread-safe and cheap, and should return the same keys every time. Not part of
     * traces (which record {@link PortCounter} ids). Replaces an earlier supplier; null removes it.
     *
     * @since 1.3
     */
    public void extra(final Supplier<? extends Map<String, Long>> supplier) {
        this.extra = supplier;
    }
}
