package org.routerlab.nic.ixgbevf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SwiotlbTest {
    private static final long BASE = XenPvPlatform.APERTURE_BUS_BASE;
    private static final long SEGMENT = (long) Swiotlb.SEGMENT_SLOTS * Swiotlb.SLOT_SIZE;

    @Test
    void shouldHaveLinuxGeometry() {
        assertEquals(2048, Swiotlb.SLOT_SIZE);
        assertEquals(128, Swiotlb.SEGMENT_SLOTS);
        assertEquals(64L << 20, Swiotlb.DEFAULT_BYTES);
        try (Swiotlb s = new Swiotlb(Swiotlb.DEFAULT_BYTES, BASE)) {
            assertEquals(32768, s.slots());
            assertEquals(256, s.segments());
        }
        assertEquals(1, Swiotlb.slotsFor(64));
        assertEquals(1, Swiotlb.slotsFor(2048));
        assertEquals(2, Swiotlb.slotsFor(2049));
    }

    @Test
    void shouldAllocateDistinctSlotsAndRecordTheMapping() {
        try (Swiotlb s = new Swiotlb(SEGMENT, BASE)) {
            final Set<Integer> heads = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                final int head = s.allocate(4096L * i, 1522, 3, 1);
                assertTrue(heads.add(head));
                assertEquals(4096L * i, s.original(head));
                assertEquals(1522, s.size(head));
                assertEquals(3, s.device(head));
                assertEquals(1, s.direction(head));
                assertEquals(head, s.headAt(s.busOf(head)));
                assertEquals(head, s.allocationCovering(s.busOf(head) + 100, 1000));
                assertEquals(-1, s.allocationCovering(s.busOf(head) + 100, 1500), "past the mapping's 1522 bytes");
            }
            assertEquals(10, s.usedSlots());
        }
    }

    @Test
    void shouldNeverLetAMappingCrossASegment() {
        try (Swiotlb s = new Swiotlb(2 * SEGMENT, BASE)) {
            for (int i = 0; i < 127; i++) {
                assertTrue(s.allocate(0, 2048, 0, 0) >= 0);
            }
            final int big = s.allocate(0, 4096, 0, 0); // one slot left in segment 0: must go to segment 1
            assertEquals(128, big);
            assertEquals(2, s.usedSlots() - 127);
        }
    }

    @Test
    void shouldFailWhenOutOfSlotsAndRecoverAfterRelease() {
        try (Swiotlb s = new Swiotlb(SEGMENT, BASE)) {
            final int[] heads = new int[128];
            for (int i = 0; i < 128; i++) {
                heads[i] = s.allocate(0, 64, 0, 0);
                assertTrue(heads[i] >= 0);
            }
            assertEquals(-1, s.allocate(0, 64, 0, 0), "exhausted");
            s.release(heads[77]);
            assertEquals(77, s.allocate(0, 64, 0, 0), "the released slot is found again");
            assertEquals(-1, s.allocate(0, 64, 0, 0));
        }
    }

    @Test
    void shouldCoalesceFreedSlotsForLargerMappings() {
        try (Swiotlb s = new Swiotlb(SEGMENT, BASE)) {
            final int[] heads = new int[128];
            for (int i = 0; i < 128; i++) {
                heads[i] = s.allocate(0, 64, 0, 0);
            }
            s.release(heads[10]);
            s.release(heads[12]);
            assertEquals(-1, s.allocate(0, 4096, 0, 0), "two free slots, but not adjacent");
            s.release(heads[11]);
            final int two = s.allocate(0, 4096, 0, 0);
            assertTrue(two == 10 || two == 11, "a run of two in 10..12: " + two);
        }
    }

    @Test
    void shouldRejectReleasingWhatIsNotAllocated() {
        try (Swiotlb s = new Swiotlb(SEGMENT, BASE)) {
            assertThrows(IllegalStateException.class, () -> s.release(5));
            final int head = s.allocate(0, 64, 0, 0);
            s.release(head);
            assertThrows(IllegalStateException.class, () -> s.release(head));
            assertEquals(-1, s.headAt(s.busOf(head)));
            assertFalse(s.contains(BASE + SEGMENT));
            assertNotEquals(-1, s.allocate(0, 64, 0, 0));
        }
    }

    @Test
    void shouldRejectASizeThatIsNotWholeSegments() {
        assertThrows(IllegalArgumentException.class, () -> new Swiotlb(1000, BASE));
        try (Swiotlb none = new Swiotlb(0, BASE)) {
            assertEquals(-1, none.allocate(0, 64, 0, 0));
        }
    }
}
