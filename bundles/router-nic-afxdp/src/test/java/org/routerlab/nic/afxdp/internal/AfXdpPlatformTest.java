package org.routerlab.nic.afxdp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.routerlab.api.platform.DeviceAccess;
import org.routerlab.api.platform.DmaDirection;
import org.routerlab.api.platform.DmaPlatform;

/** UMEM frames as platform buffers: local handles, bounce copies across per-port UMEMs, grants in a shared one. */
class AfXdpPlatformTest {
    private static final int FRAMES = 64;

    private static AfXdpPlatform platform(final Arena arena, final boolean shared) {
        return new AfXdpPlatform(arena.allocate(2L * FRAMES * AfXdpPlatform.FRAME_SIZE, 4096), 2, FRAMES, shared);
    }

    @Test
    void shouldAllocateDeviceLocalFramesWithLocalHandles() {
        try (Arena arena = Arena.ofConfined()) {
            final AfXdpPlatform p = platform(arena, false);
            final int b = p.allocate(1);
            assertTrue(b >= FRAMES && b < 2 * FRAMES, "device 1's region: " + b);
            final long h = p.map(1, b, 0, 2048, DmaDirection.FROM_DEVICE);
            assertEquals((long) (b - FRAMES) * 2048, h, "UMEM address within the port's own UMEM");
            assertEquals(0, p.counters().get(org.routerlab.api.platform.PlatformOp.COPY));
            p.unmap(1, h, 2048, DmaDirection.FROM_DEVICE);
            p.free(b);
            assertEquals(0, p.liveMappings());
        }
    }

    @Test
    void shouldBounceAFrameOfAnotherUmemIntoTheDevicesOwn() {
        try (Arena arena = Arena.ofConfined()) {
            final AfXdpPlatform p = platform(arena, false);
            final int b = p.allocate(0);
            final MemorySegment m = p.memory();
            m.set(ValueLayout.JAVA_LONG, p.bufferOffset(b) + 256, 0x1122334455667788L);
            final int freeBefore = p.freeBuffers();
            final long h = p.map(1, b, 256, 60, DmaDirection.TO_DEVICE);
            final int bounce = p.frameOf(1, h);
            assertNotEquals(b, bounce);
            assertTrue(p.isBounce(bounce));
            assertEquals(0x1122334455667788L, m.get(ValueLayout.JAVA_LONG, p.bufferOffset(bounce) + 256));
            assertEquals(1, p.counters().get(org.routerlab.api.platform.PlatformOp.COPY));
            assertEquals(60, p.counters().get(org.routerlab.api.platform.PlatformOp.COPY_BYTES));
            assertEquals(freeBefore - 1, p.freeBuffers());
            p.unmap(1, h, 60, DmaDirection.TO_DEVICE);
            assertEquals(freeBefore, p.freeBuffers(), "the bounce frame is free again");
            assertEquals(DmaPlatform.MAP_FAILED, p.grant(1, b, DeviceAccess.READ), "no grant across UMEMs");
            p.free(b);
        }
    }

    @Test
    void shouldGrantWithinASharedUmemWithoutCopying() {
        try (Arena arena = Arena.ofConfined()) {
            final AfXdpPlatform p = platform(arena, true);
            final int b = p.allocate(0);
            final long h = p.map(0, b, 0, 2048, DmaDirection.BIDIRECTIONAL);
            assertEquals(h, p.grant(1, b, DeviceAccess.READ), "same address for every port");
            assertEquals(h + 256, p.map(1, b, 256, 60, DmaDirection.TO_DEVICE));
            p.unmap(1, h + 256, 60, DmaDirection.TO_DEVICE);
            p.revoke(1, b);
            p.unmap(0, h, 2048, DmaDirection.BIDIRECTIONAL);
            p.free(b);
            assertEquals(0, p.counters().get(org.routerlab.api.platform.PlatformOp.COPY));
            assertThrows(IllegalStateException.class, () -> p.free(b), "double free is a caller bug");
        }
    }

    @Test
    void shouldKeepReservedFramesOutOfTheStrategysPool() {
        try (Arena arena = Arena.ofConfined()) {
            final AfXdpPlatform p = platform(arena, false);
            final int[] own = p.reserve(0, 16);
            assertEquals(2 * FRAMES - 16, p.freeBuffers());
            for (int i = 0; i < FRAMES - 16; i++) {
                final int b = p.allocate(0);
                for (final int f : own) {
                    assertNotEquals(f, b);
                }
            }
            assertEquals(DmaPlatform.NO_BUFFER, p.allocate(0));
        }
    }
}
