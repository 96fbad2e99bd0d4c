package org.routerlab.nic.emulated.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.routerlab.api.platform.DeviceAccess;
import org.routerlab.api.platform.DmaDirection;
import org.routerlab.api.platform.DmaPlatform;
import org.routerlab.api.platform.PlatformOp;

class EmulatedPlatformTest {
    private final EmulatedPlatform platform = new EmulatedPlatform(8, 2048, 2, new CostTable());

    @AfterEach
    void close() {
        platform.close();
    }

    @Test
    void shouldAllocateEveryBufferOnceThenReportExhaustion() {
        final boolean[] seen = new boolean[8];
        for (int i = 0; i < 8; i++) {
            final int b = platform.allocate();
            assertFalse(seen[b], "buffer handed out twice");
            seen[b] = true;
        }
        assertEquals(DmaPlatform.NO_BUFFER, platform.allocate());
        assertEquals(0, platform.freeBuffers());
        assertEquals(8, platform.counters().get(PlatformOp.BUFFER_ALLOC));
    }

    @Test
    void shouldCatchDoubleFreeAndFreeWhileMapped() {
        final int b = platform.allocate();
        final long h = platform.map(0, b, 0, 2048, DmaDirection.FROM_DEVICE);
        assertThrows(IllegalStateException.class, () -> platform.free(b));
        platform.unmap(0, h, 2048, DmaDirection.FROM_DEVICE);
        platform.free(b);
        assertThrows(IllegalStateException.class, () -> platform.free(b));
    }

    @Test
    void shouldCatchDoubleUnmapAndUnmapForTheWrongDevice() {
        final int b = platform.allocate();
        final long h = platform.map(1, b, 0, 2048, DmaDirection.TO_DEVICE);
        assertThrows(IllegalStateException.class, () -> platform.unmap(0, h, 2048, DmaDirection.TO_DEVICE));
        assertThrows(IllegalStateException.class, () -> platform.unmap(1, h, 2048, DmaDirection.FROM_DEVICE));
        platform.unmap(1, h, 2048, DmaDirection.TO_DEVICE);
        assertThrows(IllegalStateException.class, () -> platform.unmap(1, h, 2048, DmaDirection.TO_DEVICE));
        assertEquals(0, platform.liveMappings());
    }

    @Test
    void shouldLetADeviceTouchOnlyWhatIsMappedForItInTheRightDirection() {
        final int b = platform.allocate();
        final long rx = platform.map(0, b, 0, 2048, DmaDirection.FROM_DEVICE);
        assertTrue(platform.deviceMayWrite(0, rx, 64));
        assertFalse(platform.deviceMayRead(0, rx, 64), "FROM_DEVICE does not allow device reads");
        assertFalse(platform.deviceMayWrite(1, rx, 64), "another device's handle");
        assertFalse(platform.deviceMayWrite(0, rx + 2040, 64), "crosses the end of the buffer");
        platform.unmap(0, rx, 2048, DmaDirection.FROM_DEVICE);
        assertFalse(platform.deviceMayWrite(0, rx, 64), "unmapped too early");
        assertEquals(4, platform.counters().get(PlatformOp.DMA_FAULT), "each refused access is a counted fault");
    }

    @Test
    void shouldLetAGrantedDeviceReadWithoutANewMapping() {
        final int b = platform.allocate();
        assertEquals(DmaPlatform.MAP_FAILED, platform.grant(1, b, DeviceAccess.READ), "grant needs a mapping");
        final long rx = platform.map(0, b, 0, 2048, DmaDirection.BIDIRECTIONAL);
        final long tx = platform.grant(1, b, DeviceAccess.READ);
        assertNotEquals(DmaPlatform.MAP_FAILED, tx);
        assertTrue(platform.deviceMayRead(1, tx, 1514));
        assertFalse(platform.deviceMayWrite(1, tx, 64), "read-only grant");
        platform.revoke(1, b);
        assertFalse(platform.deviceMayRead(1, tx, 64));
        assertEquals(1, platform.counters().get(PlatformOp.DMA_MAP), "granting made no mapping");
        platform.unmap(0, rx, 2048, DmaDirection.BIDIRECTIONAL);
    }

    @Test
    void shouldChargeEveryOperationToTheModeledClock() {
        final int b = platform.allocate();
        final long h = platform.map(0, b, 0, 2048, DmaDirection.FROM_DEVICE);
        platform.unmap(0, h, 2048, DmaDirection.FROM_DEVICE);
        final int c = platform.allocate();
        platform.copy(b, 0, c, 0, 1000);
        final CostTable t = new CostTable();
        final long expectedPs = 2 * t.allocPs + t.mapPs + t.unmapPs + t.copyFixedPs + 1000 * t.copyPsPerByte;
        assertEquals(expectedPs / 1000, platform.counters().get(PlatformOp.MODELED_NANOS));
        assertEquals(1000, platform.counters().get(PlatformOp.COPY_BYTES));
    }
}
