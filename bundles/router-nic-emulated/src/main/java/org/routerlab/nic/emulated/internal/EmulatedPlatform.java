package org.routerlab.nic.emulated.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.routerlab.api.platform.DeviceAccess;
import org.routerlab.api.platform.DmaDirection;
import org.routerlab.api.platform.DmaPlatform;
import org.routerlab.api.platform.PlatformCounters;
import org.routerlab.api.platform.PlatformOp;

/**
 * Guest buffer memory and DMA bookkeeping for the emulated devices: one off-heap segment cut into fixed-size
 * buffers, a free stack, and per (device, buffer) mapping and permission state, so that a device DMA to memory it
 * may not touch is caught as a fault. DMA handles are bus addresses: the buffer's offset tagged with the device.
 * Single-threaded (the forwarding thread). See {@code MODEL.md}.
 */
final class EmulatedPlatform implements DmaPlatform {
    private static final int DEVICE_SHIFT = 48;
    private static final long ADDRESS_MASK = (1L << DEVICE_SHIFT) - 1;

    private final Arena arena;
    private final MemorySegment memory;
    private final int bufferSize;
    private final int bufferShift;
    private final int bufferCount;
    private final int devices;
    private final CostTable costs;
    private final PlatformCounters counters = new PlatformCounters();
    private final int[] freeStack;
    private int freeTop;
    private final boolean[] allocated;
    /** Live mappings per (device, buffer) and direction: index device * bufferCount + buffer. */
    private final short[] readMaps;
    private final short[] writeMaps;
    /** Grants per (device, buffer): bit 0 read, bit 1 write. */
    private final byte[] grants;
    /** Number of devices a buffer is mapped for (any direction), for {@link #grant} and {@link #free}. */
    private final short[] mappedAnywhere;
    private long liveMappings;
    private long picos;

    EmulatedPlatform(final int bufferCount, final int bufferSize, final int devices, final CostTable costs) {
        if (Integer.bitCount(bufferSize) != 1 || bufferSize < 256) {
            throw new IllegalArgumentException("nic.buffer.size=" + bufferSize + " must be a power of two >= 256");
        }
        if (bufferCount <= 0) {
            throw new IllegalArgumentException("nic.buffers=" + bufferCount + " must be positive");
        }
        this.arena = Arena.ofShared();
        this.memory = arena.allocate((long) bufferCount * bufferSize, 4096);
        this.bufferSize = bufferSize;
        this.bufferShift = Integer.numberOfTrailingZeros(bufferSize);
        this.bufferCount = bufferCount;
        this.devices = devices;
        this.costs = costs;
        this.freeStack = new int[bufferCount];
        for (int i = 0; i < bufferCount; i++) {
            freeStack[i] = bufferCount - 1 - i;
        }
        this.freeTop = bufferCount;
        this.allocated = new boolean[bufferCount];
        this.readMaps = new short[devices * bufferCount];
        this.writeMaps = new short[devices * bufferCount];
        this.grants = new byte[devices * bufferCount];
        this.mappedAnywhere = new short[bufferCount];
    }

    @Override public String name() { return "emulated/flat"; }
    @Override public MemorySegment memory() { return memory; }
    @Override public int bufferSize() { return bufferSize; }
    @Override public int bufferCount() { return bufferCount; }
    @Override public long bufferOffset(final int buffer) { return (long) buffer << bufferShift; }
    @Override public int freeBuffers() { return freeTop; }
    @Override public long liveMappings() { return liveMappings; }
    @Override public PlatformCounters counters() { return counters; }

    @Override
    public int allocate() {
        if (freeTop == 0) {
            return NO_BUFFER;
        }
        final int buffer = freeStack[--freeTop];
        allocated[buffer] = true;
        counters.increment(PlatformOp.BUFFER_ALLOC);
        charge(costs.allocPs);
        return buffer;
    }

    @Override
    public void free(final int buffer) {
        checkBuffer(buffer);
        if (!allocated[buffer]) {
            throw new IllegalStateException("free of buffer=" + buffer + " that is not allocated (double free)");
        }
        if (mappedAnywhere[buffer] != 0) {
            throw new IllegalStateException("free of buffer=" + buffer + " that is still mapped for a device");
        }
        for (int d = 0; d < devices; d++) {
            grants[d * bufferCount + buffer] = 0;
        }
        allocated[buffer] = false;
        freeStack[freeTop++] = buffer;
        counters.increment(PlatformOp.BUFFER_FREE);
        charge(costs.freePs);
    }

    @Override
    public long map(final int device, final int buffer, final int offset, final int length, final DmaDirection direction) {
        checkDevice(device);
        checkBuffer(buffer);
        if (!allocated[buffer]) {
            throw new IllegalStateException("map of buffer=" + buffer + " that is not allocated");
        }
        if (offset < 0 || length <= 0 || offset + length > bufferSize) {
            throw new IllegalArgumentException("map offset=" + offset + " length=" + length + " bufferSize=" + bufferSize);
        }
        final int slot = device * bufferCount + buffer;
        if (direction.deviceMayRead()) {
            readMaps[slot]++;
        }
        if (direction.deviceMayWrite()) {
            writeMaps[slot]++;
        }
        mappedAnywhere[buffer]++;
        liveMappings++;
        counters.increment(PlatformOp.DMA_MAP);
        charge(costs.mapPs);
        return handle(device, bufferOffset(buffer) + offset);
    }

    @Override
    public void unmap(final int device, final long handle, final int length, final DmaDirection direction) {
        checkDevice(device);
        if (handle < 0 || (int) (handle >>> DEVICE_SHIFT) != device) {
            throw new IllegalStateException("unmap of handle=" + Long.toHexString(handle) + " not made for device=" + device);
        }
        final int buffer = bufferOf(handle);
        final int slot = device * bufferCount + buffer;
        if (direction.deviceMayRead()) {
            if (readMaps[slot] == 0) {
                throw new IllegalStateException("unmap of buffer=" + buffer + " device=" + device + " direction="
                        + direction + " that is not mapped (double unmap?)");
            }
            readMaps[slot]--;
        }
        if (direction.deviceMayWrite()) {
            if (writeMaps[slot] == 0) {
                throw new IllegalStateException("unmap of buffer=" + buffer + " device=" + device + " direction="
                        + direction + " that is not mapped (double unmap?)");
            }
            writeMaps[slot]--;
        }
        mappedAnywhere[buffer]--;
        liveMappings--;
        counters.increment(PlatformOp.DMA_UNMAP);
        charge(costs.unmapPs);
    }

    @Override
    public void sync(final int device, final long handle, final int length, final DmaDirection direction) {
        counters.increment(PlatformOp.DMA_SYNC);
        charge(costs.syncPs);
    }

    @Override
    public long grant(final int device, final int buffer, final DeviceAccess access) {
        checkDevice(device);
        checkBuffer(buffer);
        if (mappedAnywhere[buffer] == 0) {
            return MAP_FAILED;
        }
        grants[device * bufferCount + buffer] = (byte) ((access.allowsRead() ? 1 : 0) | (access.allowsWrite() ? 2 : 0));
        counters.increment(PlatformOp.PERMISSION_GRANT);
        charge(costs.grantPs);
        return handle(device, bufferOffset(buffer));
    }

    @Override
    public void revoke(final int device, final int buffer) {
        checkDevice(device);
        checkBuffer(buffer);
        grants[device * bufferCount + buffer] = 0;
        counters.increment(PlatformOp.PERMISSION_REVOKE);
        charge(costs.revokePs);
    }

    @Override
    public void copy(final int sourceBuffer, final int sourceOffset, final int targetBuffer, final int targetOffset,
            final int length) {
        MemorySegment.copy(memory, bufferOffset(sourceBuffer) + sourceOffset, memory,
                bufferOffset(targetBuffer) + targetOffset, length);
        counters.increment(PlatformOp.COPY);
        counters.add(PlatformOp.COPY_BYTES, length);
        charge(costs.copyFixedPs + costs.copyPsPerByte * length);
    }

    // ---- device side (package-private: used by EmulatedPort, not part of the platform contract)

    /** Whether {@code device} may write {@code length} bytes at bus address {@code handle}; counts a fault if not. */
    boolean deviceMayWrite(final int device, final long handle, final int length) {
        return deviceMay(device, handle, length, true);
    }

    /** Whether {@code device} may read {@code length} bytes at bus address {@code handle}; counts a fault if not. */
    boolean deviceMayRead(final int device, final long handle, final int length) {
        return deviceMay(device, handle, length, false);
    }

    private boolean deviceMay(final int device, final long handle, final int length, final boolean write) {
        if (handle >= 0 && (int) (handle >>> DEVICE_SHIFT) == device) {
            final long address = handle & ADDRESS_MASK;
            final long end = address + length;
            if (end <= memory.byteSize() && (address >>> bufferShift) == ((end - 1) >>> bufferShift)) {
                final int slot = device * bufferCount + (int) (address >>> bufferShift);
                final boolean mapped = write ? writeMaps[slot] != 0 : readMaps[slot] != 0;
                final boolean granted = (grants[slot] & (write ? 2 : 1)) != 0;
                if (mapped || granted) {
                    return true;
                }
            }
        }
        counters.increment(PlatformOp.DMA_FAULT);
        return false;
    }

    /** Byte offset in {@link #memory()} that bus address {@code handle} refers to. */
    long addressOf(final long handle) {
        return handle & ADDRESS_MASK;
    }

    int bufferOf(final long handle) {
        return (int) ((handle & ADDRESS_MASK) >>> bufferShift);
    }

    /** Charges a device-side cost (tail writes) to the modeled clock. */
    void charge(final long ps) {
        picos += ps;
        final long nanos = picos / 1000;
        if (nanos != 0) {
            picos -= nanos * 1000;
            counters.add(PlatformOp.MODELED_NANOS, nanos);
        }
    }

    CostTable costs() { return costs; }

    boolean isAllocated(final int buffer) { return allocated[buffer]; }

    void close() {
        arena.close();
    }

    private static long handle(final int device, final long address) {
        return ((long) device << DEVICE_SHIFT) | address;
    }

    private void checkBuffer(final int buffer) {
        if (buffer < 0 || buffer >= bufferCount) {
            throw new IllegalArgumentException("buffer=" + buffer + " out of range 0.." + (bufferCount - 1));
        }
    }

    private void checkDevice(final int device) {
        if (device < 0 || device >= devices) {
            throw new IllegalArgumentException("device=" + device + " out of range 0.." + (devices - 1));
        }
    }
}
