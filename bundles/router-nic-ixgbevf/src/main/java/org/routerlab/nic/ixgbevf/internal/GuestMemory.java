package org.routerlab.nic.ixgbevf.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The guest's packet-buffer memory: pseudo-physical frames 0..N-1 backed by one off-heap region (pseudo-physical
 * address = offset in {@link #memory()}), cut into {@code bufferCount} buffers of {@code bufferSize} bytes placed
 * every {@code stride} bytes, and the {@link P2mTable} that says which machine frame backs each pseudo-physical one.
 *
 * <p>With the default stride (= buffer size, a power of two ≤ 4 KiB) buffers never cross a frame boundary, like
 * kmalloc-2048 slab objects. A larger stride that is not a divisor of 4 KiB (e.g. 2368 = 2048 + 320, a page-frag
 * carving of skb heads with their {@code skb_shared_info}) makes some buffers straddle a boundary, which is what
 * swiotlb-xen bounces when the two frames are not machine-contiguous (costs.md B1, B3).
 *
 * <pre>
 *   pseudo-physical:  | frame 0 | frame 1 | frame 2 | ...      buffer b at b × stride
 *   machine:          mfn(0)    mfn(1)    mfn(2)              machine address = mfn(pfn) << 12 | offset in frame
 * </pre>
 * Not thread-safe; the memory lives until {@link #close()}.
 */
final class GuestMemory implements AutoCloseable {
    private final Arena arena;
    private final MemorySegment memory;
    private final P2mTable p2m;
    private final int bufferSize;
    private final int stride;
    private final int strideShift;
    private final int bufferCount;
    /** Bytes of buffer slots: [0, limit) is where buffers live. */
    private final long limit;
    /** Whether the P2M is the identity (machine = pseudo-physical + base): translations are arithmetic. */
    private final boolean identity;
    private final long machineBase;
    private final long machineEnd;

    /**
     * @param p2m the table, or null for a bare-metal identity table built here
     * @param mfnBase the first machine frame for an identity table
     */
    GuestMemory(final int bufferCount, final int bufferSize, final int stride, final P2mTable p2m, final int mfnBase) {
        if (bufferCount <= 0) {
            throw new IllegalArgumentException("nic.buffers=" + bufferCount + " must be positive");
        }
        if (Integer.bitCount(bufferSize) != 1 || bufferSize < 256 || bufferSize > 16384) {
            throw new IllegalArgumentException("nic.buffer.size=" + bufferSize + " must be a power of two in 256..16384");
        }
        if (stride < bufferSize || stride % 64 != 0) {
            throw new IllegalArgumentException("nic.buffer.stride=" + stride + " must be a multiple of 64 and >= "
                    + "nic.buffer.size=" + bufferSize);
        }
        this.bufferSize = bufferSize;
        this.stride = stride;
        this.strideShift = Integer.bitCount(stride) == 1 ? Integer.numberOfTrailingZeros(stride) : -1;
        this.bufferCount = bufferCount;
        final long bytes = (long) bufferCount * stride;
        final long frames = (bytes + P2mTable.PAGE_SIZE - 1) >>> P2mTable.PAGE_SHIFT;
        if (frames > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("nic.buffers=" + bufferCount + ": too much buffer memory");
        }
        this.p2m = p2m != null ? p2m : P2mTable.identity((int) frames, mfnBase);
        if (this.p2m.frames() < frames) {
            throw new IllegalArgumentException("p2m table of " + this.p2m.frames() + " frames for " + frames);
        }
        this.limit = bytes;
        this.identity = this.p2m.discontinuities() == 0 && this.p2m.machineSpan() == this.p2m.frames();
        this.machineBase = (long) this.p2m.mfn(0) << P2mTable.PAGE_SHIFT;
        this.machineEnd = machineBase + (frames << P2mTable.PAGE_SHIFT);
        this.arena = Arena.ofShared();
        this.memory = arena.allocate(frames << P2mTable.PAGE_SHIFT, P2mTable.PAGE_SIZE);
    }

    /** Bytes from 0 where buffer slots lie: an address at or beyond is no buffer's. */
    long limit() { return limit; }

    /** Machine address of pseudo-physical address 0 (meaningful for an identity P2M). */
    long machineBase() { return machineBase; }

    /** Whether every frame is machine-contiguous with the next (bare metal, or a perfectly built guest). */
    boolean identity() { return identity; }

    /** Frames needed for {@code bufferCount} buffers at {@code stride}. */
    static int framesFor(final int bufferCount, final int stride) {
        return (int) (((long) bufferCount * stride + P2mTable.PAGE_SIZE - 1) >>> P2mTable.PAGE_SHIFT);
    }

    MemorySegment memory() { return memory; }

    P2mTable p2m() { return p2m; }

    int bufferSize() { return bufferSize; }

    int stride() { return stride; }

    int bufferCount() { return bufferCount; }

    /** Pseudo-physical address (= offset in {@link #memory()}) of buffer {@code buffer}. */
    long bufferOffset(final int buffer) {
        return strideShift >= 0 ? (long) buffer << strideShift : (long) buffer * stride;
    }

    /** The buffer whose slot (stride) contains pseudo-physical address {@code address}. */
    int bufferAt(final long address) {
        return (int) (strideShift >= 0 ? address >>> strideShift : address / stride);
    }

    /** Machine address of pseudo-physical address {@code address} (a P2M lookup). */
    long machineAddress(final long address) {
        if (identity) {
            return machineBase + address;
        }
        return ((long) p2m.mfn((int) (address >>> P2mTable.PAGE_SHIFT)) << P2mTable.PAGE_SHIFT)
                | (address & P2mTable.PAGE_MASK);
    }

    /** Pseudo-physical address of machine address {@code machine} (an M2P lookup), or -1 if not the guest's. */
    long guestAddress(final long machine) {
        if (identity) {
            return machine >= machineBase && machine < machineEnd ? machine - machineBase : -1;
        }
        final int pfn = p2m.pfn(machine >>> P2mTable.PAGE_SHIFT);
        return pfn < 0 ? -1 : ((long) pfn << P2mTable.PAGE_SHIFT) | (machine & P2mTable.PAGE_MASK);
    }

    /** Number of 4 KiB frames [address, address + length) touches. */
    static int framesSpanned(final long address, final int length) {
        return (int) (((address + length - 1) >>> P2mTable.PAGE_SHIFT) - (address >>> P2mTable.PAGE_SHIFT)) + 1;
    }

    /**
     * Linux's {@code range_straddles_page_boundary}: whether [address, address + length) crosses a frame boundary
     * onto a frame that is not machine-contiguous with the previous one.
     */
    boolean straddlesDiscontinuity(final long address, final int length) {
        if (identity) {
            return false;
        }
        final int first = (int) (address >>> P2mTable.PAGE_SHIFT);
        final int last = (int) ((address + length - 1) >>> P2mTable.PAGE_SHIFT);
        for (int pfn = first; pfn < last; pfn++) {
            if (!p2m.continuesAfter(pfn)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        arena.close();
    }
}
