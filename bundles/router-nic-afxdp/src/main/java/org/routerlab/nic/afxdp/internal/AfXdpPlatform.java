package org.routerlab.nic.afxdp.internal;

import java.lang.foreign.MemorySegment;
import org.routerlab.api.platform.DeviceAccess;
import org.routerlab.api.platform.DmaDirection;
import org.routerlab.api.platform.DmaPlatform;
import org.routerlab.api.platform.PlatformCounters;
import org.routerlab.api.platform.PlatformOp;

/**
 * The DMA platform of the AF_XDP backend: buffers are UMEM frames, a DMA handle is a UMEM address, and a device is
 * a port's AF_XDP socket, which can reach exactly the frames of the UMEM it is bound to.
 * <pre>
 *   memory:  one page-aligned mapping of bufferCount frames of 2048 bytes
 *   shared:  one UMEM = all frames; every port's handle for frame f is f * 2048 (+ offset)
 *   per-port: region d = frames [start[d], start[d] + frames[d]) is device d's own UMEM; handle = (f - start[d]) * 2048
 * </pre>
 * Mapping a frame of the device's own UMEM is free (the UMEM was registered once): it returns the address and
 * counts the mapping. Mapping a frame the device cannot reach (per-port mode: another port's frame) works like a
 * swiotlb bounce: a frame of the device's UMEM is taken, the data copied ({@link PlatformOp#BOUNCE},
 * {@link PlatformOp#COPY}), and its address returned; unmapping copies back if the device may have written and
 * frees it. That is how per-packet and batch-16 "copy into a frame of the egress port" without changing them.
 * {@link #grant} works only within one UMEM: premapped-reuse forwards in place in shared mode.
 *
 * <p>Frames {@link #reserve reserved} by a port for its own traffic (ARP, ICMP, held packets) are never handed out.
 * Single-threaded (the forwarding thread), except {@link #reserve} and {@link #counters()}.
 */
final class AfXdpPlatform implements DmaPlatform {
    static final int FRAME_SIZE = 2048;
    static final int FRAME_SHIFT = 11;
    /** Where the kernel puts a received frame in its chunk (XDP_PACKET_HEADROOM, copy and zero-copy alike). */
    static final int RX_HEADROOM = 256;

    private static final byte FREE = 0;
    private static final byte ALLOCATED = 1;
    private static final byte RESERVED = 2;
    private static final byte BOUNCE = 3;

    private final MemorySegment memory;
    private final int bufferCount;
    private final boolean shared;
    private final int devices;
    private final int[] regionStart;
    private final int[] regionFrames;
    /** Free stacks per region (one region when shared). */
    private final int[][] freeStack;
    private final int[] freeTop;
    private final byte[] state;
    private final int[] maps;
    private final long[] granted;
    private final int[] bounceOrigin;
    private final int[] bounceOffset;
    private final PlatformCounters counters = new PlatformCounters();
    private long live;
    private int nextRegion;

    /**
     * @param memory the frames, page aligned
     * @param framesPerDevice frames of each device's region (equal sizes; shared mode pools them)
     */
    AfXdpPlatform(final MemorySegment memory, final int devices, final int framesPerDevice, final boolean shared) {
        this.memory = memory;
        this.devices = devices;
        this.bufferCount = devices * framesPerDevice;
        if ((long) bufferCount * FRAME_SIZE > memory.byteSize()) {
            throw new IllegalArgumentException("memory too small for " + bufferCount + " frames");
        }
        this.shared = shared;
        this.regionStart = new int[devices];
        this.regionFrames = new int[devices];
        for (int d = 0; d < devices; d++) {
            regionStart[d] = shared ? 0 : d * framesPerDevice;
            regionFrames[d] = shared ? bufferCount : framesPerDevice;
        }
        final int regions = shared ? 1 : devices;
        this.freeStack = new int[regions][];
        this.freeTop = new int[regions];
        for (int r = 0; r < regions; r++) {
            final int start = shared ? 0 : r * framesPerDevice;
            final int n = shared ? bufferCount : framesPerDevice;
            freeStack[r] = new int[n];
            // Lowest frames on top: allocation order follows the memory.
            for (int i = 0; i < n; i++) {
                freeStack[r][i] = start + n - 1 - i;
            }
            freeTop[r] = n;
        }
        this.state = new byte[bufferCount];
        this.maps = new int[bufferCount];
        this.granted = new long[bufferCount];
        this.bounceOrigin = new int[bufferCount];
        this.bounceOffset = new int[bufferCount];
    }

    boolean shared() {
        return shared;
    }

    /** First frame of the UMEM {@code device} is bound to. */
    int umemStart(final int device) {
        return regionStart[device];
    }

    /** Frames in the UMEM {@code device} is bound to. */
    int umemFrames(final int device) {
        return regionFrames[device];
    }

    /** The memory of the UMEM {@code device} registers (shared: all of it). */
    MemorySegment umem(final int device) {
        return memory.asSlice((long) regionStart[device] * FRAME_SIZE, (long) regionFrames[device] * FRAME_SIZE);
    }

    private int region(final int frame) {
        return shared ? 0 : frame / regionFrames[0];
    }

    /**
     * Takes {@code n} frames of {@code device}'s UMEM for the port's own use (never allocated to a strategy);
     * returns their frame numbers. Control path, before the strategy attaches.
     */
    int[] reserve(final int device, final int n) {
        final int r = shared ? 0 : device;
        if (freeTop[r] < n) {
            throw new IllegalArgumentException("nic.frames: no " + n + " frames left to reserve for port " + device);
        }
        final int[] frames = new int[n];
        for (int i = 0; i < n; i++) {
            final int f = freeStack[r][--freeTop[r]];
            state[f] = RESERVED;
            frames[i] = f;
        }
        return frames;
    }

    @Override
    public String name() {
        return shared ? "af-xdp/shared-umem" : "af-xdp/per-port-umem";
    }

    @Override
    public MemorySegment memory() {
        return memory;
    }

    @Override
    public int bufferSize() {
        return FRAME_SIZE;
    }

    @Override
    public int bufferCount() {
        return bufferCount;
    }

    @Override
    public long bufferOffset(final int buffer) {
        return (long) buffer << FRAME_SHIFT;
    }

    @Override
    public int allocate() {
        if (shared) {
            return pop(0);
        }
        // No device given: the region with the most free frames (round robin among equals).
        int best = -1;
        for (int k = 0; k < devices; k++) {
            final int r = (nextRegion + k) % devices;
            if (best < 0 || freeTop[r] > freeTop[best]) {
                best = r;
            }
        }
        nextRegion = (nextRegion + 1) % devices;
        return pop(best);
    }

    @Override
    public int allocate(final int device) {
        return pop(shared ? 0 : device);
    }

    private int pop(final int region) {
        if (freeTop[region] == 0) {
            return NO_BUFFER;
        }
        final int f = freeStack[region][--freeTop[region]];
        state[f] = ALLOCATED;
        counters.increment(PlatformOp.BUFFER_ALLOC);
        return f;
    }

    @Override
    public void free(final int buffer) {
        if (state[buffer] != ALLOCATED) {
            throw new IllegalStateException("free(" + buffer + "): buffer is not allocated (state " + state[buffer] + ")");
        }
        if (maps[buffer] != 0 || granted[buffer] != 0) {
            throw new IllegalStateException("free(" + buffer + "): buffer still mapped or granted");
        }
        push(buffer);
        counters.increment(PlatformOp.BUFFER_FREE);
    }

    private void push(final int frame) {
        state[frame] = FREE;
        final int r = region(frame);
        freeStack[r][freeTop[r]++] = frame;
    }

    @Override
    public int freeBuffers() {
        int n = 0;
        for (final int top : freeTop) {
            n += top;
        }
        return n;
    }

    private boolean reaches(final int device, final int frame) {
        return shared || (frame >= regionStart[device] && frame < regionStart[device] + regionFrames[device]);
    }

    @Override
    public long map(final int device, final int buffer, final int offset, final int length,
            final DmaDirection direction) {
        if (state[buffer] != ALLOCATED) {
            throw new IllegalStateException("map(" + buffer + "): buffer is not allocated");
        }
        if (reaches(device, buffer)) {
            maps[buffer]++;
            live++;
            counters.increment(PlatformOp.DMA_MAP);
            return ((long) (buffer - regionStart[device]) << FRAME_SHIFT) + offset;
        }
        // Outside the device's UMEM: bounce through a frame of it.
        final int r = device;
        if (freeTop[r] == 0) {
            counters.increment(PlatformOp.DMA_MAP_FAILED);
            return MAP_FAILED;
        }
        final int f = freeStack[r][--freeTop[r]];
        state[f] = BOUNCE;
        bounceOrigin[f] = buffer;
        bounceOffset[f] = offset;
        maps[f] = 1;
        live++;
        counters.increment(PlatformOp.DMA_MAP);
        counters.increment(PlatformOp.BOUNCE);
        if (direction.deviceMayRead()) {
            copyCounted(bufferOffset(buffer) + offset, bufferOffset(f) + offset, length);
        }
        return ((long) (f - regionStart[device]) << FRAME_SHIFT) + offset;
    }

    private void copyCounted(final long from, final long to, final int length) {
        MemorySegment.copy(memory, from, memory, to, length);
        counters.increment(PlatformOp.COPY);
        counters.add(PlatformOp.COPY_BYTES, length);
        counters.add(PlatformOp.BOUNCE_BYTES, length);
    }

    /** The frame a device's handle points into. */
    int frameOf(final int device, final long handle) {
        return regionStart[device] + (int) (handle >>> FRAME_SHIFT);
    }

    /** Whether {@code frame} is a bounce frame (its tx completion belongs to the mapping, not to a buffer). */
    boolean isBounce(final int frame) {
        return state[frame] == BOUNCE;
    }

    @Override
    public void unmap(final int device, final long handle, final int length, final DmaDirection direction) {
        final int f = frameOf(device, handle);
        if (f < 0 || f >= bufferCount || maps[f] == 0) {
            throw new IllegalStateException("unmap(device " + device + ", handle " + handle + "): not mapped");
        }
        live--;
        counters.increment(PlatformOp.DMA_UNMAP);
        if (state[f] == BOUNCE) {
            if (direction.deviceMayWrite()) {
                final int in = (int) (handle & (FRAME_SIZE - 1));
                copyCounted(bufferOffset(f) + in, bufferOffset(bounceOrigin[f]) + in, length);
            }
            maps[f] = 0;
            push(f);
            return;
        }
        maps[f]--;
    }

    @Override
    public void sync(final int device, final long handle, final int length, final DmaDirection direction) {
        counters.increment(PlatformOp.DMA_SYNC);
        final int f = frameOf(device, handle);
        if (f >= 0 && f < bufferCount && state[f] == BOUNCE) {
            final int in = (int) (handle & (FRAME_SIZE - 1));
            if (direction == DmaDirection.TO_DEVICE) {
                copyCounted(bufferOffset(bounceOrigin[f]) + in, bufferOffset(f) + in, length);
            } else {
                copyCounted(bufferOffset(f) + in, bufferOffset(bounceOrigin[f]) + in, length);
            }
        }
    }

    @Override
    public long grant(final int device, final int buffer, final DeviceAccess access) {
        if (maps[buffer] == 0 || !reaches(device, buffer)) {
            counters.increment(PlatformOp.DMA_MAP_FAILED);
            return MAP_FAILED;
        }
        granted[buffer] |= 1L << device;
        counters.increment(PlatformOp.PERMISSION_GRANT);
        return (long) (buffer - regionStart[device]) << FRAME_SHIFT;
    }

    @Override
    public void revoke(final int device, final int buffer) {
        granted[buffer] &= ~(1L << device);
        counters.increment(PlatformOp.PERMISSION_REVOKE);
    }

    @Override
    public void copy(final int sourceBuffer, final int sourceOffset, final int targetBuffer, final int targetOffset,
            final int length) {
        MemorySegment.copy(memory, bufferOffset(sourceBuffer) + sourceOffset, memory,
                bufferOffset(targetBuffer) + targetOffset, length);
        counters.increment(PlatformOp.COPY);
        counters.add(PlatformOp.COPY_BYTES, length);
    }

    @Override
    public long liveMappings() {
        return live;
    }

    @Override
    public PlatformCounters counters() {
        return counters;
    }
}
