package org.routerlab.nic.ixgbevf.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The swiotlb bounce aperture: a bounded, machine-contiguous, DMA-reachable pool of {@value #SLOT_SIZE}-byte slots
 * (IO_TLB_SHIFT 11) that mappings which the device cannot reach in place are copied through (costs.md B1).
 *
 * <p>The slot allocator is Linux's classic one ({@code lib/swiotlb.c}, 2.6.x-4.x): {@code list[i]} is the number of
 * free slots from {@code i} to the end of its {@value #SEGMENT_SLOTS}-slot segment (IO_TLB_SEGSIZE: no allocation
 * crosses a segment), the search starts at a moving index hint and wraps once. A request that finds no run of free
 * slots fails: the caller's map fails ({@code DMA_MAPPING_ERROR}), which the driver handles by dropping and counting,
 * never by crashing. (Linux scans the whole pool before failing; this one fails at once when fewer slots than needed
 * are free at all, with the same result.)
 *
 * <p>Per allocation it remembers the original (pseudo-physical) address, the mapping size, the device and the
 * direction, at the head slot, so that the unmap can copy back and the device side can check permissions.
 * Single-threaded.
 */
final class Swiotlb implements AutoCloseable {
    /** IO_TLB_SHIFT = 11 (include/linux/swiotlb.h). */
    static final int SLOT_SHIFT = 11;
    static final int SLOT_SIZE = 1 << SLOT_SHIFT;
    /** IO_TLB_SEGSIZE = 128: the most slots one mapping may take. */
    static final int SEGMENT_SLOTS = 128;
    /** IO_TLB_DEFAULT_SIZE = 64 MiB. */
    static final long DEFAULT_BYTES = 64L << 20;

    private final Arena arena;
    private final MemorySegment memory;
    private final int slots;
    private final long busBase;
    private final int[] list;
    private final long[] original;
    private final int[] size;
    private final int[] count;
    private final int[] device;
    private final byte[] direction;
    private int index;
    private int used;

    /**
     * @param bytes aperture size, a multiple of one segment (256 KiB); 0 for none
     * @param busBase machine (bus) address of slot 0: below 4 GiB, where xen_swiotlb_fixup put it
     */
    Swiotlb(final long bytes, final long busBase) {
        if (bytes < 0 || bytes % ((long) SEGMENT_SLOTS * SLOT_SIZE) != 0 || bytes > (1L << 30)) {
            throw new IllegalArgumentException("nic.swiotlb.size=" + bytes + " must be a multiple of "
                    + SEGMENT_SLOTS * SLOT_SIZE + " bytes, at most 1 GiB");
        }
        this.slots = (int) (bytes >>> SLOT_SHIFT);
        this.busBase = busBase;
        this.arena = Arena.ofShared();
        this.memory = slots == 0 ? MemorySegment.NULL : arena.allocate(bytes, 4096);
        this.list = new int[slots];
        for (int i = 0; i < slots; i++) {
            list[i] = SEGMENT_SLOTS - (i % SEGMENT_SLOTS);
        }
        this.original = new long[slots];
        this.size = new int[slots];
        this.count = new int[slots];
        this.device = new int[slots];
        this.direction = new byte[slots];
        Arrays.fill(device, -1);
    }

    int slots() { return slots; }

    int usedSlots() { return used; }

    int segments() { return slots / SEGMENT_SLOTS; }

    MemorySegment memory() { return memory; }

    long busBase() { return busBase; }

    /** Whether bus address {@code bus} lies in the aperture. */
    boolean contains(final long bus) {
        return bus >= busBase && bus < busBase + ((long) slots << SLOT_SHIFT);
    }

    /** Slots a mapping of {@code length} bytes takes. */
    static int slotsFor(final int length) {
        return (length + SLOT_SIZE - 1) >>> SLOT_SHIFT;
    }

    /**
     * {@code swiotlb_tbl_map_single}'s allocation: reserves slots for {@code length} bytes and records the mapping.
     * Returns the head slot, or -1 when no run of free slots is left.
     */
    int allocate(final long originalAddress, final int length, final int dev, final int dir) {
        final int n = slotsFor(length);
        if (n > SEGMENT_SLOTS || n == 0 || slots - used < n) {
            return -1;
        }
        int i = index >= slots ? 0 : index;
        final int wrap = i;
        do {
            if (list[i] >= n) {
                for (int k = i; k < i + n; k++) {
                    list[k] = 0;
                }
                // Slots before this run in its segment no longer reach as far.
                int c = 0;
                for (int k = i - 1; k >= 0 && (k % SEGMENT_SLOTS) != SEGMENT_SLOTS - 1 && list[k] != 0; k--) {
                    list[k] = ++c;
                }
                index = i + n < slots ? i + n : 0;
                used += n;
                original[i] = originalAddress;
                size[i] = length;
                count[i] = n;
                device[i] = dev;
                direction[i] = (byte) dir;
                return i;
            }
            i++;
            if (i >= slots) {
                i = 0;
            }
        } while (i != wrap);
        return -1;
    }

    /** {@code swiotlb_tbl_unmap_single}'s release of the allocation whose head is {@code slot}. */
    void release(final int slot) {
        final int n = count[slot];
        if (n == 0) {
            throw new IllegalStateException("swiotlb release of slot=" + slot + " that is not allocated");
        }
        final int end = slot + n;
        int c = end < slots && end % SEGMENT_SLOTS != 0 ? list[end] : 0;
        for (int k = end - 1; k >= slot; k--) {
            list[k] = ++c;
        }
        for (int k = slot - 1; k >= 0 && (k % SEGMENT_SLOTS) != SEGMENT_SLOTS - 1 && list[k] != 0; k--) {
            list[k] = ++c;
        }
        used -= n;
        count[slot] = 0;
        device[slot] = -1;
    }

    /** The head slot of bus address {@code bus} if it is the start of a live allocation, else -1. */
    int headAt(final long bus) {
        if (!contains(bus) || ((bus - busBase) & (SLOT_SIZE - 1)) != 0) {
            return -1;
        }
        final int slot = (int) ((bus - busBase) >>> SLOT_SHIFT);
        return count[slot] != 0 ? slot : -1;
    }

    /**
     * The head slot of the live allocation containing the range [bus, bus + length), or -1 (for device checks: a
     * range in a free slot, or crossing the end of its allocation, is not the device's).
     */
    int allocationCovering(final long bus, final int length) {
        if (!contains(bus)) {
            return -1;
        }
        final int slot = (int) ((bus - busBase) >>> SLOT_SHIFT);
        // Walk back to the head: at most SEGMENT_SLOTS - 1 steps; mappings here are mostly one slot.
        int head = slot;
        final int floor = Math.max(0, slot - SEGMENT_SLOTS + 1);
        while (count[head] == 0 && head > floor) {
            head--;
        }
        if (count[head] == 0 || head + count[head] <= slot) {
            return -1;
        }
        final long start = busOf(head);
        return bus + length <= start + size[head] ? head : -1;
    }

    long busOf(final int slot) {
        return busBase + ((long) slot << SLOT_SHIFT);
    }

    /** Offset of slot {@code slot} in {@link #memory()}. */
    static long offsetOf(final int slot) {
        return (long) slot << SLOT_SHIFT;
    }

    long original(final int slot) { return original[slot]; }

    int size(final int slot) { return size[slot]; }

    int device(final int slot) { return device[slot]; }

    int direction(final int slot) { return direction[slot]; }

    @Override
    public void close() {
        arena.close();
    }
}
