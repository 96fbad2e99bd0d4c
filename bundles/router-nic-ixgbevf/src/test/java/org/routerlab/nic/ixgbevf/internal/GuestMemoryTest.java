package org.routerlab.nic.ixgbevf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GuestMemoryTest {
    @Test
    void shouldLayBuffersOutAtTheStrideInFrameAlignedMemory() {
        try (GuestMemory m = new GuestMemory(10, 2048, 2368, null, 0x100000)) {
            assertEquals(2368L * 7, m.bufferOffset(7));
            assertEquals(7, m.bufferAt(2368L * 7 + 100));
            assertEquals(GuestMemory.framesFor(10, 2368) * 4096L, m.memory().byteSize());
            assertEquals(0, m.memory().address() % 4096);
        }
    }

    @Test
    void shouldNeverStraddleWithTheDefaultStride() {
        final P2mTable p2m = P2mTable.scattered(GuestMemory.framesFor(64, 2048), 0x100000, 0.0, 1);
        try (GuestMemory m = new GuestMemory(64, 2048, 2048, p2m, 0)) {
            for (int b = 0; b < 64; b++) {
                assertEquals(1, GuestMemory.framesSpanned(m.bufferOffset(b), 2048));
                assertFalse(m.straddlesDiscontinuity(m.bufferOffset(b), 2048));
            }
        }
    }

    @Test
    void shouldStraddleADiscontinuityWhenAPageFragCarvedBufferCrossesAFrame() {
        final P2mTable p2m = P2mTable.scattered(GuestMemory.framesFor(64, 2368), 0x100000, 0.0, 1);
        try (GuestMemory m = new GuestMemory(64, 2048, 2368, p2m, 0)) {
            int straddling = 0;
            for (int b = 0; b < 64; b++) {
                final long a = m.bufferOffset(b);
                final boolean crosses = GuestMemory.framesSpanned(a, 2048) > 1;
                assertEquals(crosses, m.straddlesDiscontinuity(a, 2048), "buffer " + b);
                straddling += crosses ? 1 : 0;
            }
            assertTrue(straddling > 10 && straddling < 64, "some but not all: " + straddling);
        }
        final P2mTable contiguous = P2mTable.scattered(GuestMemory.framesFor(64, 2368), 0x100000, 1.0, 1);
        try (GuestMemory m = new GuestMemory(64, 2048, 2368, contiguous, 0)) {
            for (int b = 0; b < 64; b++) {
                assertFalse(m.straddlesDiscontinuity(m.bufferOffset(b), 2048));
            }
        }
    }

    @Test
    void shouldTranslateBetweenPseudoPhysicalAndMachineAddresses() {
        final P2mTable p2m = P2mTable.scattered(16, 0x100000, 0.0, 5);
        try (GuestMemory m = new GuestMemory(32, 2048, 2048, p2m, 0)) {
            final long address = 5 * 4096L + 123;
            final long machine = m.machineAddress(address);
            assertEquals(((long) p2m.mfn(5) << 12) | 123, machine);
            assertEquals(address, m.guestAddress(machine));
            assertEquals(-1, m.guestAddress(0x1000));
        }
    }

    @Test
    void shouldRejectBadGeometry() {
        assertEquals("nic.buffer.stride=2000 must be a multiple of 64 and >= nic.buffer.size=2048",
                assertThrows(IllegalArgumentException.class, () -> new GuestMemory(4, 2048, 2000, null, 0))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GuestMemory(4, 3000, 3008, null, 0));
        assertThrows(IllegalArgumentException.class, () -> new GuestMemory(0, 2048, 2048, null, 0));
    }
}
