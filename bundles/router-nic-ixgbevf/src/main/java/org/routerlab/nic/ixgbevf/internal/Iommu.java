package org.routerlab.nic.ixgbevf.internal;

import org.routerlab.api.platform.PlatformOp;

/**
 * An IOMMU with one translation domain per device (each VF has its own requester id): I/O virtual addresses
 * (IOVAs) in 4 KiB pages mapped to guest frames with read/write permission, and an IOTLB that must be invalidated
 * after an entry is cleared (costs.md C2).
 *
 * <ul>
 *   <li><b>IOVA allocation</b> rounds a mapping up to a power of two of pages and takes it from a per-size free
 *       stack (Linux's per-CPU IOVA "rcache" magazines) or, when that is empty, from fresh space; an exhausted IOVA
 *       space fails the map.</li>
 *   <li><b>Strict</b> invalidation ({@code intel_iommu=strict}): one IOTLB invalidation per unmap, before the IOVA is
 *       reused.</li>
 *   <li><b>Deferred</b> (Linux "PCI: iommu: iotlb flushing", Mark Gross): an unmapped IOVA is queued and not reused;
 *       the queue is flushed with one global invalidation when it reaches a high-water mark (250) or when the
 *       oldest entry has waited the timeout (10 ms of the modeled timeline).</li>
 *   <li><b>Virtual</b> (KVM's emulated VT-d in caching mode): every invalidation traps to the hypervisor, and a map
 *       needs one too (non-present → present must be invalidated so the hypervisor can shadow it).</li>
 * </ul>
 * Device accesses are checked against the page table, not the IOTLB: an access through an entry that was cleared but
 * is not flushed yet, which real hardware might let through in deferred mode, is reported here as a fault — the model
 * catches the bug hardware would hide. Single-threaded.
 */
final class Iommu {
    /** The deferred-flush high-water mark of the iotlb flushing commit (costs.md C2). */
    static final int DEFAULT_HIGH_WATER = 250;
    /** The deferred-flush timeout of the same commit: 10 ms. */
    static final long DEFAULT_TIMEOUT_NANOS = 10_000_000L;
    /** Bus address of IOVA page 0 in every domain. */
    static final long IOVA_BASE = 0x1000_0000L;
    private static final int ORDERS = 5;

    private final OpCounts counters;
    private final ModeledClock clock;
    private final CostProfile.Invalidation mode;
    private final boolean virtual;
    private final int pages;
    private final int[] pte;
    private final byte[] perm;
    private final byte[] headOrder;
    private final int[] next;
    private final int[][] freeStack;
    private final int[] freeTop;
    private final int highWater;
    private final long timeoutNanos;
    private final int[] queuedDevice;
    private final int[] queuedPage;
    private final int[] queuedOrder;
    private int queued;
    private long queuedSince;
    private final long mapPicos;
    private final long unmapPicos;
    private final long invalidatePicos;
    private long liveEntries;

    /**
     * @param devices number of domains
     * @param pages IOVA pages per domain
     */
    Iommu(final int devices, final int pages, final CostProfile costs, final OpCounts counters,
            final ModeledClock clock, final int highWater, final long timeoutNanos) {
        if (highWater < 1 || highWater > 65536) {
            throw new IllegalArgumentException("nic.iommu.highwater=" + highWater + " must be in 1..65536");
        }
        this.counters = counters;
        this.clock = clock;
        this.mode = costs.kind().invalidation;
        this.virtual = costs.kind().virtualIommu;
        this.pages = pages;
        this.pte = new int[devices * pages];
        this.perm = new byte[devices * pages];
        this.headOrder = new byte[devices * pages];
        this.next = new int[devices];
        this.freeStack = new int[devices * ORDERS][];
        this.freeTop = new int[devices * ORDERS];
        for (int i = 0; i < freeStack.length; i++) {
            freeStack[i] = new int[Math.max(16, pages >> (i % ORDERS))];
        }
        this.highWater = highWater;
        this.timeoutNanos = timeoutNanos;
        this.queuedDevice = new int[highWater];
        this.queuedPage = new int[highWater];
        this.queuedOrder = new int[highWater];
        this.mapPicos = costs.picos(CostParameter.IOMMU_MAP);
        this.unmapPicos = costs.picos(CostParameter.IOMMU_UNMAP);
        this.invalidatePicos = costs.picos(CostParameter.IOTLB_INVALIDATE)
                + (virtual ? costs.picos(CostParameter.VIOMMU_TRAP) : 0);
    }

    /** IOVA pages a mapping of {@code length} bytes at frame offset {@code offset} takes, as an order. */
    static int orderFor(final long address, final int length) {
        final int n = GuestMemory.framesSpanned(address, length);
        return 32 - Integer.numberOfLeadingZeros(n - 1);
    }

    /**
     * Maps [address, address + length) of guest memory (pseudo-physical = physical here) for {@code device} with
     * the given permissions. Returns the IOVA bus address of {@code address}, or -1 when the IOVA space is full.
     */
    long map(final int device, final long address, final int length, final boolean read, final boolean write) {
        final int order = orderFor(address, length);
        if (order >= ORDERS) {
            return -1;
        }
        final int page = allocate(device, order);
        if (page < 0) {
            return -1;
        }
        final int n = GuestMemory.framesSpanned(address, length);
        final int firstPfn = (int) (address >>> P2mTable.PAGE_SHIFT);
        final int base = device * pages;
        final byte bits = (byte) ((read ? 1 : 0) | (write ? 2 : 0));
        for (int i = 0; i < n; i++) {
            pte[base + page + i] = firstPfn + i + 1;
            perm[base + page + i] = bits;
        }
        headOrder[base + page] = (byte) (order + 1);
        liveEntries++;
        counters.increment(PlatformOp.IOMMU_MAP);
        clock.charge(mapPicos);
        if (virtual) {
            invalidate(); // caching mode: non-present → present must be invalidated too
        }
        return IOVA_BASE + ((long) page << P2mTable.PAGE_SHIFT) + (address & P2mTable.PAGE_MASK);
    }

    /**
     * Unmaps the mapping whose IOVA bus address is {@code bus} (as {@link #map} returned it).
     *
     * @throws IllegalStateException when {@code bus} is not the start of a live mapping of {@code device}
     */
    void unmap(final int device, final long bus) {
        final long iova = bus - IOVA_BASE;
        final long page = iova >>> P2mTable.PAGE_SHIFT;
        if (iova < 0 || page >= pages || headOrder[device * pages + (int) page] == 0) {
            throw new IllegalStateException("unmap of iova=0x" + Long.toHexString(bus) + " that is not mapped for device="
                    + device + " (double unmap?)");
        }
        final int base = device * pages + (int) page;
        final int order = headOrder[base] - 1;
        headOrder[base] = 0;
        for (int i = 0; i < (1 << order); i++) {
            pte[base + i] = 0;
            perm[base + i] = 0;
        }
        liveEntries--;
        counters.increment(PlatformOp.IOMMU_UNMAP);
        clock.charge(unmapPicos);
        if (mode == CostProfile.Invalidation.DEFERRED) {
            defer(device, (int) page, order);
        } else {
            invalidate();
            release(device, (int) page, order);
        }
    }

    /** Whether {@code bus} is the start of a live mapping of {@code device}. */
    boolean isMapped(final int device, final long bus) {
        final long iova = bus - IOVA_BASE;
        final long page = iova >>> P2mTable.PAGE_SHIFT;
        return iova >= 0 && page < pages && headOrder[device * pages + (int) page] != 0;
    }

    /**
     * The device side: the guest address that IOVA {@code bus} of {@code device} translates to if the page is
     * present with the needed permission, else -1 (a fault). One page; the caller walks multi-page accesses.
     */
    long translate(final int device, final long bus, final boolean write) {
        final long iova = bus - IOVA_BASE;
        final long page = iova >>> P2mTable.PAGE_SHIFT;
        if (iova < 0 || page >= pages) {
            return -1;
        }
        final int i = device * pages + (int) page;
        final int entry = pte[i];
        if (entry == 0 || (perm[i] & (write ? 2 : 1)) == 0) {
            return -1;
        }
        return ((long) (entry - 1) << P2mTable.PAGE_SHIFT) | (iova & P2mTable.PAGE_MASK);
    }

    /** Live mappings (entries made by {@link #map} and not unmapped). */
    long liveEntries() { return liveEntries; }

    /** Unmapped IOVA ranges waiting for a deferred flush. */
    int queued() { return queued; }

    /** Flushes the deferred queue now, if anything is queued (the timer firing, or teardown). */
    void flush() {
        if (queued == 0) {
            return;
        }
        invalidate(); // one global invalidation for the whole batch
        for (int q = 0; q < queued; q++) {
            release(queuedDevice[q], queuedPage[q], queuedOrder[q]);
        }
        queued = 0;
    }

    private void defer(final int device, final int page, final int order) {
        if (queued == 0) {
            queuedSince = clock.now();
        }
        queuedDevice[queued] = device;
        queuedPage[queued] = page;
        queuedOrder[queued] = order;
        queued++;
        if (queued == highWater || clock.now() - queuedSince >= timeoutNanos) {
            flush();
        }
    }

    private void invalidate() {
        counters.increment(PlatformOp.IOTLB_INVALIDATION);
        clock.charge(invalidatePicos);
    }

    private int allocate(final int device, final int order) {
        final int s = device * ORDERS + order;
        if (freeTop[s] > 0) {
            return freeStack[s][--freeTop[s]];
        }
        final int size = 1 << order;
        final int page = (next[device] + size - 1) & -size; // naturally aligned, like alloc_iova(size_aligned)
        if (page + size > pages) {
            return -1;
        }
        next[device] = page + size;
        return page;
    }

    private void release(final int device, final int page, final int order) {
        final int s = device * ORDERS + order;
        int[] stack = freeStack[s];
        if (freeTop[s] == stack.length) {
            stack = java.util.Arrays.copyOf(stack, stack.length * 2);
            freeStack[s] = stack;
        }
        stack[freeTop[s]++] = page;
    }
}
