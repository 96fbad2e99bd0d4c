package org.routerlab.dma.premapped.internal;

import java.util.List;
import org.routerlab.api.dma.DmaContext;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.dma.RxReclaim;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.packet.PacketBatch;
import org.routerlab.api.platform.DeviceAccess;
import org.routerlab.api.platform.DmaDirection;
import org.routerlab.api.platform.DmaPlatform;

/**
 * The 2012 paper's proposal. At attach, each port gets {@code dma.rings} rings of {@code dma.ring.size} buffers
 * (default: the port's rx ring size), allocated and mapped once ({@code BIDIRECTIONAL}, for that port's device).
 * The device fills the active ring; when every buffer of the active ring has been handed out, the next ring takes
 * its place (a rotation). A received buffer is the forwarder's, with its access rights; it is transmitted from the
 * very buffer it arrived in: on another port only that port's device is granted read access (no new mapping, no
 * copy); on its own port the existing mapping already allows it. After tx completion the grant is revoked and the
 * buffer goes back to its own ring. The only per-packet DMA-API calls are the two syncs any long-lived mapping
 * needs (for the CPU at receive, for the device before transmit): free on a coherent platform, a copy where the
 * platform bounces the mapping.
 *
 * <p>Egress lag and drops: a buffer returns to its ring when its transmission completes or the packet is dropped,
 * whatever ring is active. Rotation never waits for a ring to be complete: it posts what the next ring has, and if
 * every ring is empty (all buffers in flight), it posts nothing this cycle and the device counts {@code rx_missed}
 * — backpressure, never a stall or a leak. Mappings are torn down once, at detach.
 * <pre>
 *   per buffer b:  owner port · owner ring · premapped handle · device granted (or -1)
 *   per port p:    rings[p][r] = stack of free buffers · active[p]
 * </pre>
 */
final class PremappedReuseStrategy implements DmaStrategy {
    /**
     * The access a transmit grant gives, resolved when this class is initialized (where strategies are created, off
     * the data path), not at the first forwarded frame: loading a class through the framework takes hundreds of
     * microseconds, more than a hot swap's step.
     */
    private static final DeviceAccess GRANT = DeviceAccess.READ;
    private final String name;
    private final int ringCount;
    private final int configuredRingSize;

    private DmaPlatform platform;
    private NicPort[] ports;
    private int bufferSize;
    private int[] ownerPort;
    private int[] ownerRing;
    private long[] handle;
    private int[] granted;
    /** Where the per-buffer tables come from and go back to once every buffer is released. */
    private final BufferTables.Spare spare;
    /** The spare tables being taken over, one per {@link #setUp} stage. */
    private BufferTables reused;
    private int[][][] rings;
    private int[][] ringTop;
    private int[] active;
    /** Made with the strategy, off the forwarding thread (which also loads {@code RxReclaim} here, not at detach). */
    private final PacketBatch scratch = RxReclaim.newBatch();
    private long allocated;
    private long rotations;
    /** Linked where the strategy is created, not on the forwarding thread at the end of a hot swap. */
    private final RxReclaim.Sink pushReclaimed = (buffer, dma) -> push(platform, buffer);
    /** Where {@link #prepare} goes on: the port and ring being premapped (port == ports.length when done). */
    private int prepPort;
    private int prepRing;
    /** The next stage of {@link #setUp}. */
    private int setUpStage;

    PremappedReuseStrategy(final String name, final int ringCount, final int ringSize) {
        this(name, ringCount, ringSize, new BufferTables.Spare());
    }

    PremappedReuseStrategy(final String name, final int ringCount, final int ringSize, final BufferTables.Spare spare) {
        this.name = name;
        this.ringCount = ringCount;
        this.configuredRingSize = ringSize;
        this.spare = spare;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void attach(final DmaContext context) {
        prepare(context, Long.MAX_VALUE);
    }

    /**
     * Allocates the tables (one per-buffer table at a time: allocating and zeroing tens of KiB of fresh heap is a
     * step's worth on a small VM), then premaps the rings a few buffers at a time (a hot swap calls this between
     * bursts while the old strategy keeps forwarding); {@link #attach} finishes whatever is left.
     */
    @Override
    public boolean prepare(final DmaContext context, final long deadlineNanos) {
        while (rings == null) {
            setUp(context);
            if (rings == null && System.nanoTime() >= deadlineNanos) {
                return false;
            }
        }
        final DmaPlatform p = platform;
        while (prepPort < ports.length) {
            final int size = rings[prepPort][0].length;
            final int device = ports[prepPort].info().device();
            final int port = prepPort;
            final int ring = prepRing;
            final int b = p.allocate(device);
            final long h = b == DmaPlatform.NO_BUFFER ? DmaPlatform.MAP_FAILED
                    : p.map(device, b, 0, bufferSize, DmaDirection.BIDIRECTIONAL);
            if (h == DmaPlatform.MAP_FAILED) {
                if (b != DmaPlatform.NO_BUFFER) {
                    p.free(b);
                }
                final int at = ringTop[port][ring];
                detach();
                throw new IllegalStateException("premapping ring " + ring + " of port "
                        + ports[port].info().name() + " failed at buffer " + at + " (mapping resources exhausted)");
            }
            allocated++;
            ownerPort[b] = port;
            ownerRing[b] = ring;
            handle[b] = h;
            rings[port][ring][ringTop[port][ring]++] = b;
            if (ringTop[port][ring] == size && ++prepRing == ringCount) {
                prepRing = 0;
                prepPort++;
            }
            // Look at the clock every 4 buffers: a map is well under a microsecond once compiled, but the first
            // swap of a run runs this interpreted.
            if ((allocated & 3) == 0 && System.nanoTime() >= deadlineNanos) {
                break;
            }
        }
        return prepPort == ports.length;
    }

    /** One stage of building the tables per call; {@link #rings} is set by the last. */
    private void setUp(final DmaContext context) {
        final int buffers = context.platform().bufferCount();
        switch (setUpStage++) {
            case 0 -> checkCapacity(context);
            case 1 -> {
                reused = spare.take();
                ownerPort = BufferTables.reuse(reused.ownerPort(), buffers, 0);
            }
            case 2 -> ownerRing = BufferTables.reuse(reused.ownerRing(), buffers, 0);
            case 3 -> handle = BufferTables.reuse(reused.handle(), buffers);
            case 4 -> {
                granted = BufferTables.reuse(reused.granted(), buffers, -1);
                reused = null;
            }
            default -> buildRings();
        }
    }

    private void checkCapacity(final DmaContext context) {
        platform = context.platform();
        final List<NicPort> list = context.ports();
        ports = list.toArray(new NicPort[0]);
        bufferSize = platform.bufferSize();
        long needed = 0;
        for (final NicPort port : ports) {
            final int size = configuredRingSize > 0 ? configuredRingSize : port.rxRingSize();
            needed += (long) size * ringCount;
        }
        if (needed > platform.freeBuffers()) {
            throw new IllegalArgumentException("dma.rings=" + ringCount + " x ring size x " + ports.length
                    + " ports needs " + needed + " buffers, the platform has " + platform.freeBuffers()
                    + " free (raise the backend's buffers: nic.buffers, nic.frames on af-xdp; or lower dma.ring.size;"
                    + " a hot swap needs room for the old strategy's buffers and these at once)");
        }
    }

    private void buildRings() {
        ringTop = new int[ports.length][ringCount];
        active = new int[ports.length];
        final int[][][] r = new int[ports.length][][];
        for (int p = 0; p < ports.length; p++) {
            final int size = configuredRingSize > 0 ? configuredRingSize : ports[p].rxRingSize();
            r[p] = new int[ringCount][size];
        }
        rings = r;
        prepPort = 0;
        prepRing = 0;
    }

    @Override
    public int refill(final NicPort port) {
        final int p = port.info().index();
        final int free = port.rxFreeSlots();
        final int[][] portRings = rings[p];
        final int[] tops = ringTop[p];
        int ring = active[p];
        int posted = 0;
        int emptyRingsSeen = 0;
        while (posted < free) {
            if (tops[ring] == 0) {
                // The active ring is all handed out: the next premapped ring takes its place.
                if (++emptyRingsSeen == ringCount) {
                    break;
                }
                ring = ring + 1 == ringCount ? 0 : ring + 1;
                rotations++;
                continue;
            }
            final int b = portRings[ring][--tops[ring]];
            port.postRx(b, handle[b]);
            posted++;
        }
        active[p] = ring;
        if (posted > 0) {
            port.commitRx();
        }
        return posted;
    }

    @Override
    public void onReceive(final NicPort port, final PacketBatch received) {
        // No mapping work: the buffer stays mapped and is the forwarder's until it goes back to its ring. Only a
        // sync for the CPU, which is free on a coherent platform and a copy where the long-lived mapping bounces.
        final DmaPlatform p = platform;
        final int device = port.info().device();
        final int n = received.size();
        for (int i = 0; i < n; i++) {
            p.sync(device, received.dma(i), received.length(i), DmaDirection.FROM_DEVICE);
        }
    }

    @Override
    public int prepareTransmit(final NicPort egress, final PacketBatch batch) {
        final DmaPlatform p = platform;
        final int egressPort = egress.info().index();
        final int device = egress.info().device();
        final int n = batch.size();
        int ready = 0;
        for (int i = 0; i < n; i++) {
            final int b = batch.buffer(i);
            final long offset = batch.offset(i) - p.bufferOffset(b);
            long base = handle[b];
            // Hand the CPU's rewrite back to the device view of the buffer (a copy only if the mapping bounces).
            p.sync(ports[ownerPort[b]].info().device(), base + offset, batch.length(i), DmaDirection.TO_DEVICE);
            if (ownerPort[b] != egressPort) {
                base = p.grant(device, b, GRANT);
                if (base != DmaPlatform.MAP_FAILED) {
                    granted[b] = device;
                }
            }
            if (base == DmaPlatform.MAP_FAILED) {
                batch.dma(i, PacketBatch.NO_DMA);
            } else {
                batch.dma(i, base + offset);
                ready++;
            }
        }
        return ready;
    }

    @Override
    public void onTransmitted(final NicPort port, final PacketBatch completed) {
        giveBack(completed);
    }

    @Override
    public void release(final PacketBatch dropped) {
        giveBack(dropped);
    }

    @Override
    public void releaseUnsent(final NicPort egress, final PacketBatch unsent) {
        giveBack(unsent);
    }

    /** Revokes any grant and returns each buffer to its own ring. */
    private void giveBack(final PacketBatch batch) {
        final DmaPlatform p = platform;
        final int n = batch.size();
        for (int i = 0; i < n; i++) {
            push(p, batch.buffer(i));
        }
    }

    private void push(final DmaPlatform p, final int b) {
        final int device = granted[b];
        if (device >= 0) {
            p.revoke(device, b);
            granted[b] = -1;
        }
        final int port = ownerPort[b];
        final int ring = ownerRing[b];
        rings[port][ring][ringTop[port][ring]++] = b;
    }

    /** Unmaps and frees the idle rings a few buffers at a time (a strategy replaced by a hot swap). */
    @Override
    public boolean retire(final long deadlineNanos) {
        if (rings == null) {
            return true;
        }
        final DmaPlatform p = platform;
        int done = 0;
        for (int port = 0; port < rings.length; port++) {
            final int device = ports[port].info().device();
            for (int r = 0; r < ringCount; r++) {
                while (ringTop[port][r] > 0) {
                    final int b = rings[port][r][--ringTop[port][r]];
                    p.unmap(device, handle[b], bufferSize, DmaDirection.BIDIRECTIONAL);
                    p.free(b);
                    allocated--;
                    if ((++done & 3) == 0 && System.nanoTime() >= deadlineNanos) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    @Override
    public void detach() {
        if (rings == null) {
            return;
        }
        for (final NicPort port : ports) {
            RxReclaim.drain(port, scratch, pushReclaimed);
        }
        retire(Long.MAX_VALUE); // every ring, at once
        if (allocated == 0) {
            // Nothing of ours is left anywhere: the next strategy of this factory may have the tables. Drop every
            // reference to them, so that a call after detach fails here instead of writing into another's tables.
            final BufferTables t = new BufferTables(ownerPort, ownerRing, handle, granted);
            ownerPort = null;
            ownerRing = null;
            handle = null;
            granted = null;
            rings = null;
            spare.give(t);
        }
    }

    @Override
    public long buffersOutstanding() {
        return allocated;
    }

    /** Ring rotations so far (for tests and, later, traces). */
    long rotations() {
        return rotations;
    }
}
