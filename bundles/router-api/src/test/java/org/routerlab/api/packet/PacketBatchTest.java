package org.routerlab.api.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PacketBatchTest {
    @Test
    void shouldCheckCapacity() {
        for (final int bad : new int[] {0, -1, 4097, Integer.MIN_VALUE}) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PacketBatch(bad));
            assertTrue(e.getMessage().startsWith("capacity=" + bad), e.getMessage());
        }
        assertEquals(1, new PacketBatch(1).capacity());
        assertEquals(4096, new PacketBatch(4096).capacity());
        assertEquals(64, PacketBatch.DEFAULT_CAPACITY);
    }

    @Test
    void shouldAddUntilFullThenRefuse() {
        final PacketBatch batch = new PacketBatch(3);
        assertTrue(batch.isEmpty());
        assertEquals(3, batch.remaining());
        assertEquals(0, batch.add(10, 1000, 60, 5000, 1));
        assertEquals(1, batch.add(11, 2000, 61, PacketBatch.NO_DMA, 0));
        assertEquals(2, batch.add(12, 3000, 62, 7000, 1));
        assertTrue(batch.isFull());
        assertEquals(0, batch.remaining());
        assertEquals(-1, batch.add(13, 4000, 63, 8000, 0));
        assertEquals(3, batch.size());
        assertSlot(batch, 1, 11, 2000, 61, PacketBatch.NO_DMA, 0, -1, 0);
        batch.clear();
        assertTrue(batch.isEmpty());
        assertEquals(0, batch.add(20, 0, 60, 0, 0));
    }

    @Test
    void shouldResetNextHopAndStampOnAdd() {
        final PacketBatch batch = new PacketBatch(2);
        batch.add(1, 2, 3, 4, 5);
        batch.nextHop(0, 9);
        batch.stamp(0, 99);
        batch.clear();
        batch.add(6, 7, 8, 9, 10);
        assertSlot(batch, 0, 6, 7, 8, 9, 10, -1, 0);
    }

    @Test
    void shouldSetAndGetEveryField() {
        final PacketBatch batch = new PacketBatch(4);
        batch.buffer(2, 42);
        batch.offset(2, 1L << 40);
        batch.length(2, 1514);
        batch.dma(2, 0xDEAD_BEEF_0000L);
        batch.port(2, 3);
        batch.nextHop(2, 17);
        batch.stamp(2, 123_456_789_000L);
        batch.size(3);
        assertEquals(3, batch.size());
        assertSlot(batch, 2, 42, 1L << 40, 1514, 0xDEAD_BEEF_0000L, 3, 17, 123_456_789_000L);
    }

    @Test
    void shouldCheckSize() {
        final PacketBatch batch = new PacketBatch(4);
        batch.size(4);
        batch.size(0);
        assertThrows(IllegalArgumentException.class, () -> batch.size(5));
        assertThrows(IllegalArgumentException.class, () -> batch.size(-1));
        assertEquals(0, batch.size());
    }

    @Test
    void shouldMoveEverySlotField() {
        final PacketBatch batch = filled(4);
        batch.move(3, 0);
        assertSlot(batch, 0, 103, 1003, 63, 5003, 3, 203, 303);
        assertSlot(batch, 3, 103, 1003, 63, 5003, 3, 203, 303);
        assertEquals(4, batch.size(), "move does not change the size");
    }

    @Test
    void shouldRemoveFirstAndShiftRestInOrder() {
        final PacketBatch batch = filled(5);
        batch.removeFirst(2);
        assertEquals(3, batch.size());
        for (int i = 0; i < 3; i++) {
            final int k = i + 2;
            assertSlot(batch, i, 100 + k, 1000 + k, 60 + k, 5000 + k, k, 200 + k, 300 + k);
        }
        batch.removeFirst(0);
        assertEquals(3, batch.size());
        batch.removeFirst(-4);
        assertEquals(3, batch.size());
        batch.removeFirst(3);
        assertTrue(batch.isEmpty());

        final PacketBatch over = filled(3);
        over.removeFirst(10);
        assertTrue(over.isEmpty());
    }

    @Test
    void shouldAddFromAnotherBatchWithAllFields() {
        final PacketBatch source = filled(3);
        final PacketBatch target = new PacketBatch(2);
        assertEquals(0, target.addFrom(source, 2));
        assertEquals(1, target.addFrom(source, 0));
        assertEquals(-1, target.addFrom(source, 1));
        assertEquals(2, target.size());
        assertSlot(target, 0, 102, 1002, 62, 5002, 2, 202, 302);
        assertSlot(target, 1, 100, 1000, 60, 5000, 0, 200, 300);
        assertSlot(source, 2, 102, 1002, 62, 5002, 2, 202, 302);
        assertEquals(3, source.size(), "the source is not changed");
    }

    @Test
    void shouldDescribeBuffersInUse() {
        final PacketBatch batch = filled(2);
        assertEquals("PacketBatch[size=2, capacity=2, buffers=[100, 101]]", batch.toString());
        assertFalse(batch.isEmpty());
    }

    /** A full batch whose slot k holds buffer 100+k, offset 1000+k, length 60+k, dma 5000+k, port k, hop 200+k, stamp 300+k. */
    private static PacketBatch filled(final int n) {
        final PacketBatch batch = new PacketBatch(n);
        for (int k = 0; k < n; k++) {
            final int i = batch.add(100 + k, 1000 + k, 60 + k, 5000 + k, k);
            batch.nextHop(i, 200 + k);
            batch.stamp(i, 300 + k);
        }
        return batch;
    }

    private static void assertSlot(final PacketBatch batch, final int i, final int buffer, final long offset,
                                   final int length, final long dma, final int port, final int nextHop, final long stamp) {
        assertEquals(buffer, batch.buffer(i), "buffer");
        assertEquals(offset, batch.offset(i), "offset");
        assertEquals(length, batch.length(i), "length");
        assertEquals(dma, batch.dma(i), "dma");
        assertEquals(port, batch.port(i), "port");
        assertEquals(nextHop, batch.nextHop(i), "nextHop");
        assertEquals(stamp, batch.stamp(i), "stamp");
    }
}
