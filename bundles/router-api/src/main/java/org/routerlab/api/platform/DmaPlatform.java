package org.routerlab.api.platform;

import java.lang.foreign.MemorySegment;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The mechanism a NIC backend offers to a {@link org.routerlab.api.dma.DmaStrategy DMA-mapping strategy}: buffer
 * memory, DMA mappings per device and direction, device permissions and copies. The strategy is the policy that
 * decides when to call these; the platform executes, checks, counts ({@link #counters()}) and charges each call to its
 * cost model ({@link PlatformOp#MODELED_NANOS}).
 *
 * <p><b>Buffers.</b> Buffer memory is one off-heap segment ({@link #memory()}) cut into {@link #bufferCount()}
 * buffers of {@link #bufferSize()} bytes; buffer {@code b} starts at byte {@link #bufferOffset(int) bufferOffset(b)}.
 * A buffer id is an {@code int}, so nothing is allocated per packet.
 *
 * <p><b>Devices.</b> Each port of the backend is a DMA device with a small integer id
 * ({@link org.routerlab.api.nic.PortInfo#device()}). A device may only touch memory that is currently mapped (or,
 * on platforms with grants, granted) for it; any other access is a DMA fault, counted in
 * {@link PlatformOp#DMA_FAULT}, and the packet concerned is dropped by the device.
 *
 * <p><b>Threading.</b> Called only from the forwarding thread that owns the backend; not thread-safe.
 * <b>Errors.</b> Data-path calls never throw for resource exhaustion: they return a failure value and count it.
 * They throw {@link IllegalStateException} for caller bugs only (unmapping a handle that is not mapped, freeing a
 * buffer twice), because a strategy that does this is broken and must be caught by its tests.
 */
@ProviderType
public interface DmaPlatform {
    /** Returned by {@link #map} when no mapping could be made (bounce pool exhausted, IOMMU full). */
    long MAP_FAILED = -1L;
    /** Returned by {@link #allocate()} when no buffer is free. */
    int NO_BUFFER = -1;

    /** A short name of the platform and its profile, e.g. {@code emulated/flat}. */
    String name();

    /** The buffer memory; stable for the lifetime of the platform. */
    MemorySegment memory();

    int bufferSize();

    int bufferCount();

    /** Byte offset of buffer {@code buffer} in {@link #memory()}. */
    long bufferOffset(int buffer);

    /** Allocates a buffer, or returns {@link #NO_BUFFER}. Counted as {@link PlatformOp#BUFFER_ALLOC}. */
    int allocate();

    /**
     * Allocates a buffer meant to be posted to (or premapped for) {@code device}, or returns {@link #NO_BUFFER}. A
     * platform whose memory is local to devices (AF_XDP: one UMEM per port) returns a buffer in that device's
     * region, so mapping it for the device needs no bounce; the default is {@link #allocate()}. Strategies call it
     * on their rx refill and premap paths. Counted as {@link PlatformOp#BUFFER_ALLOC}.
     *
     * @since 1.1
     */
    default int allocate(final int device) {
        return allocate();
    }

    /** Returns a buffer to the free pool. The buffer must not be mapped or granted for any device. */
    void free(int buffer);

    /** Number of buffers currently free. */
    int freeBuffers();

    /**
     * Maps {@code length} bytes of {@code buffer} starting at {@code offset} (relative to the buffer) for
     * {@code device} in {@code direction}, and returns the DMA handle (bus address) the device must use, or
     * {@link #MAP_FAILED}. Depending on the platform this is free, a P2M lookup, an IOMMU entry, a bounce slot
     * with a copy, or a hypercall; all of it is counted and charged.
     */
    long map(int device, int buffer, int offset, int length, DmaDirection direction);

    /**
     * Tears down the mapping {@code handle} made by {@link #map} with the same device, length and direction.
     * For a bounced {@link DmaDirection#FROM_DEVICE} mapping this is where the data is copied back.
     */
    void unmap(int device, long handle, int length, DmaDirection direction);

    /**
     * Makes the CPU's and the device's view of a mapping agree without unmapping it ({@code dma_sync_single_*}):
     * for a bounced mapping, copies in the direction given. Free on coherent platforms.
     */
    void sync(int device, long handle, int length, DmaDirection direction);

    /**
     * Gives {@code device} permission to access {@code buffer}, which must already be mapped (for any device) in a
     * way the device can reach. This is the cheap operation the 2012 paper relies on: transmitting from the
     * buffer a packet arrived in changes only who may access it, not where it is mapped. Returns the DMA handle
     * under which {@code device} sees the buffer, or {@link #MAP_FAILED} when the buffer is not mapped.
     */
    long grant(int device, int buffer, DeviceAccess access);

    /** Withdraws a permission given by {@link #grant}. */
    void revoke(int device, int buffer);

    /** Copies {@code length} bytes between buffers (CPU copy), counted with its byte count. */
    void copy(int sourceBuffer, int sourceOffset, int targetBuffer, int targetOffset, int length);

    /** Number of mappings currently live (for leak checks: zero after every strategy has detached). */
    long liveMappings();

    PlatformCounters counters();
}
