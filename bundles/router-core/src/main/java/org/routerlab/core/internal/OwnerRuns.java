package org.routerlab.core.internal;

/**
 * Which DMA strategy owns the buffers queued in one FIFO ring (a port's rx ring or tx ring), as runs of
 * {@code (owner slot, count)} from the oldest entry to the newest. In steady state there is one run (or none); after a
 * hot swap the retiring strategy's run sits in front of the new one's until the NIC hands those buffers back.
 * Allocation-free: a bounded circular queue of runs; adjacent runs of the same owner are merged.
 */
final class OwnerRuns {
    private final int[] owner;
    private final long[] count;
    private int head;
    private int size;

    OwnerRuns(final int capacity) {
        this.owner = new int[capacity];
        this.count = new long[capacity];
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Owner of the oldest run; only when not empty. */
    int headOwner() {
        return owner[head];
    }

    /** Entries left in the oldest run; only when not empty. */
    long headCount() {
        return count[head];
    }

    /** Appends {@code n} entries of {@code slot} at the newest end. False when the queue of runs is full. */
    boolean append(final int slot, final long n) {
        if (n <= 0) {
            return true;
        }
        if (size > 0) {
            final int tail = index(size - 1);
            if (owner[tail] == slot) {
                count[tail] += n;
                return true;
            }
        }
        if (size == owner.length) {
            return false;
        }
        final int tail = index(size);
        owner[tail] = slot;
        count[tail] = n;
        size++;
        return true;
    }

    /** The oldest {@code n} entries left the ring (received or completed); {@code n} ≤ {@link #headCount()}. */
    void consumeHead(final long n) {
        count[head] -= n;
        if (count[head] == 0) {
            head = index(1);
            size--;
        }
    }

    /** Owner of the newest run; only when not empty. */
    int tailOwner() {
        return owner[index(size - 1)];
    }

    /** The newest entry was taken back (a reclaimed rx descriptor). */
    void consumeTail() {
        final int tail = index(size - 1);
        if (--count[tail] == 0) {
            size--;
        }
    }

    /** Entries of all runs. */
    long total() {
        long t = 0;
        for (int i = 0; i < size; i++) {
            t += count[index(i)];
        }
        return t;
    }

    /** Whether any run belongs to {@code slot}. */
    boolean holds(final int slot) {
        for (int i = 0; i < size; i++) {
            if (owner[index(i)] == slot) {
                return true;
            }
        }
        return false;
    }

    private int index(final int i) {
        return (head + i) % owner.length;
    }
}
