package org.routerlab.nic.ixgbevf.internal;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.routerlab.api.platform.DeviceAccess;
import org.routerlab.api.platform.DmaDirection;
import org.routerlab.api.platform.DmaPlatform;
import org.routerlab.api.platform.PlatformCounters;
import org.routerlab.api.platform.PlatformOp;

/**
 * The guest platform of the ixgbevf model: guest memory with its P2M, the hypervisor, swiotlb, the IOMMU, and the
 * device-side permission checks, put together as the active {@link CostProfile} says (see its table). Every
 * operation is counted in {@link #counters()} and charged to the {@link ModeledClock}.
 *
 * <p><b>Bus addresses.</b> A DMA handle is what the device puts on the bus: a machine address of guest memory
 * (direct), a machine address in the swiotlb aperture (bounced), or an IOVA (IOMMU profiles; one domain per
 * device). The device side ({@link #deviceWrite}, {@link #deviceRead}) resolves it the way hardware would (M2P,
 * aperture, IOMMU page table) and checks the model's permission rule: a device may access memory only while it is
 * mapped for it in that direction, or granted to it. Anything else is a DMA fault: counted ({@link PlatformOp#DMA_FAULT}),
 * traced ({@link #faults()}), and the access does not happen.
 *
 * <p><b>Errors.</b> Exhaustion (no buffer, no bounce slot, no IOVA) returns a failure value and is counted. Caller
 * bugs (unmapping what is not mapped, with another length or direction, freeing a mapped buffer, double free) throw
 * {@link IllegalStateException}, as the Linux DMA-API debug checks would complain. Single-threaded (the forwarding
 * thread) except {@link #counters()} reads, and {@link #successor} and {@link #close()}, which a live profile swap
 * calls on other threads (they touch nothing the forwarding thread uses).
 */
final class XenPvPlatform implements DmaPlatform, AutoCloseable {
    /** Machine frame of guest frame 0 on an identity P2M, and the lowest one of a scattered P2M: 4 GiB. */
    static final int GUEST_MFN_BASE = 0x100000;
    /** Machine address of the swiotlb aperture: below 4 GiB, where xen_swiotlb_fixup exchanged it to (costs.md B1). */
    static final long APERTURE_BUS_BASE = 0x1000_0000L;
    private static final DmaDirection[] DIRECTIONS = DmaDirection.values();

    /**
     * Everything the platform is built from.
     *
     * @param devices DMA devices (one per port)
     * @param contiguity probability that pseudo-physically adjacent frames are machine-adjacent (Xen profiles)
     * @param swiotlbBytes bounce aperture size
     * @param dmaBits the device's DMA mask width (ixgbevf: 64)
     * @param paperHypercall the hypercall type the {@code paper} profile charges per map and unmap
     * @param ringPages pages of each descriptor ring allocated coherently at setup (rx and tx per device)
     */
    record Settings(int bufferCount, int bufferSize, int stride, int devices, CostProfile costs, double contiguity,
            long seed, long swiotlbBytes, int dmaBits, int iommuHighWater, long iommuTimeoutNanos,
            Hypervisor.Hypercall paperHypercall, boolean spin, int[] ringPages) {

        /** Defaults of the driver and platform for {@code profile}, with {@code buffers} buffers (tests). */
        static Settings of(final String profile, final int buffers, final int devices) {
            return new Settings(buffers, 2048, 2048, devices, CostProfile.named(profile), 0.0, 1,
                    Swiotlb.DEFAULT_BYTES, 64, Iommu.DEFAULT_HIGH_WATER, Iommu.DEFAULT_TIMEOUT_NANOS,
                    Hypervisor.Hypercall.GRANT_TABLE_OP, false, new int[] {2, 4});
        }

        Settings withStride(final int value) {
            return new Settings(bufferCount, bufferSize, value, devices, costs, contiguity, seed, swiotlbBytes, dmaBits,
                    iommuHighWater, iommuTimeoutNanos, paperHypercall, spin, ringPages);
        }

        Settings withContiguity(final double value) {
            return new Settings(bufferCount, bufferSize, stride, devices, costs, value, seed, swiotlbBytes, dmaBits,
                    iommuHighWater, iommuTimeoutNanos, paperHypercall, spin, ringPages);
        }

        Settings withSwiotlb(final long bytes) {
            return new Settings(bufferCount, bufferSize, stride, devices, costs, contiguity, seed, bytes, dmaBits,
                    iommuHighWater, iommuTimeoutNanos, paperHypercall, spin, ringPages);
        }

        Settings withDmaBits(final int bits) {
            return new Settings(bufferCount, bufferSize, stride, devices, costs, contiguity, seed, swiotlbBytes, bits,
                    iommuHighWater, iommuTimeoutNanos, paperHypercall, spin, ringPages);
        }

        Settings withCosts(final CostProfile value) {
            return new Settings(bufferCount, bufferSize, stride, devices, value, contiguity, seed, swiotlbBytes,
                    dmaBits, iommuHighWater, iommuTimeoutNanos, paperHypercall, spin, ringPages);
        }
    }

    private final CostProfile costs;
    private final CostProfile.Kind kind;
    private final boolean xen;
    private final boolean bounceAlways;
    private final boolean hypercallPerMapping;
    private final Hypervisor.Hypercall paperHypercall;
    /** What this platform was built from (a profile swap builds its successor from the same). */
    private final Settings settings;
    private final int ports;
    /** Shared with the predecessor and successors of a profile swap: one run, one set of counts. */
    private final PlatformCounters published;
    private final OpCounts counters;
    /**
     * Shared like the counters: buffers [0] and mappings [1] that strategies left behind on a predecessor released
     * after a profile swap ({@link #orphan}); counted in {@link #allocatedBuffers()} and {@link #liveMappings()} of
     * every platform of the run, so that a leak on an old platform stays visible.
     */
    private final long[] orphans;
    private final ModeledClock clock;
    private final GuestMemory guest;
    private final MemorySegment memory;
    private final Swiotlb swiotlb;
    private final Iommu iommu;
    private final Hypervisor hypervisor;
    private final FaultLog faults;
    private final int bufferCount;
    private final int bufferSize;
    private final int devices;
    private final long dmaLimit;
    private final long guestLimit;
    private final boolean identityP2m;
    private final long machineBase;
    /** No IOMMU and no bounce aperture: every bus address is a machine address of guest memory. */
    private final boolean plainDirect;

    private final int[] freeStack;
    private int freeTop;
    private final boolean[] allocated;
    /** Live mappings per (device, buffer) that let the device read / write: index device * bufferCount + buffer. */
    private final short[] readMaps;
    private final short[] writeMaps;
    /** Grants per (device, buffer): bit 0 read, bit 1 write. */
    private final byte[] grants;
    /** IOMMU profiles: the IOVA of a grant's mapping per (device, buffer), 0 when none. */
    private final long[] grantBus;
    /** Live mappings of a buffer, any device. */
    private final short[] mappedAnywhere;
    /** Head slot of the latest live bounced mapping of a buffer, or -1. */
    private final int[] bounceSlot;
    private long liveMappings;

    private final long mapPicos;
    private final long unmapPicos;
    private final long p2mPicos;
    private final long m2pPicos;
    private final long slotAllocPicos;
    private final long slotFreePicos;
    private final long copyFixedPicos;
    private final long copyPerBytePicos;
    private final long grantPicos;
    private final long revokePicos;
    private final long allocPicos;
    private final long freePicos;

    /**
     * The boot-time work of a Xen profile (swiotlb fixup, coherent rings), computed when the platform is built but
     * counted and charged only by {@link #chargeSetup()}: a successor is built off the data path and must not touch
     * the counters and clock it shares with the platform still in use. Per {@link PlatformOp} id; null once charged.
     */
    private long[] setupCounts;
    private long setupPicos;
    /** The thread that built this platform (allocated its memory): tests check it is not the forwarding thread. */
    private final Thread builtOn = Thread.currentThread();

    XenPvPlatform(final Settings s, final int ports) {
        this(s, ports, null);
    }

    /**
     * @param previous the platform this one succeeds in a live profile swap, whose counters, modeled clock and
     *        fault trace it continues (it keeps references to them, and reads only final fields of {@code previous}:
     *        building a successor touches nothing the forwarding thread uses); null for a fresh one
     */
    private XenPvPlatform(final Settings s, final int ports, final XenPvPlatform previous) {
        this.settings = s;
        this.ports = ports;
        this.published = previous == null ? new PlatformCounters() : previous.published;
        this.counters = previous == null ? new OpCounts(published) : previous.counters;
        this.faults = previous == null ? new FaultLog() : previous.faults;
        this.orphans = previous == null ? new long[2] : previous.orphans;
        this.costs = s.costs();
        this.kind = costs.kind();
        this.xen = kind.xen;
        this.bounceAlways = kind.bounceAlways;
        this.hypercallPerMapping = kind.hypercallPerMapping;
        this.paperHypercall = s.paperHypercall();
        if (s.dmaBits() < 32 || s.dmaBits() > 64) {
            throw new IllegalArgumentException("nic.dma.bits=" + s.dmaBits() + " must be in 32..64");
        }
        this.dmaLimit = s.dmaBits() == 64 ? Long.MAX_VALUE : (1L << s.dmaBits()) - 1;
        this.clock = previous == null ? new ModeledClock(counters, ports, s.spin()) : previous.clock;
        final int frames = GuestMemory.framesFor(s.bufferCount(), Math.max(s.stride(), s.bufferSize()));
        final P2mTable p2m = xen ? P2mTable.scattered(frames, GUEST_MFN_BASE, s.contiguity(), s.seed())
                : P2mTable.identity(frames, GUEST_MFN_BASE);
        this.guest = new GuestMemory(s.bufferCount(), s.bufferSize(), s.stride(), p2m, GUEST_MFN_BASE);
        this.memory = guest.memory();
        this.guestLimit = guest.limit();
        this.identityP2m = guest.identity();
        this.machineBase = guest.machineBase();
        final boolean needsAperture = !kind.iommu() && (xen || s.dmaBits() < 64);
        try {
            this.swiotlb = new Swiotlb(needsAperture ? s.swiotlbBytes() : 0, APERTURE_BUS_BASE);
        } catch (RuntimeException e) {
            guest.close();
            throw e;
        }
        if (needsAperture && swiotlb.slots() == 0 && bounceAlways) {
            close();
            throw new IllegalArgumentException("nic.swiotlb.size=0: profile=" + kind.profileName + " bounces every mapping");
        }
        this.plainDirect = !kind.iommu() && swiotlb.slots() == 0;
        this.bufferCount = s.bufferCount();
        this.bufferSize = s.bufferSize();
        this.devices = s.devices();
        this.hypervisor = xen ? new Hypervisor(counters, clock, costs) : null;
        final int iovaPages = Integer.highestOneBit(s.bufferCount() * 4 + s.iommuHighWater() * 16 + 64) * 2;
        try {
            this.iommu = kind.iommu() ? new Iommu(devices, iovaPages, costs, counters, clock, s.iommuHighWater(),
                    s.iommuTimeoutNanos()) : null;
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        this.freeStack = new int[bufferCount];
        for (int i = 0; i < bufferCount; i++) {
            freeStack[i] = bufferCount - 1 - i;
        }
        this.freeTop = bufferCount;
        this.allocated = new boolean[bufferCount];
        this.readMaps = new short[devices * bufferCount];
        this.writeMaps = new short[devices * bufferCount];
        this.grants = new byte[devices * bufferCount];
        this.grantBus = iommu != null ? new long[devices * bufferCount] : null;
        this.mappedAnywhere = new short[bufferCount];
        this.bounceSlot = new int[bufferCount];
        java.util.Arrays.fill(bounceSlot, -1);
        this.mapPicos = costs.picos(CostParameter.DMA_MAP);
        this.unmapPicos = costs.picos(CostParameter.DMA_UNMAP);
        this.p2mPicos = costs.picos(CostParameter.P2M_LOOKUP);
        this.m2pPicos = costs.picos(CostParameter.M2P_LOOKUP);
        this.slotAllocPicos = costs.picos(CostParameter.SWIOTLB_ALLOC);
        this.slotFreePicos = costs.picos(CostParameter.SWIOTLB_FREE);
        this.copyFixedPicos = costs.picos(CostParameter.COPY_FIXED);
        this.copyPerBytePicos = costs.picos(CostParameter.COPY_PER_BYTE);
        this.grantPicos = costs.picos(CostParameter.GRANT);
        this.revokePicos = costs.picos(CostParameter.REVOKE);
        this.allocPicos = costs.picos(CostParameter.BUFFER_ALLOC);
        this.freePicos = costs.picos(CostParameter.BUFFER_FREE);
        if (xen) {
            // Done with a hypervisor of its own that counts into a tally: charged by chargeSetup(), at once for a
            // fresh platform, at the swap's commit (on the forwarding thread) for a successor.
            final OpCounts tally = new OpCounts(new PlatformCounters());
            final ModeledClock setupClock = new ModeledClock(tally, 1, false);
            setUp(s, new Hypervisor(tally, setupClock, costs));
            final long[] counts = new long[PlatformOp.count()];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = tally.get(PlatformOp.byId(i));
            }
            this.setupCounts = counts;
            this.setupPicos = setupClock.setupPicos();
        }
        if (previous == null) {
            chargeSetup();
            counters.publish();
        }
    }

    /**
     * Boot-time work of a PV guest, charged to the setup account: xen_swiotlb_fixup makes every IO_TLB_SEGSIZE
     * chunk of the aperture machine-contiguous below 4 GiB (one xen_create_contiguous_region each), and
     * dma_alloc_coherent of each descriptor ring does the same when its pages are not machine-contiguous.
     */
    private void setUp(final Settings s, final Hypervisor hypervisor) {
        hypervisor.setup(true);
        final int pagesPerSegment = Swiotlb.SEGMENT_SLOTS * Swiotlb.SLOT_SIZE / P2mTable.PAGE_SIZE;
        for (int i = 0; i < swiotlb.segments(); i++) {
            hypervisor.createContiguousRegion(pagesPerSegment);
        }
        final SplittableRandom random = new SplittableRandom(s.seed() ^ 0x2545F4914F6CDD1DL);
        for (int d = 0; d < devices; d++) {
            for (final int pages : s.ringPages()) {
                boolean contiguous = true;
                for (int p = 1; p < pages; p++) {
                    contiguous &= random.nextDouble() < s.contiguity();
                }
                if (!contiguous) {
                    hypervisor.createContiguousRegion(pages);
                }
            }
        }
        hypervisor.setup(false);
    }

    // ---- DmaPlatform: buffers

    @Override public String name() { return "ixgbevf/" + kind.profileName; }
    @Override public MemorySegment memory() { return memory; }
    @Override public int bufferSize() { return bufferSize; }
    @Override public int bufferCount() { return bufferCount; }
    @Override public long bufferOffset(final int buffer) { return guest.bufferOffset(buffer); }
    @Override public int freeBuffers() { return freeTop; }
    /**
     * {@inheritDoc} Called on the forwarding thread (as every platform method), it also publishes the pending
     * counts: the engine reads it right after the strategy detached, before it reports the run.
     */
    @Override
    public long liveMappings() {
        clock.publish();
        return liveMappings + orphans[1];
    }
    @Override public PlatformCounters counters() { return published; }

    @Override
    public int allocate() {
        if (freeTop == 0) {
            return NO_BUFFER;
        }
        final int buffer = freeStack[--freeTop];
        allocated[buffer] = true;
        counters.increment(PlatformOp.BUFFER_ALLOC);
        clock.charge(allocPicos);
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
            if (grants[d * bufferCount + buffer] != 0) {
                dropGrant(d, buffer);
            }
        }
        allocated[buffer] = false;
        freeStack[freeTop++] = buffer;
        counters.increment(PlatformOp.BUFFER_FREE);
        clock.charge(freePicos);
    }

    // ---- DmaPlatform: mappings

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
        final long address = guest.bufferOffset(buffer) + offset;
        clock.charge(mapPicos);
        final long bus;
        if (iommu != null) {
            bus = iommu.map(device, address, length, direction.deviceMayRead(), direction.deviceMayWrite());
        } else {
            bus = mapThroughSwiotlb(device, buffer, address, length, direction);
        }
        if (bus < 0) {
            counters.increment(PlatformOp.DMA_MAP_FAILED);
            return MAP_FAILED;
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
        return bus;
    }

    /** swiotlb(-xen)'s map_page: in place when reachable and contiguous, else through a bounce slot; -1 on failure. */
    private long mapThroughSwiotlb(final int device, final int buffer, final long address, final int length,
            final DmaDirection direction) {
        boolean bounce = bounceAlways;
        long machine = 0;
        if (hypercallPerMapping) {
            hypervisor.call(paperHypercall);
        }
        if (!bounce) {
            if (xen) {
                // xen_phys_to_bus (one pfn_to_mfn), then range_straddles_page_boundary, which looks up every frame
                // of a range that crosses a boundary (check_pages_physically_contiguous).
                final int frames = GuestMemory.framesSpanned(address, length);
                final int lookups = frames == 1 ? 1 : 1 + frames;
                counters.add(PlatformOp.P2M_LOOKUP, lookups);
                clock.charge(p2mPicos * lookups);
                machine = guest.machineAddress(address);
                bounce = frames > 1 && guest.straddlesDiscontinuity(address, length);
            } else {
                machine = guest.machineAddress(address);
            }
            bounce |= machine + length - 1 > dmaLimit;
        }
        if (!bounce) {
            return machine;
        }
        clock.charge(slotAllocPicos);
        final int slot = swiotlb.allocate(address, length, device, direction.ordinal());
        if (slot < 0) {
            return -1;
        }
        counters.increment(PlatformOp.BOUNCE);
        if (direction.deviceMayRead()) {
            bounceCopy(address, Swiotlb.offsetOf(slot), length, true);
        }
        bounceSlot[buffer] = slot;
        return swiotlb.busOf(slot);
    }

    @Override
    public void unmap(final int device, final long handle, final int length, final DmaDirection direction) {
        checkDevice(device);
        final int buffer;
        final int head;
        if (iommu != null) {
            if (!iommu.isMapped(device, handle)) {
                throw new IllegalStateException("unmap of handle=0x" + Long.toHexString(handle)
                        + " that is not mapped for device=" + device + " (double unmap?)");
            }
            buffer = guest.bufferAt(iommuAddress(device, handle));
            head = -1;
        } else {
            if (xen && !bounceAlways) {
                // xen_bus_to_phys: one mfn_to_pfn, bounced or not.
                counters.increment(PlatformOp.P2M_LOOKUP);
                clock.charge(m2pPicos);
            }
            if (swiotlb.contains(handle)) {
                head = swiotlb.headAt(handle);
                if (head < 0 || swiotlb.device(head) != device) {
                    throw new IllegalStateException("unmap of handle=0x" + Long.toHexString(handle)
                            + " that is not a bounce mapping of device=" + device + " (double unmap?)");
                }
                if (swiotlb.size(head) != length || swiotlb.direction(head) != direction.ordinal()) {
                    throw new IllegalStateException("unmap of handle=0x" + Long.toHexString(handle) + " with length="
                            + length + " direction=" + direction + ", mapped with length=" + swiotlb.size(head)
                            + " direction=" + DIRECTIONS[swiotlb.direction(head)]);
                }
                buffer = guest.bufferAt(swiotlb.original(head));
            } else {
                final long address = guest.guestAddress(handle);
                if (address < 0 || address >= guestLimit) {
                    throw new IllegalStateException("unmap of handle=0x" + Long.toHexString(handle)
                            + " that is no mapped guest memory (device=" + device + ")");
                }
                buffer = guest.bufferAt(address);
                head = -1;
            }
        }
        final int slot = device * bufferCount + buffer;
        if ((direction.deviceMayRead() && readMaps[slot] == 0) || (direction.deviceMayWrite() && writeMaps[slot] == 0)) {
            throw new IllegalStateException("unmap of buffer=" + buffer + " device=" + device + " direction="
                    + direction + " that is not mapped (double unmap?)");
        }
        // Validated: now tear down.
        if (iommu != null) {
            iommu.unmap(device, handle);
        } else {
            if (hypercallPerMapping) {
                hypervisor.call(paperHypercall);
            }
            if (head >= 0) {
                if (direction.deviceMayWrite()) {
                    // The copy back is the whole mapping, whatever the device wrote (swiotlb_tbl_unmap_single).
                    bounceCopy(swiotlb.original(head), Swiotlb.offsetOf(head), swiotlb.size(head), false);
                }
                swiotlb.release(head);
                clock.charge(slotFreePicos);
                if (bounceSlot[buffer] == head) {
                    bounceSlot[buffer] = -1;
                }
            }
        }
        if (direction.deviceMayRead()) {
            readMaps[slot]--;
        }
        if (direction.deviceMayWrite()) {
            writeMaps[slot]--;
        }
        mappedAnywhere[buffer]--;
        liveMappings--;
        counters.increment(PlatformOp.DMA_UNMAP);
        clock.charge(unmapPicos);
    }

    @Override
    public void sync(final int device, final long handle, final int length, final DmaDirection direction) {
        checkDevice(device);
        counters.increment(PlatformOp.DMA_SYNC);
        if (iommu != null || !swiotlb.contains(handle)) {
            return; // coherent x86, nothing bounced: dma_sync_* does nothing (costs.md B1)
        }
        if (xen && !bounceAlways) {
            counters.increment(PlatformOp.P2M_LOOKUP);
            clock.charge(m2pPicos);
        }
        final int head = swiotlb.allocationCovering(handle, length);
        if (head < 0 || swiotlb.device(head) != device) {
            throw new IllegalStateException("sync of handle=0x" + Long.toHexString(handle) + " length=" + length
                    + " that is not a bounce mapping of device=" + device);
        }
        final long within = handle - swiotlb.busOf(head);
        // FROM_DEVICE (and BIDIRECTIONAL): make the CPU's view current; TO_DEVICE: the device's.
        bounceCopy(swiotlb.original(head) + within, Swiotlb.offsetOf(head) + within, length,
                direction == DmaDirection.TO_DEVICE);
    }

    // ---- DmaPlatform: grants and copies

    @Override
    public long grant(final int device, final int buffer, final DeviceAccess access) {
        checkDevice(device);
        checkBuffer(buffer);
        if (mappedAnywhere[buffer] == 0) {
            return MAP_FAILED;
        }
        final int slot = device * bufferCount + buffer;
        final long start = guest.bufferOffset(buffer);
        final long bus;
        if (iommu != null) {
            // On bare metal a second device's permission is a mapping in its own IOMMU domain.
            if (grantBus[slot] != 0) {
                iommu.unmap(device, grantBus[slot]);
                grantBus[slot] = 0;
            }
            bus = iommu.map(device, start, bufferSize, access.allowsRead(), access.allowsWrite());
            if (bus < 0) {
                counters.increment(PlatformOp.DMA_MAP_FAILED);
                return MAP_FAILED;
            }
            grantBus[slot] = bus;
        } else {
            // Xen: a grant-table entry write (domid, frame, wmb, flags): local, no hypercall (costs.md B5).
            clock.charge(grantPicos);
            final int head = bounceSlot[buffer];
            if (head >= 0) {
                bus = swiotlb.busOf(head) - (swiotlb.original(head) - start);
            } else {
                if (xen) {
                    counters.increment(PlatformOp.P2M_LOOKUP); // the frame written into the entry is an mfn
                    clock.charge(p2mPicos);
                }
                bus = guest.machineAddress(start);
            }
        }
        grants[slot] = (byte) ((access.allowsRead() ? 1 : 0) | (access.allowsWrite() ? 2 : 0));
        counters.increment(PlatformOp.PERMISSION_GRANT);
        return bus;
    }

    @Override
    public void revoke(final int device, final int buffer) {
        checkDevice(device);
        checkBuffer(buffer);
        dropGrant(device, buffer);
        counters.increment(PlatformOp.PERMISSION_REVOKE);
    }

    private void dropGrant(final int device, final int buffer) {
        final int slot = device * bufferCount + buffer;
        grants[slot] = 0;
        if (iommu != null) {
            if (grantBus[slot] != 0) {
                iommu.unmap(device, grantBus[slot]);
                grantBus[slot] = 0;
            }
        } else {
            clock.charge(revokePicos);
        }
    }

    @Override
    public void copy(final int sourceBuffer, final int sourceOffset, final int targetBuffer, final int targetOffset,
            final int length) {
        checkBuffer(sourceBuffer);
        checkBuffer(targetBuffer);
        MemorySegment.copy(memory, guest.bufferOffset(sourceBuffer) + sourceOffset, memory,
                guest.bufferOffset(targetBuffer) + targetOffset, length);
        counters.increment(PlatformOp.COPY);
        counters.add(PlatformOp.COPY_BYTES, length);
        clock.charge(copyFixedPicos + copyPerBytePicos * length);
    }

    private void bounceCopy(final long guestAddress, final long slotOffset, final int length, final boolean toSlot) {
        final MemorySegment aperture = swiotlb.memory();
        if (toSlot) {
            MemorySegment.copy(memory, guestAddress, aperture, slotOffset, length);
        } else {
            MemorySegment.copy(aperture, slotOffset, memory, guestAddress, length);
        }
        counters.add(PlatformOp.BOUNCE_BYTES, length);
        clock.charge(copyFixedPicos + copyPerBytePicos * length);
    }

    // ---- the device side (used by IxgbevfPort; not part of the platform contract)

    /**
     * The device writes {@code length} bytes from {@code source} at {@code sourceOffset} (a frame off the wire) to
     * bus address {@code bus}. Returns the pseudo-physical address (offset in {@link #memory()}) where the CPU will
     * find the frame once the mapping is unmapped or synced, or -1, after counting and tracing a fault, when the
     * device may not write there.
     */
    long deviceWrite(final int device, final long bus, final MemorySegment source, final long sourceOffset,
            final int length) {
        if (plainDirect) {
            final long address = directAccess(device, bus, length, true);
            if (address >= 0) {
                MemorySegment.copy(source, sourceOffset, memory, address, length);
            }
            return address;
        }
        if (iommu != null) {
            return iommuAccess(device, bus, source, sourceOffset, length, true)
                    ? iommu.translate(device, bus, true) : -1;
        }
        if (swiotlb.contains(bus)) {
            final int head = apertureAccess(device, bus, length, true);
            if (head < 0) {
                return -1;
            }
            MemorySegment.copy(source, sourceOffset, swiotlb.memory(), bus - swiotlb.busBase(), length);
            return swiotlb.original(head) + (bus - swiotlb.busOf(head));
        }
        final long address = directAccess(device, bus, length, true);
        if (address >= 0) {
            MemorySegment.copy(source, sourceOffset, memory, address, length);
        }
        return address;
    }

    /** The device reads {@code length} bytes at bus address {@code bus} (a frame to transmit); false on a fault. */
    boolean deviceRead(final int device, final long bus, final int length) {
        if (plainDirect) {
            return directAccess(device, bus, length, false) >= 0;
        }
        if (iommu != null) {
            return iommuAccess(device, bus, null, 0, length, false);
        }
        if (swiotlb.contains(bus)) {
            return apertureAccess(device, bus, length, false) >= 0;
        }
        return directAccess(device, bus, length, false) >= 0;
    }

    private boolean iommuAccess(final int device, final long bus, final MemorySegment source, final long sourceOffset,
            final int length, final boolean write) {
        // Check every page first: a fault leaves memory untouched.
        final long last = bus + length - 1;
        for (long page = bus & ~P2mTable.PAGE_MASK; page <= last; page += P2mTable.PAGE_SIZE) {
            if (iommu.translate(device, Math.max(page, bus), write) < 0) {
                return fault(device, bus, length, write, FaultLog.Cause.UNMAPPED);
            }
        }
        if (write) {
            int done = 0;
            while (done < length) {
                final long address = iommu.translate(device, bus + done, true);
                final int chunk = (int) Math.min(length - done, P2mTable.PAGE_SIZE - (address & P2mTable.PAGE_MASK));
                MemorySegment.copy(source, sourceOffset + done, memory, address, chunk);
                done += chunk;
            }
        }
        return true;
    }

    /** Checks an access into the aperture; returns the allocation's head slot, or -1 after a fault. */
    private int apertureAccess(final int device, final long bus, final int length, final boolean write) {
        final int head = swiotlb.allocationCovering(bus, length);
        if (head < 0) {
            fault(device, bus, length, write, swiotlb.allocationCovering(bus, 1) < 0 ? FaultLog.Cause.UNMAPPED
                    : FaultLog.Cause.OUT_OF_RANGE);
            return -1;
        }
        final DmaDirection direction = DIRECTIONS[swiotlb.direction(head)];
        final boolean mapped = swiotlb.device(head) == device
                && (write ? direction.deviceMayWrite() : direction.deviceMayRead());
        if (!mapped) {
            final int buffer = guest.bufferAt(swiotlb.original(head));
            if ((grants[device * bufferCount + buffer] & (write ? 2 : 1)) == 0) {
                fault(device, bus, length, write, FaultLog.Cause.NO_PERMISSION);
                return -1;
            }
        }
        return head;
    }

    /** Checks a direct access to guest memory; returns the pseudo-physical address, or -1 after a fault. */
    private long directAccess(final int device, final long bus, final int length, final boolean write) {
        final long address = identityP2m ? bus - machineBase : guest.guestAddress(bus);
        if (address < 0 || address >= guestLimit) {
            fault(device, bus, length, write, FaultLog.Cause.UNMAPPED);
            return -1;
        }
        if (!identityP2m) {
            // The device walks machine frames: each frame it crosses into must be the buffer's next one.
            final long lastFrame = (bus + length - 1) >>> P2mTable.PAGE_SHIFT;
            int pfn = (int) (address >>> P2mTable.PAGE_SHIFT);
            for (long mfn = (bus >>> P2mTable.PAGE_SHIFT) + 1; mfn <= lastFrame; mfn++) {
                if (guest.p2m().pfn(mfn) != ++pfn) {
                    fault(device, bus, length, write, FaultLog.Cause.DISCONTIGUOUS);
                    return -1;
                }
            }
        }
        final int buffer = guest.bufferAt(address);
        if (address + length > guest.bufferOffset(buffer) + bufferSize) {
            fault(device, bus, length, write, FaultLog.Cause.OUT_OF_RANGE);
            return -1;
        }
        final int slot = device * bufferCount + buffer;
        final boolean mapped = write ? writeMaps[slot] != 0 : readMaps[slot] != 0;
        if (!mapped && (grants[slot] & (write ? 2 : 1)) == 0) {
            fault(device, bus, length, write, FaultLog.Cause.NO_PERMISSION);
            return -1;
        }
        return address;
    }

    private boolean fault(final int device, final long bus, final int length, final boolean write,
            final FaultLog.Cause cause) {
        counters.increment(PlatformOp.DMA_FAULT);
        faults.record(clock.now(), device, bus, length, write, cause);
        return false;
    }

    private long iommuAddress(final int device, final long bus) {
        long address = iommu.translate(device, bus, false);
        if (address < 0) {
            address = iommu.translate(device, bus, true);
        }
        return address;
    }

    // ---- model internals for the ports, the session and tests

    /**
     * A live profile swap, the slow half (control plane): a new platform of profile {@code next} with everything
     * else as this one was built (buffer count, size and stride, devices, the seed's P2M, aperture size, DMA mask,
     * IOMMU settings), i.e. the platform a fresh run with {@code profile=NEXT} would get, with its own guest memory,
     * aperture and IOMMU. It continues this platform's counters, modeled clock and fault trace, so that a run's
     * totals and its timeline span every phase — but building it touches none of them, nor anything else of this
     * platform but what is final: this one may be forwarding meanwhile. For a Xen profile its boot-time setup is
     * computed and left for {@link #chargeSetup()} (the commit, on the forwarding thread). The caller owns the
     * result: it {@link #close()}s it if the swap does not happen. On failure (e.g. {@code paper} with
     * {@code nic.swiotlb.size=0}) nothing is built and nothing counted.
     */
    XenPvPlatform successor(final CostProfile next) {
        return new XenPvPlatform(settings.withCosts(next), ports, this);
    }

    /**
     * At the swap (forwarding thread): checks that this platform, about to be replaced, has nothing allocated and
     * nothing mapped.
     *
     * @throws IllegalStateException when it has
     */
    void checkIdle() {
        if (allocatedBuffers() != 0 || liveMappings + orphans[1] != 0) {
            throw new IllegalStateException("profile " + kind.profileName + " still has " + allocatedBuffers()
                    + " buffers allocated and " + (liveMappings + orphans[1]) + " mappings live");
        }
    }

    /**
     * Counts and charges (to the setup account) the boot-time work computed when this platform was built, once;
     * the owner of the shared counters and clock calls it (the forwarding thread for a successor). Quick: one add
     * per kind of operation.
     */
    void chargeSetup() {
        final long[] counts = setupCounts;
        if (counts == null) {
            return;
        }
        setupCounts = null;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                counters.add(PlatformOp.byId(i), counts[i]);
            }
        }
        clock.chargeSetup(setupPicos);
    }

    /** The thread that built this platform and allocated its memory. */
    Thread builtOn() { return builtOn; }

    ModeledClock clock() { return clock; }

    /** The profile's costs. */
    CostProfile costs() { return costs; }

    FaultLog faults() { return faults; }

    GuestMemory guest() { return guest; }

    Swiotlb swiotlb() { return swiotlb; }

    /** The count of {@code op} including what is not published yet (forwarding thread, tests). */
    long count(final PlatformOp op) {
        return counters.get(op);
    }

    /** Null unless the profile has an IOMMU. */
    Iommu iommu() { return iommu; }

    /** Null unless the profile is a Xen PV guest. */
    Hypervisor hypervisor() { return hypervisor; }

    boolean isAllocated(final int buffer) { return allocated[buffer]; }

    /** Buffers allocated and not freed (on a released predecessor too: {@link #orphan}). */
    int allocatedBuffers() { return bufferCount - freeTop + (int) orphans[0]; }

    /**
     * This platform is about to be released (forwarding thread): what is still allocated or mapped on it counts as
     * allocated and live on every platform of the run from now on. Returns {@code {buffers, mappings}} it left.
     */
    long[] orphanLeftovers() {
        final long buffers = bufferCount - freeTop;
        final long mappings = liveMappings;
        orphans[0] += buffers;
        orphans[1] += mappings;
        return new long[] {buffers, mappings};
    }

    /** Teardown: flushes deferred IOTLB invalidations (their IOVAs are released then). */
    void quiesce() {
        if (iommu != null) {
            iommu.flush();
        }
        clock.publish();
    }

    @Override
    public void close() {
        swiotlb.close();
        guest.close();
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
