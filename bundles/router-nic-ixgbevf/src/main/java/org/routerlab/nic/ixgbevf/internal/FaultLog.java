package org.routerlab.nic.ixgbevf.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The trace of DMA faults: the last {@value #CAPACITY} faults with their modeled time, device, bus address, length
 * and cause, kept in a ring (no allocation per fault), plus the total. The engine's trace sink is not reachable from
 * a backend through the API, so this is where a fault is traced; the session logs the first ones when it closes.
 * Single writer (the forwarding thread).
 */
final class FaultLog {
    static final int CAPACITY = 64;

    /** Why the device's access was refused. */
    enum Cause {
        /** The bus address is no memory of this guest (never mapped, or a stale handle). */
        UNMAPPED("no mapping at this bus address"),
        /** Mapped, but not for this device, or not in this direction, and not granted. */
        NO_PERMISSION("mapped, but not for this device and direction, and not granted"),
        /** The access runs past the end of what is mapped. */
        OUT_OF_RANGE("runs past the end of the mapping"),
        /** The range crosses onto a machine frame that is not the next pseudo-physical frame. */
        DISCONTIGUOUS("crosses onto a machine frame that is not the buffer's");

        final String text;

        Cause(final String text) {
            this.text = text;
        }
    }

    private final long[] time = new long[CAPACITY];
    private final int[] device = new int[CAPACITY];
    private final long[] bus = new long[CAPACITY];
    private final int[] length = new int[CAPACITY];
    private final boolean[] write = new boolean[CAPACITY];
    private final Cause[] cause = new Cause[CAPACITY];
    private long total;

    void record(final long modeledNanos, final int dev, final long address, final int bytes, final boolean isWrite,
            final Cause why) {
        final int i = (int) (total % CAPACITY);
        time[i] = modeledNanos;
        device[i] = dev;
        bus[i] = address;
        length[i] = bytes;
        write[i] = isWrite;
        cause[i] = why;
        total++;
    }

    long total() { return total; }

    /** The faults still in the ring, oldest first, one line each. */
    List<String> lines() {
        final List<String> lines = new ArrayList<>();
        final long first = Math.max(0, total - CAPACITY);
        for (long n = first; n < total; n++) {
            final int i = (int) (n % CAPACITY);
            lines.add(String.format(Locale.ROOT, "t=%d ns device=%d %s bus=0x%x length=%d: %s", time[i], device[i],
                    write[i] ? "write" : "read", bus[i], length[i], cause[i].text));
        }
        return lines;
    }

    /** The cause of the most recent fault, or null. */
    Cause lastCause() {
        return total == 0 ? null : cause[(int) ((total - 1) % CAPACITY)];
    }
}
