package org.routerlab.nic.ixgbevf.internal;

import org.routerlab.api.platform.PlatformCounters;
import org.routerlab.api.platform.PlatformOp;

/**
 * The platform's operation counts as the forwarding thread keeps them: plain increments into an array, published
 * to the shared {@link PlatformCounters} (release stores, readable from any thread) by {@link #publish()} once per
 * poll rather than once per operation. Readers elsewhere see counts at most one poll old; after the run the session
 * publishes everything. Single writer.
 */
final class OpCounts {
    private final PlatformCounters published;
    private final long[] pending = new long[PlatformOp.count()];

    OpCounts(final PlatformCounters published) {
        this.published = published;
    }

    void increment(final PlatformOp op) {
        pending[op.id()]++;
    }

    void add(final PlatformOp op, final long delta) {
        pending[op.id()] += delta;
    }

    /** The count of {@code op}: published plus pending (owning thread only). */
    long get(final PlatformOp op) {
        return published.get(op) + pending[op.id()];
    }

    /** Moves the pending counts into the shared counters. */
    void publish() {
        final long[] p = pending;
        for (int i = 0; i < p.length; i++) {
            if (p[i] != 0) {
                published.add(PlatformOp.byId(i), p[i]);
                p[i] = 0;
            }
        }
    }

    PlatformCounters published() {
        return published;
    }
}
