package org.routerlab.nic.ixgbevf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.routerlab.api.platform.DeviceAccess;
import org.routerlab.api.platform.DmaDirection;
import org.routerlab.api.platform.DmaPlatform;
import org.routerlab.api.platform.PlatformOp;

class XenPvPlatformTest {
    private static final int BUFFERS = 256;

    private XenPvPlatform platform;
    private final MemorySegment frame = MemorySegment.ofArray(new byte[2048]);

    XenPvPlatformTest() {
        for (int i = 0; i < 2048; i++) {
            frame.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7 + 1));
        }
    }

    @AfterEach
    void tearDown() {
        if (platform != null) {
            platform.close();
        }
    }

    private XenPvPlatform open(final XenPvPlatform.Settings settings) {
        platform = new XenPvPlatform(settings, settings.devices());
        return platform;
    }

    private XenPvPlatform open(final String profile) {
        return open(XenPvPlatform.Settings.of(profile, BUFFERS, 2));
    }

    private long count(final PlatformOp op) {
        return platform.count(op);
    }

    private long hypercalls() {
        return count(PlatformOp.HYPERCALL_GRANT_TABLE_OP) + count(PlatformOp.HYPERCALL_MMU_UPDATE)
                + count(PlatformOp.HYPERCALL_MEMORY_EXCHANGE) + count(PlatformOp.HYPERCALL_MULTICALL);
    }

    private byte guestByte(final int buffer, final int at) {
        return platform.memory().get(ValueLayout.JAVA_BYTE, platform.bufferOffset(buffer) + at);
    }

    @Test
    void shouldMapInPlaceOnBareMetalWithoutIommu() {
        final XenPvPlatform p = open("none");
        final int b = p.allocate();
        final long bus = p.map(0, b, 0, 2048, DmaDirection.FROM_DEVICE);
        assertEquals(((long) XenPvPlatform.GUEST_MFN_BASE << 12) + p.bufferOffset(b), bus, "dma-direct: phys address");
        assertTrue(p.deviceWrite(0, bus, frame, 0, 64) >= 0);
        assertEquals(frame.get(ValueLayout.JAVA_BYTE, 5), guestByte(b, 5), "written in place");
        p.unmap(0, bus, 2048, DmaDirection.FROM_DEVICE);
        assertEquals(0, hypercalls());
        assertEquals(0, count(PlatformOp.P2M_LOOKUP));
        assertEquals(0, count(PlatformOp.BOUNCE));
        assertEquals(0, p.liveMappings());
        assertEquals("ixgbevf/none", p.name());
    }

    @Test
    void shouldTellWhereTheCpuFindsTheFrameWhateverTheMechanism() {
        for (final String profile : new String[] {"none", "xen-pv", "paper", "iommu-strict"}) {
            final XenPvPlatform p = open(profile);
            final int b = p.allocate();
            final long bus = p.map(0, b, 2, 2000, DmaDirection.FROM_DEVICE); // NET_IP_ALIGN-style offset
            assertEquals(p.bufferOffset(b) + 2, p.deviceWrite(0, bus, frame, 0, 64), profile);
            p.unmap(0, bus, 2000, DmaDirection.FROM_DEVICE);
            assertEquals(frame.get(ValueLayout.JAVA_BYTE, 0), guestByte(b, 2), profile);
            p.close();
            platform = null;
        }
    }

    @Test
    void shouldFaultADeviceAccessToMemoryThatIsNotMappedForIt() {
        final XenPvPlatform p = open("none");
        final int b = p.allocate();
        final long bus = p.map(0, b, 0, 2048, DmaDirection.FROM_DEVICE);
        assertEquals(-1, p.deviceWrite(1, bus, frame, 0, 64), "mapped for device 0, not 1");
        assertFalse(p.deviceRead(0, bus, 64), "mapped FROM_DEVICE: the device may not read");
        p.unmap(0, bus, 2048, DmaDirection.FROM_DEVICE);
        assertEquals(-1, p.deviceWrite(0, bus, frame, 0, 64), "unmapped too early");
        assertEquals(-1, p.deviceWrite(0, 0x1234_0000L, frame, 0, 64), "no guest memory there");
        assertEquals(4, count(PlatformOp.DMA_FAULT));
        assertEquals(4, p.faults().total());
        assertEquals(FaultLog.Cause.UNMAPPED, p.faults().lastCause());
        assertEquals(4, p.faults().lines().size());
        assertNotEquals(frame.get(ValueLayout.JAVA_BYTE, 5), guestByte(b, 5), "a refused write changes nothing");
    }

    @Test
    void shouldLookUpTheP2mAndNotBounceABufferThatDoesNotStraddle() {
        final XenPvPlatform p = open("xen-pv");
        final long setup = hypercalls();
        final int b = p.allocate();
        final long bus = p.map(0, b, 0, 2048, DmaDirection.FROM_DEVICE);
        assertEquals(p.guest().machineAddress(p.bufferOffset(b)), bus, "the machine address: no bounce");
        assertEquals(1, count(PlatformOp.P2M_LOOKUP));
        assertTrue(p.deviceWrite(0, bus, frame, 0, 60) >= 0);
        p.unmap(0, bus, 2048, DmaDirection.FROM_DEVICE);
        assertEquals(2, count(PlatformOp.P2M_LOOKUP), "xen_bus_to_phys on unmap");
        assertEquals(0, count(PlatformOp.BOUNCE));
        assertEquals(setup, hypercalls(), "no hypercall per mapping");
    }

    @Test
    void shouldDoTheSwiotlbFixupAtBootWithoutChargingTheRun() {
        final XenPvPlatform p = open("xen-pv");
        assertEquals(256 + 2 * 2, count(PlatformOp.HYPERCALL_MEMORY_EXCHANGE),
                "one per 256 KiB aperture chunk, one per descriptor ring (2 rings x 2 ports)");
        assertEquals(256 * 4 + 4 * 2, count(PlatformOp.HYPERCALL_MULTICALL));
        assertEquals(0, p.clock().busyPicos());
        assertTrue(p.clock().setupNanos() > 0);
        p.close();
        platform = open("none");
        assertEquals(0, hypercalls());
    }

    @Test
    void shouldBounceExactlyTheBuffersThatStraddleANonContiguousBoundary() {
        final XenPvPlatform p = open(XenPvPlatform.Settings.of("xen-pv", BUFFERS, 2).withStride(2368));
        int straddling = 0;
        for (int i = 0; i < BUFFERS; i++) {
            final int b = p.allocate();
            final long address = p.bufferOffset(b);
            final boolean straddles = p.guest().straddlesDiscontinuity(address, 2048);
            straddling += straddles ? 1 : 0;
            final long bus = p.map(0, b, 0, 2048, DmaDirection.FROM_DEVICE);
            assertEquals(straddles, p.swiotlb().contains(bus), "buffer " + b);
            assertTrue(p.deviceWrite(0, bus, frame, 0, 2048) >= 0, "the device may write the whole mapping");
            p.unmap(0, bus, 2048, DmaDirection.FROM_DEVICE);
            assertEquals(frame.get(ValueLayout.JAVA_BYTE, 2047), guestByte(b, 2047), "copied back on unmap");
        }
        assertTrue(straddling > 0);
        assertEquals(straddling, count(PlatformOp.BOUNCE));
        assertEquals(2048L * straddling, count(PlatformOp.BOUNCE_BYTES), "rx copies back the whole mapping");
    }

    @Test
    void shouldFaultIfAStraddlingBufferWereDmaedInPlace() {
        final XenPvPlatform p = open(XenPvPlatform.Settings.of("xen-pv", BUFFERS, 2).withStride(2368));
        int b;
        do {
            b = p.allocate();
        } while (!p.guest().straddlesDiscontinuity(p.bufferOffset(b), 2048));
        final long bounced = p.map(0, b, 0, 2048, DmaDirection.FROM_DEVICE);
        assertTrue(p.swiotlb().contains(bounced));
        // What swiotlb-xen avoids: the device walks on into the machine frame after the buffer's first one.
        assertEquals(-1, p.deviceWrite(0, p.guest().machineAddress(p.bufferOffset(b)), frame, 0, 2048));
        assertEquals(FaultLog.Cause.DISCONTIGUOUS, p.faults().lastCause());
    }

    @Test
    void shouldBounceEverythingOutsideTheDmaMask() {
        final XenPvPlatform p = open(XenPvPlatform.Settings.of("xen-pv", BUFFERS, 1).withDmaBits(32));
        final int b = p.allocate();
        final long bus = p.map(0, b, 0, 1024, DmaDirection.TO_DEVICE);
        assertTrue(p.swiotlb().contains(bus), "guest frames sit above 4 GiB, the aperture below");
        assertEquals(1024, count(PlatformOp.BOUNCE_BYTES), "tx copies in at map time");
        p.unmap(0, bus, 1024, DmaDirection.TO_DEVICE);
        assertEquals(1024, count(PlatformOp.BOUNCE_BYTES), "tx copies nothing back");
    }

    @Test
    void shouldMakeEveryMapAndUnmapAHypercallPlusABounceInThePaperProfile() {
        final XenPvPlatform p = open("paper");
        final long before = count(PlatformOp.HYPERCALL_GRANT_TABLE_OP);
        final int b = p.allocate();
        final long rx = p.map(0, b, 0, 2048, DmaDirection.FROM_DEVICE);
        assertTrue(p.swiotlb().contains(rx));
        assertTrue(p.deviceWrite(0, rx, frame, 0, 64) >= 0);
        assertNotEquals(frame.get(ValueLayout.JAVA_BYTE, 10), guestByte(b, 10), "the frame is in the bounce slot");
        p.unmap(0, rx, 2048, DmaDirection.FROM_DEVICE);
        assertEquals(frame.get(ValueLayout.JAVA_BYTE, 10), guestByte(b, 10), "and copied back at unmap");
        final long tx = p.map(1, b, 0, 64, DmaDirection.TO_DEVICE);
        assertTrue(p.deviceRead(1, tx, 64));
        p.unmap(1, tx, 64, DmaDirection.TO_DEVICE);
        assertEquals(before + 4, count(PlatformOp.HYPERCALL_GRANT_TABLE_OP));
        assertEquals(2, count(PlatformOp.BOUNCE));
        assertEquals(2048 + 64, count(PlatformOp.BOUNCE_BYTES), "rx: the whole mapping back; tx: the frame in");
        assertEquals(0, count(PlatformOp.P2M_LOOKUP));
    }

    @Test
    void shouldChargeThePaperHypercallTypeThatIsConfigured() {
        final XenPvPlatform.Settings s = XenPvPlatform.Settings.of("paper", BUFFERS, 1);
        final XenPvPlatform p = open(new XenPvPlatform.Settings(s.bufferCount(), s.bufferSize(), s.stride(), 1,
                s.costs(), 0, 1, s.swiotlbBytes(), 64, 250, 1, Hypervisor.Hypercall.MMU_UPDATE, false, new int[0]));
        final int b = p.allocate();
        p.unmap(0, p.map(0, b, 0, 100, DmaDirection.TO_DEVICE), 100, DmaDirection.TO_DEVICE);
        assertEquals(2, count(PlatformOp.HYPERCALL_MMU_UPDATE));
        assertEquals(0, count(PlatformOp.HYPERCALL_GRANT_TABLE_OP));
    }

    @Test
    void shouldFailAndCountWhenTheBounceApertureIsExhausted() {
        final XenPvPlatform p = open(XenPvPlatform.Settings.of("paper", BUFFERS, 1).withSwiotlb(256 * 1024));
        for (int i = 0; i < 128; i++) {
            assertNotEquals(DmaPlatform.MAP_FAILED, p.map(0, p.allocate(), 0, 2048, DmaDirection.FROM_DEVICE));
        }
        final int b = p.allocate();
        assertEquals(DmaPlatform.MAP_FAILED, p.map(0, b, 0, 2048, DmaDirection.FROM_DEVICE));
        assertEquals(1, count(PlatformOp.DMA_MAP_FAILED));
        assertEquals(128, p.liveMappings());
        p.free(b); // not mapped: may be freed
    }

    @Test
    void shouldSyncABouncedMappingInTheDirectionGiven() {
        final XenPvPlatform p = open("paper");
        final int b = p.allocate();
        final long bus = p.map(0, b, 0, 2048, DmaDirection.BIDIRECTIONAL);
        assertTrue(p.deviceWrite(0, bus, frame, 0, 64) >= 0);
        p.sync(0, bus, 64, DmaDirection.FROM_DEVICE);
        assertEquals(frame.get(ValueLayout.JAVA_BYTE, 63), guestByte(b, 63), "the CPU sees the frame");
        platform.memory().set(ValueLayout.JAVA_BYTE, p.bufferOffset(b), (byte) 99);
        p.sync(0, bus, 64, DmaDirection.TO_DEVICE);
        assertEquals(99, p.swiotlb().memory().get(ValueLayout.JAVA_BYTE, bus - p.swiotlb().busBase()));
        assertEquals(2048 + 64 + 64, count(PlatformOp.BOUNCE_BYTES), "map copies 2048 (bidirectional), syncs 64 each");
        assertEquals(2, count(PlatformOp.DMA_SYNC));
        p.unmap(0, bus, 2048, DmaDirection.BIDIRECTIONAL);
    }

    @Test
    void shouldLetAGrantedDeviceReadAndFaultAfterRevoke() {
        for (final String profile : new String[] {"xen-pv", "none", "iommu-strict", "paper"}) {
            final XenPvPlatform p = open(profile);
            final int b = p.allocate();
            final long rx = p.map(0, b, 0, 2048, DmaDirection.BIDIRECTIONAL);
            final long tx = p.grant(1, b, DeviceAccess.READ);
            assertNotEquals(DmaPlatform.MAP_FAILED, tx);
            assertTrue(p.deviceRead(1, tx, 64), profile);
            assertEquals(-1, p.deviceWrite(1, tx, frame, 0, 64), profile + ": read-only grant");
            p.revoke(1, b);
            assertFalse(p.deviceRead(1, tx, 64), profile + ": revoked");
            assertEquals(1, count(PlatformOp.PERMISSION_GRANT));
            assertEquals(1, count(PlatformOp.PERMISSION_REVOKE));
            p.unmap(0, rx, 2048, DmaDirection.BIDIRECTIONAL);
            assertEquals(DmaPlatform.MAP_FAILED, p.grant(1, b, DeviceAccess.READ), "not mapped anywhere");
            p.close();
            platform = null;
        }
    }

    @Test
    void shouldMakeAGrantAnIommuMappingOnBareMetal() {
        final XenPvPlatform p = open("iommu-strict");
        final int b = p.allocate();
        final long rx = p.map(0, b, 0, 2048, DmaDirection.BIDIRECTIONAL);
        p.grant(1, b, DeviceAccess.READ);
        assertEquals(2, count(PlatformOp.IOMMU_MAP));
        p.revoke(1, b);
        assertEquals(1, count(PlatformOp.IOTLB_INVALIDATION));
        p.unmap(0, rx, 2048, DmaDirection.BIDIRECTIONAL);
        p.free(b);
        assertEquals(2, count(PlatformOp.IOTLB_INVALIDATION));
    }

    @Test
    void shouldInvalidatePerUnmapWhenStrictAndBatchWhenLazy() {
        for (final String profile : new String[] {"iommu-strict", "iommu-lazy"}) {
            final XenPvPlatform p = open(profile);
            for (int i = 0; i < 100; i++) {
                final int b = p.allocate();
                final long bus = p.map(0, b, 0, 2048, DmaDirection.FROM_DEVICE);
                assertTrue(p.deviceWrite(0, bus, frame, 0, 64) >= 0);
                p.unmap(0, bus, 2048, DmaDirection.FROM_DEVICE);
                assertEquals(-1, p.deviceWrite(0, bus, frame, 0, 64),
                        profile + ": unmapped is unmapped, flushed or not");
                p.free(b);
            }
            assertEquals(profile.equals("iommu-strict") ? 100 : 0, count(PlatformOp.IOTLB_INVALIDATION), profile);
            p.quiesce();
            assertEquals(profile.equals("iommu-strict") ? 100 : 1, count(PlatformOp.IOTLB_INVALIDATION), profile);
            p.close();
            platform = null;
        }
    }

    @Test
    void shouldThrowForCallerBugs() {
        final XenPvPlatform p = open("xen-pv");
        final int b = p.allocate();
        final long bus = p.map(0, b, 0, 2048, DmaDirection.FROM_DEVICE);
        assertThrows(IllegalStateException.class, () -> p.free(b), "freeing a mapped buffer");
        assertThrows(IllegalStateException.class, () -> p.unmap(0, bus, 2048, DmaDirection.TO_DEVICE), "direction");
        assertThrows(IllegalStateException.class, () -> p.unmap(1, bus, 2048, DmaDirection.FROM_DEVICE), "device");
        p.unmap(0, bus, 2048, DmaDirection.FROM_DEVICE);
        assertThrows(IllegalStateException.class, () -> p.unmap(0, bus, 2048, DmaDirection.FROM_DEVICE), "double");
        p.free(b);
        assertThrows(IllegalStateException.class, () -> p.free(b), "double free");
        assertThrows(IllegalStateException.class, () -> p.map(0, b, 0, 64, DmaDirection.TO_DEVICE), "not allocated");
        assertThrows(IllegalArgumentException.class, () -> p.map(0, p.allocate(), 100, 2000, DmaDirection.TO_DEVICE));
        final XenPvPlatform paper = open("paper");
        final int c = paper.allocate();
        final long bounced = paper.map(0, c, 0, 2048, DmaDirection.FROM_DEVICE);
        assertThrows(IllegalStateException.class, () -> paper.unmap(0, bounced, 64, DmaDirection.FROM_DEVICE),
                "unmap with another length than mapped");
        paper.unmap(0, bounced, 2048, DmaDirection.FROM_DEVICE);
        p.close();
    }

    @Test
    void shouldCountAllocationsAndRunOutOfBuffers() {
        final XenPvPlatform p = open(XenPvPlatform.Settings.of("none", 64, 1));
        for (int i = 0; i < 64; i++) {
            assertNotEquals(DmaPlatform.NO_BUFFER, p.allocate());
        }
        assertEquals(DmaPlatform.NO_BUFFER, p.allocate());
        assertEquals(64, count(PlatformOp.BUFFER_ALLOC));
        assertEquals(0, p.freeBuffers());
        assertEquals(64, p.allocatedBuffers());
    }

    @Test
    void shouldCopyBetweenBuffersAndChargeIt() {
        final XenPvPlatform p = open("none");
        final int a = p.allocate();
        final int b = p.allocate();
        MemorySegment.copy(frame, 0, p.memory(), p.bufferOffset(a), 100);
        final long before = p.clock().busyPicos();
        p.copy(a, 0, b, 10, 100);
        assertEquals(frame.get(ValueLayout.JAVA_BYTE, 42), guestByte(b, 52));
        assertEquals(100, count(PlatformOp.COPY_BYTES));
        assertEquals(3_000 + 17 * 100, p.clock().busyPicos() - before);
    }
}
