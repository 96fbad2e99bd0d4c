package org.routerlab.dma.premapped.internal;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The per-buffer tables of one {@link PremappedReuseStrategy} (owner port, owner ring, premapped handle, granted
 * device), indexed by buffer id, so sized by the platform's buffer count: about 160 KiB for 8,192 buffers.
 *
 * <p>A hot swap creates a new strategy each time, and a thousand swaps' worth of fresh tables fill the young
 * generation and bring on a collection that stops the forwarding thread for 15–20 ms (G1 on a 2-vCPU VM). So a
 * strategy that has released every buffer hands its tables to its factory's {@link Spare}, and the next one reuses
 * them, table by table ({@link #reuse}), instead of allocating: one set is kept, which is all alternating swaps need.
 */
record BufferTables(int[] ownerPort, int[] ownerRing, long[] handle, int[] granted) {

    /** {@code old} cleared to zero if it has {@code buffers} entries, else a new table. */
    static int[] reuse(final int[] old, final int buffers, final int fill) {
        if (old == null || old.length != buffers) {
            final int[] fresh = new int[buffers];
            if (fill != 0) {
                Arrays.fill(fresh, fill);
            }
            return fresh;
        }
        Arrays.fill(old, fill);
        return old;
    }

    /** {@code old} cleared to zero if it has {@code buffers} entries, else a new table. */
    static long[] reuse(final long[] old, final int buffers) {
        if (old == null || old.length != buffers) {
            return new long[buffers];
        }
        Arrays.fill(old, 0L);
        return old;
    }

    /** At most one set of tables no strategy uses, shared by the strategies of one factory (any thread). */
    static final class Spare {
        /**
         * Made where the factory is made: that loads this record there too, and not on the forwarding thread at a
         * hot swap (loading a class through the framework takes hundreds of microseconds).
         */
        private static final BufferTables NONE = new BufferTables(null, null, null, null);
        private final AtomicReference<BufferTables> spare = new AtomicReference<>();

        /** The spare set, now the caller's, or a set of nulls (allocate). */
        BufferTables take() {
            final BufferTables t = spare.getAndSet(null);
            return t == null ? NONE : t;
        }

        /** Keeps {@code t} for the next strategy; the caller must not touch its tables again. */
        void give(final BufferTables t) {
            spare.set(t);
        }

        /** The spare set, if any (for tests). */
        BufferTables peek() {
            return spare.get();
        }
    }
}
